/**
 * The Modbus southbound adapter: per device, points are located (plain registers or SunSpec points after
 * discovery), planned into the fewest reads, read through the device's connection queue, and decoded with
 * scale factors applied. One bad point never fails the batch.
 */
import {
  AdapterError, badValue, goodValue,
  type AdapterContext, type DiscoveredDevice, type DiscoverProgress, type PointRef, type PointValue, type PointWrite,
  type RawValue, type SouthboundAdapter,
} from "gridhub/hub";
import { DeviceAddress, PointAddress, type RegisterTable } from "./address.ts";
import { CodecError } from "./codec.ts";
import type { ModbusConfig } from "./config.ts";
import { ModbusError, toModbusError } from "./errors.ts";
import { RegisterImage } from "./image.ts";
import { locateRegister, locateSunSpec, type Located } from "./locate.ts";
import { isBitTable, planReads, type PlanLimits, type ReadRequest, type Span } from "./planner.ts";
import { commonInfo, discoverSunSpec, type SunSpecMap } from "./sunspec/discovery.ts";
import { exponent, resolveSunSpec } from "./sunspec/points.ts";
import { ModbusConnection } from "./transport/connection.ts";
import { sameLine, targetKey, targetOf, type Target } from "./transport/target.ts";

interface Device {
  id: string;
  address: DeviceAddress;
  conn: ModbusConnection;
  limits: PlanLimits;
  /** learned when the device refused a read that bridged registers it does not implement */
  gapless: boolean;
  sunspec?: Promise<SunSpecMap>;
}

/** FC16 carries at most 123 registers, FC15 at most 1968 coils. */
const MAX_WRITE = { registers: 123, coils: 1968 };

const asError = (e: unknown): AdapterError =>
  e instanceof AdapterError ? e : new ModbusError("PROTOCOL_REJECT", (e as Error).message ?? String(e), false);

/** The exponent in the point's scale-factor register, from the batch read. */
const scaleOf = (l: Located, image: RegisterImage): number | undefined =>
  l.sfAt ? exponent(image.get(l.sfAt.table, l.sfAt.register, 1)[0] as number, l.label) : undefined;

/** A value that does not fit its register, named after the point. */
const pointError = (l: Located, e: unknown): AdapterError =>
  e instanceof CodecError ? new ModbusError("OUT_OF_RANGE", `${l.label}: ${e.message}`, false) : asError(e);

export class ModbusAdapter implements SouthboundAdapter {
  readonly role = "southbound" as const;
  private connections = new Map<string, ModbusConnection>();
  private devices = new Map<string, Device>();

  constructor(private config: ModbusConfig, private ctx: AdapterContext) {}

  async start() {
    for (const d of this.ctx.devices()) this.device(d.id, d.address);
  }

  async stop() {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
  }

  healthDetail() {
    return {
      connections: Object.fromEntries([...this.connections].map(([k, c]) => [k, c.detail()])),
      devices: Object.fromEntries([...this.devices.values()].map((d) => [d.id, {
        connection: d.conn.key, unitId: d.address.unitId, ...(d.gapless ? { gapless: true } : {}),
      }])),
    };
  }

  async read(points: PointRef[]): Promise<PointValue[]> {
    const results = await Promise.all([...groupByDevice(points)].map(([, refs]) => this.readDevice(refs)));
    return inOrder(points, results.flat());
  }

  async write(writes: PointWrite[]): Promise<PointValue[]> {
    const byDevice = new Map<string, PointWrite[]>();
    for (const w of writes) byDevice.set(w.ref.device, [...(byDevice.get(w.ref.device) ?? []), w]);
    const results = await Promise.all([...byDevice.values()].map((ws) => this.writeDevice(ws)));
    return inOrder(writes.map((w) => w.ref), results.flat());
  }

