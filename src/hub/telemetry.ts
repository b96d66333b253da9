/**
 * Point values -> neutral telemetry. Polls each device's `poll:` points at their rates (one batched read per
 * device and rate), takes change notifications for `subscribe:` points, keeps the live values, stores history,
 * and publishes Telemetry plus the table's report messages. Two failed polls in a row make a device unreachable
 * (DeviceStatus + Warning disconnect, JWG11/WGSP2113) until it answers again.
 */
import type { Logger } from "pino";
import { fromUnit, makeMessage, type DeviceClass, type Quantity } from "../model/index.ts";
import { fromRaw, type EngValue } from "../mapping/values.ts";
import type { PointDef, ReportSpec } from "../mapping/schema.ts";
import { intervalMs } from "../mapping/interval.ts";
import type { Store } from "../store/types.ts";
import type { BoundDevice } from "./bindings.ts";
import type { BusPort, SouthboundAdapter, Unsubscribe } from "./contract.ts";
import type { PointValue } from "./points.ts";

export interface LiveValue { value: EngValue | null; raw: PointValue["value"]; ts: string; quality: PointValue["quality"]; error?: string }

const UNREACHABLE_AFTER = 2;

export class TelemetryPipeline {
  readonly live = new Map<string, Record<string, LiveValue>>();
  private timers: NodeJS.Timeout[] = [];
  private unsubs: Unsubscribe[] = [];
  private failures = new Map<string, number>();
  private unreachable = new Set<string>();
  private inflight = new Set<string>();

  constructor(
    private devices: BoundDevice[],
    private adapterOf: (d: BoundDevice) => SouthboundAdapter,
    private store: Store,
    private bus: BusPort,
    private logger: Logger,
    private siteId: string,
  ) {}

  async start() {
    for (const dev of this.devices) {
      const table = dev.loaded?.table;
      if (!table) continue;
      const byRate = new Map<number, string[]>();
      for (const [name, p] of Object.entries(table.points)) {
        if (p.poll) byRate.set(intervalMs(p.poll), [...(byRate.get(intervalMs(p.poll)) ?? []), name]);
      }
      for (const [ms, names] of byRate) {
        const poll = () => void this.poll(dev, names, ms);
        poll();
        this.timers.push(setInterval(poll, ms));
      }
      const subscribed = Object.entries(table.points).filter(([, p]) => p.subscribe).map(([n]) => n);
      const adapter = this.adapterOf(dev);
      if (subscribed.length && adapter.subscribe) {
        try {
          this.unsubs.push(await adapter.subscribe(dev.points.filter((r) => subscribed.includes(r.point)), (vs) => void this.ingest(dev, vs)));
        } catch (err) {
          this.logger.warn({ err, device: dev.id }, "subscription failed; values come from polling only");
        }
      }
    }
  }

  async stop() {
    this.timers.forEach(clearInterval);
    this.timers = [];
    for (const u of this.unsubs) u();
    this.unsubs = [];
  }

  /** One batched read of a device's points now (also used by the API's "read now"). */
  async poll(dev: BoundDevice, names: string[], rate = 0): Promise<PointValue[]> {
    const key = `${dev.id}@${rate}`;
    if (this.inflight.has(key)) return [];
    this.inflight.add(key);
    try {
      const values = await this.adapterOf(dev).read(dev.points.filter((r) => names.includes(r.point)));
      await this.ingest(dev, values);
      return values;
    } catch (err) {
      this.logger.warn({ err, device: dev.id }, "poll failed");
      await this.ingest(dev, []);
      return [];
    } finally {
      this.inflight.delete(key);
    }
  }

  private async ingest(dev: BoundDevice, values: PointValue[]) {
    const table = dev.loaded!.table;
    const live = this.live.get(dev.id) ?? {};
    this.live.set(dev.id, live);
    const good = values.filter((v) => v.quality !== "bad");
    for (const v of values) {
      const def = table.points[v.point];
      if (!def) continue;
      live[v.point] = {
        value: v.quality === "bad" ? null : fromRaw(def, v.value), raw: v.value, ts: v.ts, quality: v.quality,
        ...(v.error ? { error: v.error.message } : {}),
      };
    }
    await this.reachability(dev, good.length > 0);
    if (!good.length) return;
    await this.store.appendTelemetry(good.map((v) => ({ device: dev.id, point: v.point, ts: v.ts, value: live[v.point].value })));
    await this.report(dev, good.map((v) => v.point), live);
  }

