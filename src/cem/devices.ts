/**
 * What the CEM knows about each device: its class, groups and table (from the binding), the customer's settings
 * (the `cem.devices` entry, defaults otherwise), and its last reported state (DeviceStatus, InstantaneousPower,
 * the telemetry pipeline's live values).
 */
import { selectRule } from "../mapping/engine.ts";
import type { MappingTable } from "../mapping/schema.ts";
import type { EngValue } from "../mapping/values.ts";
import { fromRaw } from "../mapping/values.ts";
import { magnitude, toUnit, type BodyOf, type NeutralMessage, type Quantity, type Ref } from "../model/index.ts";
import { CemDevice } from "./config.ts";
import type { CemHost } from "./host.ts";

export class CemConfigError extends Error {}

export interface DeviceInfo {
  id: string;
  deviceClass?: string;
  groups: string[];
  table?: MappingTable;
  cfg: CemDevice;
}

export class DeviceBook {
  private byId = new Map<string, DeviceInfo>();
  private status = new Map<string, BodyOf<"DeviceStatus">>();
  private power = new Map<string, number>();

  constructor(private host: CemHost, settings: Record<string, CemDevice>) {
    const known = new Set(host.devices.map((d) => d.id));
    const unknown = Object.keys(settings).filter((id) => !known.has(id));
    if (unknown.length) throw new CemConfigError(`cem.devices names devices the config does not bind: ${unknown.join(", ")}`);
    const defaults = CemDevice.parse({});
    for (const d of host.devices) {
      this.byId.set(d.id, {
        id: d.id, groups: d.groups, cfg: settings[d.id] ?? defaults,
        ...(d.deviceClass ? { deviceClass: d.deviceClass } : {}), ...(d.loaded ? { table: d.loaded.table } : {}),
      });
    }
  }

  all(): DeviceInfo[] {
    return [...this.byId.values()];
  }

  get(id: string): DeviceInfo | undefined {
    return this.byId.get(id);
  }

  /** Devices a scope reaches: one device, a group's members, or the whole site. */
  inScope(scope: Ref): DeviceInfo[] {
    if (scope.kind === "device") return this.all().filter((d) => d.id === scope.id);
    if (scope.kind === "group") return this.all().filter((d) => this.host.groups.has(scope.id, d.id));
    return this.all();
  }

  /** Does the device's table have rules for this trigger ("Emergency", "Command.off", ...)? */
  answers(id: string, trigger: string): boolean {
    return !!this.byId.get(id)?.table?.on?.[trigger as keyof MappingTable["on"]];
  }

  /** Would the device's table act on this message (a rule whose `when` matches)? */
  wouldApply(id: string, msg: NeutralMessage, at: number): boolean {
    const table = this.byId.get(id)?.table;
    return !!table && !!selectRule(table, msg, at);
  }

  observe(m: NeutralMessage) {
    if (m.type === "DeviceStatus") this.status.set(m.body.device, m.body);
    if (m.type === "InstantaneousPower" && m.body.scope.kind === "device") {
      const w = toUnit(m.body.power, "W");
      this.power.set(m.body.scope.id, m.body.direction === "generation" ? -w : w);
    }
  }

  lastStatus(id: string): BodyOf<"DeviceStatus"> | undefined {
    return this.status.get(id);
  }

  /** The live engineering value of a table point (null when the last read failed, undefined when never read). */
  live(id: string, point: string): EngValue | null | undefined {
    return this.host.telemetry.live.get(id)?.[point]?.value;
  }

  /** State of charge: the last DeviceStatus, else the live value of the point the table reports it from. */
  soc(id: string): number | undefined {
    const s = this.status.get(id)?.soc;
    if (s !== undefined) return s;
    const point = this.byId.get(id)?.table?.report?.DeviceStatus?.soc;
    const v = point ? this.live(id, point) : undefined;
    return typeof v === "number" ? v : undefined;
  }

  /** Net draw in W (generation negative), from the last InstantaneousPower or DeviceStatus. */
  drawW(id: string): number | undefined {
    if (this.power.has(id)) return this.power.get(id);
    const p = this.status.get(id)?.power;
    return p ? quantityW(p) : undefined;
  }

  /** Reads table points now, through the device's adapter, as engineering values (null where the read failed). */
  async read(id: string, points: string[]): Promise<Record<string, EngValue | null>> {
    const dev = this.host.devices.find((d) => d.id === id);
    const table = this.byId.get(id)?.table;
    if (!dev || !table) return {};
    const refs = dev.points.filter((p) => points.includes(p.point));
    const values = refs.length ? await this.host.readPoints(refs) : [];
    return Object.fromEntries(points.map((p) => {
      const v = values.find((x) => x.point === p);
      return [p, v && v.quality !== "bad" && table.points[p] ? fromRaw(table.points[p], v.value) : null];
    }));
  }
}

function quantityW(q: Quantity): number | undefined {
  try {
    return toUnit(q, "W");
  } catch {
    return q.unit === "W" ? magnitude(q) : undefined;
  }
}