  /** Probes the unit ids of every configured connection for SunSpec devices. */
  async *discover(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice> {
    const deadline = Date.now() + opts.timeoutMs;
    const seen = new Map<string, DeviceAddress>();
    for (const d of this.ctx.devices()) {
      const parsed = DeviceAddress.safeParse(d.address);
      if (parsed.success) seen.set(targetKey(targetOf(parsed.data)), parsed.data);
    }
    const unitIds = this.config.discovery.unitIds;
    const total = seen.size * unitIds.length;
    let done = 0;
    let found = 0;
    for (const [key, base] of seen) {
      for (const unitId of unitIds) {
        if (Date.now() > deadline) return;
        const conn = this.connection(targetOf(base));
        const read = (start: number, count: number) => conn.readRegisters(unitId, "holding", start, count);
        try {
          const map = await discoverSunSpec(read, this.config.sunspec.bases);
          const ids = map.models.map((m) => m.id);
          found++;
          yield {
            address: { ...base, unitId, sunspecBase: map.base },
            ...classify(ids),
            info: { connection: key, models: ids, ...(await commonInfo(read, map)) },
          };
        } catch (err) {
          this.ctx.logger.debug({ err, connection: key, unitId }, "no SunSpec device");
        }
        opts.onProgress?.({ done: ++done, total, found, message: `${key} unit ${unitId}` });
      }
    }
  }

  private async readDevice(refs: PointRef[]): Promise<PointValue[]> {
    let dev: Device;
    try {
      dev = this.device(refs[0].device, refs[0].deviceAddress);
    } catch (e) {
      return refs.map((r) => badValue(r, asError(e)));
    }
    const out: PointValue[] = [];
    const located: Located[] = [];
    for (const ref of refs) {
      try {
        located.push(await this.locate(dev, ref));
      } catch (e) {
        out.push(badValue(ref, asError(e)));
      }
    }
    const image = await this.fetch(dev, located.map((l) => ({ l, value: true })));
    for (const l of located) {
      try {
        out.push(goodValue(l.ref, l.decode(image.get(l.table, l.start, l.count) as number[] | boolean[], scaleOf(l, image)), this.ctx.clock.now()));
      } catch (e) {
        out.push(badValue(l.ref, pointError(l, e), this.ctx.clock.now()));
      }
    }
    return out;
  }

  private async writeDevice(writes: PointWrite[]): Promise<PointValue[]> {
    let dev: Device;
    try {
      dev = this.device(writes[0].ref.device, writes[0].ref.deviceAddress);
    } catch (e) {
      return writes.map((w) => badValue(w.ref, asError(e)));
    }
    const out: PointValue[] = [];
    const ready: { l: Located; value: RawValue }[] = [];
    for (const w of writes) {
      try {
        if (w.ref.access === "r") throw new ModbusError("NOT_WRITABLE", `${w.ref.point} is read-only (access: r)`, false);
        if (w.value === null) throw new ModbusError("UNSUPPORTED", `${w.ref.point}: Modbus has no relinquish; write a value`, false);
        const l = await this.locate(dev, w.ref);
        if (l.writable !== true) throw new ModbusError("NOT_WRITABLE", l.writable, false);
        ready.push({ l, value: w.value });
      } catch (e) {
        out.push(badValue(w.ref, asError(e)));
      }
    }
    // scale factors and the registers of read-modify-write points are read first, in one planned batch
    const image = await this.fetch(dev, ready.map(({ l }) => ({ l, value: l.readModifyWrite })));
    const encoded: { l: Located; value: RawValue; data: number[] | boolean[] }[] = [];
    for (const { l, value } of ready) {
      try {
        const current = l.readModifyWrite ? image.get(l.table, l.start, l.count) as number[] : undefined;
        const data = l.encode(value, scaleOf(l, image), current);
        if (l.readModifyWrite) image.put(l.table, l.start, data);
        encoded.push({ l, value, data });
      } catch (e) {
        out.push(badValue(l.ref, pointError(l, e)));
      }
    }
    for (const run of adjacentRuns(encoded)) {
      const { unitId, writeMultiple } = dev.address;
      try {
        if (run.table === "coil") await dev.conn.writeCoils(unitId, run.start, run.data as boolean[], writeMultiple);
        else await dev.conn.writeRegisters(unitId, run.start, run.data as number[], writeMultiple);
        for (const w of run.writes) out.push(goodValue(w.l.ref, w.value, this.ctx.clock.now()));
      } catch (e) {
        for (const w of run.writes) out.push(badValue(w.l.ref, asError(e), this.ctx.clock.now()));
      }
    }
    return out;
  }

  /** Reads what the items need: their value span when `value`, and their scale-factor register. */
  private async fetch(dev: Device, items: { l: Located; value: boolean }[]): Promise<RegisterImage> {
    const spans: Span<Located>[] = [];
    for (const { l, value } of items) {
      if (value) spans.push({ table: l.table, start: l.start, count: l.count, item: l });
      if (l.sfAt) spans.push({ table: l.sfAt.table, start: l.sfAt.register, count: 1, item: l });
    }
    const image = new RegisterImage();
    const limits = dev.gapless ? { ...dev.limits, maxGap: 0 } : dev.limits;
    const max = (s: Span<Located>) => (isBitTable(s.table) ? limits.maxBits : limits.maxRegisters);
    for (const s of spans.filter((x) => x.count > max(x))) {
      image.fail(s.table, s.start, s.count, new ModbusError("CONFIG", `${s.item.label} spans ${s.count} registers; the device reads at most ${max(s)}`, false));
    }
    for (const req of planReads(spans.filter((s) => s.count <= max(s)), limits)) {
      try {
        image.put(req.table, req.start, await this.readSpan(dev, req.table, req.start, req.count));
      } catch (e) {
        await this.recover(dev, req, toModbusError(e), image);
      }
    }
    return image;
  }

  /**
   * A merged read refused with "illegal data address" may only have crossed registers the device does not
   * implement: each span is read on its own, and the device is planned without gaps from then on.
   */
  private async recover(dev: Device, req: ReadRequest<Located>, err: ModbusError, image: RegisterImage) {
    const distinct = [...new Map(req.spans.map((s) => [`${s.start}:${s.count}`, s])).values()];
    if (err.exception !== 2 || distinct.length < 2) {
      for (const s of req.spans) image.fail(s.table, s.start, s.count, err);
      return;
    }
    if (!dev.gapless) this.ctx.logger.info({ device: dev.id }, "device refuses reads across unimplemented registers; reading without gaps");
    dev.gapless = true;
    for (const s of distinct) {
      try {
        image.put(s.table, s.start, await this.readSpan(dev, s.table, s.start, s.count));
      } catch (e) {
        image.fail(s.table, s.start, s.count, toModbusError(e));
      }
    }
  }

  private readSpan(dev: Device, table: RegisterTable, start: number, count: number): Promise<(number | boolean)[]> {
    const unit = dev.address.unitId;
    return table === "coil" || table === "discrete"
      ? dev.conn.readBits(unit, table, start, count)
      : dev.conn.readRegisters(unit, table, start, count);
  }

  private async locate(dev: Device, ref: PointRef): Promise<Located> {
    const parsed = PointAddress.safeParse(ref.address);
    if (!parsed.success) {
      throw new ModbusError("CONFIG", `${ref.point}: bad address: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(address)"}: ${i.message}`).join("; ")}`, false);
    }
    const a = parsed.data;
    if (a.kind === "register") return locateRegister(ref, a, dev.address);
    return locateSunSpec(ref, resolveSunSpec(await this.sunspec(dev), a), a.bit);
  }

  /** Discovered once per device; a lost connection or a failed discovery starts over. */
  private sunspec(dev: Device): Promise<SunSpecMap> {
    if (!dev.sunspec) {
      const bases = dev.address.sunspecBase !== undefined ? [dev.address.sunspecBase] : this.config.sunspec.bases;
      const found = discoverSunSpec((start, count) => dev.conn.readRegisters(dev.address.unitId, "holding", start, count), bases);
      dev.sunspec = found;
      found.then((map) => this.ctx.logger.info({ device: dev.id, base: map.base, models: map.models.map((m) => m.id) }, "SunSpec models found"),
        () => { if (dev.sunspec === found) dev.sunspec = undefined; });
    }
    return dev.sunspec;
  }

  private device(id: string, rawAddress: Record<string, unknown>): Device {
    const known = this.devices.get(id);
    if (known) return known;
    const parsed = DeviceAddress.safeParse(rawAddress);
    if (!parsed.success) {
      throw new ModbusError("CONFIG", `device ${id}: bad address: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, false);
    }
    const address = parsed.data;
    const dev: Device = {
      id, address, conn: this.connection(targetOf(address)), gapless: false,
      limits: {
        maxRegisters: address.maxRegisters ?? this.config.maxRegisters, maxBits: this.config.maxBits,
        maxGap: address.maxGap ?? this.config.maxGap,
      },
    };
    this.devices.set(id, dev);
    return dev;
  }

  private connection(target: Target): ModbusConnection {
    const key = targetKey(target);
    const known = this.connections.get(key);
    if (known) {
      if (!sameLine(known.target, target)) {
        throw new ModbusError("CONFIG", `devices on ${key} disagree on the serial settings (${JSON.stringify(known.target)} vs ${JSON.stringify(target)})`, false);
      }
      return known;
    }
    const c = this.config;
    const conn = new ModbusConnection(target, {
      timeoutMs: c.timeoutMs, retries: c.retries, retryDelayMs: c.retryDelayMs, reconnect: c.reconnect, silenceMs: c.rtuSilenceMs,
      logger: this.ctx.logger, counters: this.ctx.counters,
      onStateChange: (changed) => this.connectionChanged(changed),
    });
    this.connections.set(key, conn);
    return conn;
  }

  private connectionChanged(conn: ModbusConnection) {
    // the device behind a lost connection may come back with another register map
    if (conn.state === "down") for (const d of this.devices.values()) if (d.conn === conn) d.sunspec = undefined;
    const states = [...this.connections.values()].map((c) => c.state).filter((s) => s !== "idle" && s !== "closed");
    const down = states.filter((s) => s === "down").length;
    if (!states.length) return;
    if (down === 0) this.ctx.setHealth("up");
    else this.ctx.setHealth(down === states.length ? "down" : "degraded", conn.lastError);
  }
}

