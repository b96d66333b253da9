/**
 * What an operator does with the server (the REST API in api.ts calls these): register EndDevices, assign
 * function sets, create programs, default controls, curves, DER and DRLC events and tariffs, cancel events, and
 * read back responses, mirrors and subscriptions. Every change is checked by serializing it as a client would
 * receive it (so nothing the schema refuses is ever served), stored, audited, and notified to subscribers.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { sfdiOf } from "gridhub/security";
import { DERControlBase, DERCurve, SepCodecError, serialize, type DERControlBaseValue } from "../codec/index.ts";
import { modesOf } from "../mapping/der.ts";
import type { CancelInput, DefaultControlInput, DerControlInput, DeviceInput, EndDeviceControlInput, FsaInput, ProgramInput, TariffInput } from "./operator-input.ts";
import { P } from "./paths.ts";
import type { ControlRec, CurveValue, DerProgramRec, DeviceRec, DrProgramRec, FsaRec, TariffRec } from "./records.ts";
import type { Renderer } from "./render.ts";
import type { ServerState } from "./state.ts";

export class OperatorError extends Error {
  constructor(readonly status: 400 | 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

export interface OperatorDeps {
  state: ServerState;
  renderer: Renderer;
  now(): number;
  changed(paths: string[]): Promise<void>;
  audit(action: string, target: string, actor: string, detail?: Record<string, unknown>): Promise<void>;
}

const newMrid = () => randomBytes(16).toString("hex").toUpperCase();
const notFound = (what: string) => new OperatorError(404, "NOT_FOUND", `no ${what}`);
const BASE_FIELDS = new Set(DERControlBase.fields.map(([n]) => n));
const CURVE_FIELDS = new Set(DERCurve.fields.map(([n]) => n));

function checkSerializable(what: string, write: () => string) {
  try {
    write();
  } catch (err) {
    if (err instanceof SepCodecError) throw new OperatorError(400, "INVALID", `${what}: ${err.message}`);
    throw err;
  }
}

function controlBase(input: Record<string, unknown>): DERControlBaseValue {
  const unknown = Object.keys(input).filter((k) => !BASE_FIELDS.has(k));
  if (unknown.length) throw new OperatorError(400, "INVALID", `base: unknown DERControlBase field(s) ${unknown.join(", ")}`);
  const base = input as DERControlBaseValue;
  if (!modesOf(base).length) throw new OperatorError(400, "INVALID", "base: needs at least one DER control mode (opMod...)");
  return base;
}

export class ServerOperator {
  constructor(private readonly d: OperatorDeps) {}

  private get state() { return this.d.state; }

  // ---- devices and function set assignments
  listDevices() {
    return [...this.state.devices.values()];
  }

  async addDevice(input: z.infer<typeof DeviceInput>, actor: string): Promise<DeviceRec> {
    if (this.state.deviceByLfdi(input.lfdi)) throw new OperatorError(409, "EXISTS", `an EndDevice with LFDI ${input.lfdi} exists`);
    const d: DeviceRec = {
      id: this.state.nextId("devices"), lfdi: input.lfdi, sfdi: Number(sfdiOf(input.lfdi)), changedTime: this.d.now(),
      ...(input.pin !== undefined ? { pin: input.pin } : {}), ...(input.description ? { description: input.description } : {}),
    };
    await this.state.putDevice(d);
    await this.d.audit("ieee2030-5.device.add", P.edev(d.id), actor, { lfdi: d.lfdi });
    return d;
  }

  async removeDevice(id: string, actor: string) {
    const d = this.state.devices.get(id);
    if (!d) throw notFound(`EndDevice ${id}`);
    for (const s of [...this.state.subscriptions.values()].filter((x) => x.device === id)) await this.state.deleteSubscription(s.id);
    await this.state.deleteDevice(id);
    await this.d.audit("ieee2030-5.device.remove", P.edev(id), actor, { lfdi: d.lfdi });
  }

  listFsas() {
    return [...this.state.fsas.values()];
  }

  async putFsa(input: z.infer<typeof FsaInput>, actor: string, id?: string): Promise<FsaRec> {
    const prior = id ? this.state.fsas.get(id) : undefined;
    if (id && !prior) throw notFound(`function set assignment ${id}`);
    for (const p of input.derPrograms) if (!this.state.derPrograms.has(p)) throw notFound(`DER program ${p}`);
    for (const p of input.drPrograms) if (!this.state.drPrograms.has(p)) throw notFound(`DR program ${p}`);
    for (const t of input.tariffs) if (!this.state.tariffs.has(t)) throw notFound(`tariff ${t}`);
    const f: FsaRec = {
      id: prior?.id ?? this.state.nextId("fsa"), mRID: input.mRID ?? prior?.mRID ?? newMrid(),
      ...(input.description ? { description: input.description } : {}),
      derPrograms: input.derPrograms, drPrograms: input.drPrograms, tariffs: input.tariffs,
      ...(input.devices ? { devices: input.devices } : {}),
    };
    checkSerializable("function set assignment", () => serialize("FunctionSetAssignments", this.d.renderer.fsa(f)));
    await this.state.putFsa(f);
    await this.d.audit("ieee2030-5.fsa.put", P.fsa(f.id), actor);
    const affected = [...this.state.devices.values()].filter((dev) => [prior, f].some((x) => x && (!x.devices || x.devices.includes(dev.lfdi))));
    await this.d.changed([...affected.map((dev) => P.fsaList(dev.id)), P.fsaDerp(f.id), P.fsaDr(f.id)]);
    return f;
  }

  // ---- DER programs, defaults, curves, controls
  listDerPrograms() {
    return [...this.state.derPrograms.values()];
  }

  async addDerProgram(input: z.infer<typeof ProgramInput>, actor: string): Promise<DerProgramRec> {
    const p: DerProgramRec = {
      id: this.state.nextId("derp"), mRID: input.mRID ?? newMrid(), primacy: input.primacy, version: 0,
      ...(input.description ? { description: input.description } : {}),
    };
    checkSerializable("DER program", () => serialize("DERProgram", this.d.renderer.derProgram(p)));
    await this.state.putDerProgram(p);
    await this.d.audit("ieee2030-5.derp.add", P.derp(p.id), actor);
    return p;
  }

  private derProgram(id: string): DerProgramRec {
    const p = this.state.derPrograms.get(id);
    if (!p) throw notFound(`DER program ${id}`);
    return p;
  }

  async setDefault(program: string, input: z.infer<typeof DefaultControlInput>, actor: string) {
    const p = this.derProgram(program);
    const base = controlBase(input.base);
    const next: DerProgramRec = {
      ...p, version: p.version + 1,
      default: { mRID: input.mRID ?? newMrid(), base, updated: this.d.now(), version: (p.default?.version ?? -1) + 1, ...(input.description ? { description: input.description } : {}) },
    };
    checkSerializable("default control", () => serialize("DefaultDERControl", this.d.renderer.defaultDerControl(next)!));
    await this.state.putDerProgram(next);
    await this.d.audit("ieee2030-5.dderc.put", P.dderc(p.id), actor);
    await this.d.changed([P.dderc(p.id)]);
    return this.d.renderer.defaultDerControl(next);
  }

  async addCurve(program: string, input: Record<string, unknown>, actor: string) {
    const p = this.derProgram(program);
    const unknown = Object.keys(input).filter((k) => !CURVE_FIELDS.has(k) || k === "href");
    if (unknown.length) throw new OperatorError(400, "INVALID", `unknown DERCurve field(s) ${unknown.join(", ")}`);
    const value = { mRID: newMrid(), creationTime: this.d.now(), ...input } as CurveValue;
    checkSerializable("DER curve", () => serialize("DERCurve", value));
    const c = { id: this.state.nextId("curves"), program: p.id, value };
    await this.state.putCurve(c);
    await this.d.audit("ieee2030-5.curve.add", P.dc(p.id, c.id), actor);
    return { id: c.id, href: P.dc(p.id, c.id), ...value };
  }

  listControls(kind: ControlRec["kind"], program: string) {
    if (kind === "der") this.derProgram(program);
    else this.drProgram(program);
    const now = this.d.now();
    return this.state.controlsOf(kind, program).map((c) => kind === "der" ? this.d.renderer.derControl(c, now) : this.d.renderer.endDeviceControl(c, now));
  }

  async addDerControl(program: string, input: z.infer<typeof DerControlInput>, actor: string) {
    const p = this.derProgram(program);
    const c = this.newControl("der", p.id, input, { base: controlBase(input.base), ...(input.deviceCategory ? { deviceCategory: input.deviceCategory } : {}) });
    checkSerializable("DER control", () => serialize("DERControl", this.d.renderer.derControl(c, this.d.now(), [])));
    await this.state.putControl(c, this.d.now());
    await this.d.audit("ieee2030-5.derc.add", P.derc(p.id, c.id), actor, { mRID: c.mRID });
    await this.d.changed([P.dercList(p.id), P.actderc(p.id)]);
    return this.d.renderer.derControl(c, this.d.now());
  }

  // ---- DRLC
  listDrPrograms() {
    return [...this.state.drPrograms.values()];
  }

  async addDrProgram(input: z.infer<typeof ProgramInput>, actor: string): Promise<DrProgramRec> {
    const p: DrProgramRec = { id: this.state.nextId("drp"), mRID: input.mRID ?? newMrid(), primacy: input.primacy, ...(input.description ? { description: input.description } : {}) };
    checkSerializable("DR program", () => serialize("DemandResponseProgram", this.d.renderer.drProgram(p)));
    await this.state.putDrProgram(p);
    await this.d.audit("ieee2030-5.drp.add", P.dr(p.id), actor);
    return p;
  }

  private drProgram(id: string): DrProgramRec {
    const p = this.state.drPrograms.get(id);
    if (!p) throw notFound(`DR program ${id}`);
    return p;
  }

  async addEndDeviceControl(program: string, input: z.infer<typeof EndDeviceControlInput>, actor: string) {
    const p = this.drProgram(program);
    const { deviceCategory, drProgramMandatory, loadShiftForward, overrideDuration, ApplianceLoadReduction, DutyCycle, Offset, SetPoint, TargetReduction } = input;
    const c = this.newControl("drlc", p.id, input, { drlc: {
      deviceCategory, drProgramMandatory, loadShiftForward, ...(overrideDuration !== undefined ? { overrideDuration } : {}),
      ...(ApplianceLoadReduction ? { ApplianceLoadReduction } : {}), ...(DutyCycle ? { DutyCycle } : {}), ...(Offset ? { Offset } : {}),
      ...(SetPoint ? { SetPoint } : {}), ...(TargetReduction ? { TargetReduction } : {}),
    } });
    checkSerializable("end device control", () => serialize("EndDeviceControl", this.d.renderer.endDeviceControl(c, this.d.now(), [])));
    await this.state.putControl(c, this.d.now());
    await this.d.audit("ieee2030-5.edc.add", P.edc(p.id, c.id), actor, { mRID: c.mRID });
    await this.d.changed([P.edcList(p.id), P.actedc(p.id)]);
    return this.d.renderer.endDeviceControl(c, this.d.now());
  }

  async cancelControl(kind: ControlRec["kind"], program: string, id: string, input: z.infer<typeof CancelInput>, actor: string) {
    const c = this.state.controls.get(id);
    if (!c || c.kind !== kind || c.program !== program) throw notFound(`${kind === "der" ? "DER" : "end device"} control ${id} in program ${program}`);
    if (c.cancelled) throw new OperatorError(409, "CANCELLED", `control ${id} is cancelled already`);
    const now = this.d.now();
    if (now >= c.start + c.duration) throw new OperatorError(409, "COMPLETED", `control ${id} has completed`);
    const next: ControlRec = { ...c, cancelled: { at: now, randomized: input.randomized && !!(c.randomizeStart || c.randomizeDuration) } };
    await this.state.putControl(next, now);
    await this.d.audit(`ieee2030-5.${kind === "der" ? "derc" : "edc"}.cancel`, c.mRID, actor);
    await this.d.changed(kind === "der" ? [P.dercList(program), P.actderc(program)] : [P.edcList(program), P.actedc(program)]);
    return kind === "der" ? this.d.renderer.derControl(next, now) : this.d.renderer.endDeviceControl(next, now);
  }

  private newControl(kind: ControlRec["kind"], program: string, input: z.infer<typeof DerControlInput> | z.infer<typeof EndDeviceControlInput>,
    body: Pick<ControlRec, "base" | "drlc" | "deviceCategory">): ControlRec {
    const mRID = input.mRID ?? newMrid();
    if ([...this.state.controls.values()].some((x) => x.mRID === mRID)) throw new OperatorError(409, "EXISTS", `an event with mRID ${mRID} exists`);
    const now = this.d.now();
    return {
      kind, id: this.state.nextId("controls"), program, mRID, creationTime: now, start: input.start ?? now, duration: input.duration,
      responseRequired: input.responseRequired, ...(input.description ? { description: input.description } : {}),
      ...(input.randomizeStart ? { randomizeStart: input.randomizeStart } : {}),
      ...(input.randomizeDuration ? { randomizeDuration: input.randomizeDuration } : {}), ...body,
    };
  }

  // ---- pricing
  listTariffs() {
    return [...this.state.tariffs.values()];
  }

  async addTariff(input: z.infer<typeof TariffInput>, actor: string): Promise<TariffRec> {
    const now = this.d.now();
    const t: TariffRec = {
      id: this.state.nextId("tariffs"), mRID: input.mRID ?? newMrid(), primacy: input.primacy,
      ...(input.description ? { description: input.description } : {}), ...(input.currency !== undefined ? { currency: input.currency } : {}),
      ...(input.pricePowerOfTenMultiplier !== undefined ? { pricePowerOfTenMultiplier: input.pricePowerOfTenMultiplier } : {}),
      ...(input.rateCode ? { rateCode: input.rateCode } : {}),
      rates: input.rates.map((r, ri) => ({
        id: String(ri + 1), mRID: r.mRID ?? newMrid(), roleFlags: r.roleFlags, readingType: r.readingType,
        ...(r.description ? { description: r.description } : {}),
        intervals: r.intervals.map((i, ii) => ({
          id: String(ii + 1), mRID: i.mRID ?? newMrid(), creationTime: now, start: i.start, duration: i.duration, touTier: i.touTier,
          responseRequired: i.responseRequired,
          prices: i.prices, ...(i.description ? { description: i.description } : {}),
        })),
      })),
    };
    checkSerializable("tariff", () => {
      serialize("TariffProfile", this.d.renderer.tariffProfile(t));
      for (const r of t.rates) {
        serialize("RateComponent", this.d.renderer.rateComponent(t, r));
        serialize("ReadingType", this.d.renderer.readingType(t, r));
        for (const i of r.intervals) serialize("TimeTariffInterval", this.d.renderer.timeTariffInterval(t, r, i, now));
      }
      return "";
    });
    await this.state.putTariff(t);
    await this.d.audit("ieee2030-5.tariff.add", P.tp(t.id), actor);
    return t;
  }

  // ---- what clients sent
  responses(subject?: string, limit = 1000) {
    return [...this.state.responses.values()].filter((r) => !subject || r.value.subject === subject.toUpperCase())
      .sort((a, b) => Number(a.id) - Number(b.id)).slice(-limit).map((r) => ({ id: r.id, type: r.type, received: r.received, ...r.value }));
  }

  mirrors() {
    return [...this.state.mups.values()].map((m) => ({ ...this.d.renderer.mirrorUsagePoint(m), owner: m.owner, updated: m.updated }));
  }

  subscriptions() {
    return [...this.state.subscriptions.values()];
  }
}