  private async reachability(dev: BoundDevice, ok: boolean) {
    if (ok) {
      this.failures.set(dev.id, 0);
      this.unreachable.delete(dev.id);
      return;
    }
    const n = (this.failures.get(dev.id) ?? 0) + 1;
    this.failures.set(dev.id, n);
    if (n < UNREACHABLE_AFTER || this.unreachable.has(dev.id)) return;
    this.unreachable.add(dev.id);
    const at = new Date().toISOString();
    const init = { source: `device:${dev.id}`, targets: [{ kind: "cem" as const, id: this.siteId }] };
    await this.bus.publish(makeMessage("DeviceStatus", { device: dev.id, deviceClass: this.deviceClass(dev), at, state: "unreachable" }, init));
    await this.bus.publish(makeMessage("Warning", { scope: { kind: "device", id: dev.id }, kind: "disconnect", detail: `${n} polls in a row failed` }, init));
  }

  private deviceClass(dev: BoundDevice): DeviceClass {
    return (dev.deviceClass ?? dev.loaded?.table.deviceClass ?? "load") as DeviceClass;
  }

  private async report(dev: BoundDevice, changed: string[], live: Record<string, LiveValue>) {
    const table = dev.loaded!.table;
    const spec: ReportSpec = table.report ?? {};
    const at = new Date().toISOString();
    const init = { source: `device:${dev.id}`, targets: [{ kind: "cem" as const, id: this.siteId }] };
    const val = (name: string) => live[name]?.value;
    const qty = (name: string) => asQuantity(table.points[name], val(name));
    const wanted = spec.Telemetry?.points === undefined || spec.Telemetry.points === "all" ? changed : changed.filter((n) => (spec.Telemetry!.points as string[]).includes(n));
    const points = Object.fromEntries(wanted.flatMap((n) => {
      const v = val(n);
      if (v === null || v === undefined) return [];
      return [[n, qty(n) ?? (typeof v === "boolean" ? v : String(v))]];
    }));
    if (Object.keys(points).length) await this.bus.publish(makeMessage("Telemetry", { device: dev.id, at, points }, init));
    const ip = spec.InstantaneousPower;
    if (ip && changed.includes(ip.power)) {
      const q = qty(ip.power);
      if (q) {
        const generation = ip.direction === "sign" ? q.value >= 0 : ip.direction === "generation";
        await this.bus.publish(makeMessage("InstantaneousPower", {
          scope: { kind: "device", id: dev.id }, at, direction: generation ? "generation" : "consumption", power: { ...q, value: Math.abs(q.value) },
        }, init));
      }
    }
    const ds = spec.DeviceStatus;
    if (ds) {
      const names = [ds.state, ds.mode].map((r) => (typeof r === "object" ? r.point : r)).concat(ds.soc, ds.power).filter(Boolean) as string[];
      if (names.some((n) => changed.includes(n))) {
        const mapped = (r: typeof ds.state) => {
          if (!r) return undefined;
          const name = typeof r === "object" ? r.point : r;
          const v = val(name);
          if (v === null || v === undefined) return undefined;
          return typeof r === "object" && r.map ? r.map[String(v)] ?? String(v) : String(v);
        };
        const state = mapped(ds.state);
        const states = ["on", "off", "standby", "waiting-for-start", "running", "paused", "finished", "error", "emergency-connected-off", "unreachable"];
        const soc = ds.soc ? val(ds.soc) : undefined;
        const mode = mapped(ds.mode);
        const power = ds.power ? qty(ds.power) : undefined;
        await this.bus.publish(makeMessage("DeviceStatus", {
          device: dev.id, deviceClass: this.deviceClass(dev), at,
          state: (state && states.includes(state) ? state : "on") as "on",
          ...(typeof soc === "number" ? { soc: Math.max(0, Math.min(100, soc)) } : {}),
          ...(mode ? { mode } : {}), ...(power ? { power } : {}),
        }, init));
      }
    }
    const me = spec.Metering;
    if (me && [me.importEnergy, me.exportEnergy, me.power].some((n) => n && changed.includes(n))) {
      const imp = me.importEnergy ? qty(me.importEnergy) : undefined;
      const exp = me.exportEnergy ? qty(me.exportEnergy) : undefined;
      const pw = me.power ? qty(me.power) : undefined;
      await this.bus.publish(makeMessage("Metering", {
        meter: dev.id, kind: "reading",
        readings: [{ at, ...(imp ? { importEnergy: imp } : {}), ...(exp ? { exportEnergy: exp } : {}), ...(pw ? { power: pw } : {}) }],
      }, init));
    }
  }
}

function asQuantity(p: PointDef | undefined, v: EngValue | null | undefined): Quantity | undefined {
  if (!p?.unit || typeof v !== "number") return undefined;
  return fromUnit(v, p.unit);
}