function groupByDevice(points: PointRef[]): Map<string, PointRef[]> {
  const m = new Map<string, PointRef[]>();
  for (const p of points) m.set(p.device, [...(m.get(p.device) ?? []), p]);
  return m;
}

function inOrder(refs: PointRef[], values: PointValue[]): PointValue[] {
  const byKey = new Map(values.map((v) => [`${v.device}/${v.point}`, v]));
  return refs.map((r) => byKey.get(`${r.device}/${r.point}`)!);
}

interface Run { table: "coil" | "holding"; start: number; data: (number | boolean)[]; writes: { l: Located; value: RawValue }[] }

/** Consecutive writes to adjacent registers (or coils) of one device go out as one request, in the order given. */
function adjacentRuns(items: { l: Located; value: RawValue; data: number[] | boolean[] }[]): Run[] {
  const runs: Run[] = [];
  for (const it of items) {
    const table = it.l.table as "coil" | "holding";
    const last = runs[runs.length - 1];
    const max = table === "coil" ? MAX_WRITE.coils : MAX_WRITE.registers;
    if (last && last.table === table && last.start + last.data.length === it.l.start && last.data.length + it.data.length <= max) {
      last.data.push(...it.data);
      last.writes.push(it);
    } else {
      runs.push({ table, start: it.l.start, data: [...it.data], writes: [it] });
    }
  }
  return runs;
}

function classify(models: number[]): Pick<DiscoveredDevice, "deviceClass" | "table"> {
  if (models.some((m) => (m >= 101 && m <= 103) || m === 701)) {
    return { deviceClass: "pv", table: models.includes(123) ? "inverter/sunspec-modbus" : "inverter-der/sunspec-modbus" };
  }
  if (models.some((m) => m >= 201 && m <= 204)) return { deviceClass: "meter", table: "meter/sunspec-modbus" };
  return {};
}
