/**
 * The server's state: everything in memory for fast GETs, every change written through to the hub store first
 * (documents; DERControls and EndDeviceControls as hub events), so a restart serves the same resources.
 */
import type { AdapterStore, EventRecord } from "gridhub/store";
import { hubEventId, PROTOCOL } from "../common/ids.ts";
import type { ControlRec, CurveRec, DerProgramRec, DeviceRec, DrProgramRec, FsaRec, MupRec, ResponseRec, SubscriptionRec, TariffRec } from "./records.ts";

type Collection = "devices" | "fsa" | "derp" | "curves" | "drp" | "tariffs" | "mup" | "responses" | "subs" | "controls";

export class ServerState {
  readonly devices = new Map<string, DeviceRec>();
  readonly fsas = new Map<string, FsaRec>();
  readonly derPrograms = new Map<string, DerProgramRec>();
  readonly curves = new Map<string, CurveRec>();
  readonly drPrograms = new Map<string, DrProgramRec>();
  readonly controls = new Map<string, ControlRec>();
  readonly tariffs = new Map<string, TariffRec>();
  readonly mups = new Map<string, MupRec>();
  readonly responses = new Map<string, ResponseRec>();
  readonly subscriptions = new Map<string, SubscriptionRec>();
  private readonly seq = new Map<Collection, number>();
  /** bumped on every change: renderers may cache against it */
  version = 0;

  constructor(private readonly store: AdapterStore, private readonly name: string) {}

  async load() {
    const load = async <T extends { id: string }>(c: Collection, into: Map<string, T>) => {
      for (const { doc } of await this.store.listDocs<T>(c)) {
        into.set(doc.id, doc);
        this.bump(c, doc.id);
      }
    };
    await load("devices", this.devices);
    await load("fsa", this.fsas);
    await load("derp", this.derPrograms);
    await load("curves", this.curves);
    await load("drp", this.drPrograms);
    await load("tariffs", this.tariffs);
    await load("mup", this.mups);
    await load("responses", this.responses);
    await load("subs", this.subscriptions);
    for (const e of await this.store.listEvents()) {
      const c = e.payload as ControlRec;
      this.controls.set(c.id, c);
      this.bump("controls", c.id);
    }
  }

  /** A new id in a collection: decimal, increasing (URIs stay short). */
  nextId(c: Collection): string {
    const n = (this.seq.get(c) ?? 0) + 1;
    this.seq.set(c, n);
    return String(n);
  }

  private bump(c: Collection, id: string) {
    const n = Number(id);
    if (Number.isInteger(n) && n > (this.seq.get(c) ?? 0)) this.seq.set(c, n);
  }

  deviceByLfdi(lfdi: string): DeviceRec | undefined {
    for (const d of this.devices.values()) if (d.lfdi === lfdi) return d;
    return undefined;
  }

  async putDevice(d: DeviceRec) { await this.put("devices", this.devices, d); }
  async deleteDevice(id: string) { await this.remove("devices", this.devices, id); }
  async putFsa(f: FsaRec) { await this.put("fsa", this.fsas, f); }
  async putDerProgram(p: DerProgramRec) { await this.put("derp", this.derPrograms, p); }
  async putCurve(c: CurveRec) { await this.put("curves", this.curves, c); }
  async putDrProgram(p: DrProgramRec) { await this.put("drp", this.drPrograms, p); }
  async putTariff(t: TariffRec) { await this.put("tariffs", this.tariffs, t); }
  async putMup(m: MupRec) { await this.put("mup", this.mups, m); }
  async deleteMup(id: string) { await this.remove("mup", this.mups, id); }
  async putResponse(r: ResponseRec) { await this.put("responses", this.responses, r); }
  async putSubscription(s: SubscriptionRec) { await this.put("subs", this.subscriptions, s); }
  async deleteSubscription(id: string) { await this.remove("subs", this.subscriptions, id); }

  async putControl(c: ControlRec, now: number) {
    const end = c.start + c.duration;
    const record: EventRecord = {
      id: hubEventId(this.name, c.mRID), source: this.name, protocol: PROTOCOL, ref: c.mRID, modification: c.creationTime,
      state: c.cancelled ? "cancelled" : now >= end ? "completed" : now >= c.start ? "active" : "pending",
      start: new Date(c.start * 1000).toISOString(), end: new Date(end * 1000).toISOString(),
      payload: c, updated: new Date(now * 1000).toISOString(),
    };
    await this.store.upsertEvent(record);
    this.controls.set(c.id, c);
    this.version++;
  }

  /** Forgets (in memory: the store keeps the history) controls that ended before `before` (seconds). */
  prune(before: number) {
    for (const c of [...this.controls.values()]) {
      if (c.start + c.duration >= before) continue;
      this.controls.delete(c.id);
      this.version++;
    }
  }

  /** Controls of one program, in 2030.5 event list order: start ascending, then creationTime and mRID descending. */
  controlsOf(kind: ControlRec["kind"], program: string): ControlRec[] {
    return [...this.controls.values()].filter((c) => c.kind === kind && c.program === program)
      .sort((a, b) => a.start - b.start || b.creationTime - a.creationTime || (a.mRID < b.mRID ? 1 : a.mRID > b.mRID ? -1 : 0));
  }

  private async put<T extends { id: string }>(c: Collection, into: Map<string, T>, doc: T) {
    await this.store.putDoc(c, doc.id, doc);
    into.set(doc.id, doc);
    this.version++;
  }

  private async remove<T>(c: Collection, from: Map<string, T>, id: string) {
    await this.store.deleteDoc(c, id);
    from.delete(id);
    this.version++;
  }
}
