/**
 * Net building power for the dashboard and the event plots (watts; consumption positive, generation negative).
 * Sources, by precedence: InstantaneousPower scoped to the building (a grid meter adapter); the site's meters
 * (devices of class `meter`, whose tables report export as generation); else the sum over every device that
 * reports InstantaneousPower. Sampled at a fixed interval into the telemetry store as device `building:<site>`,
 * point `power_w`, so history survives restarts and evenly spaced samples make the baseline a plain mean.
 */
import type { Hub } from "../hub/hub.ts";
import type { NeutralMessage, Quantity } from "../model/index.ts";
import { guarded } from "./context.ts";
import type { LiveFeed } from "./live.ts";

export interface PowerSample { at: string; w: number }

const PAGE = 10_000;
const MAX_ROWS = 200_000;

function watts(q: Quantity): number | undefined {
  return q.unit === "W" ? q.value * 10 ** (q.multiplier ?? 0) : undefined;
}

export class BuildingPower {
  readonly device: string;
  private building?: number;
  private meters = new Map<string, number>();
  private devices = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private untap?: () => void;

  constructor(private hub: Hub, private feed: LiveFeed, private sampleMs: number) {
    this.device = `building:${hub.config.site.id}`;
  }

  start() {
    this.untap = this.hub.bus.tap(guarded(this.hub.logger, "building power", (m) => this.observe(m)));
    this.timer = setInterval(() => void this.sample(), this.sampleMs);
  }

  stop() {
    this.untap?.();
    clearInterval(this.timer);
  }

  /** The latest net power, or undefined while nothing has reported power. */
  current(): number | undefined {
    if (this.building !== undefined) return this.building;
    const from = this.meters.size ? this.meters : this.devices;
    return from.size ? [...from.values()].reduce((a, b) => a + b, 0) : undefined;
  }

  private observe(m: NeutralMessage) {
    if (m.type === "DeviceStatus" && m.body.state === "unreachable") {
      this.meters.delete(m.body.device);
      this.devices.delete(m.body.device);
      return;
    }
    if (m.type !== "InstantaneousPower") return;
    const w = watts(m.body.power);
    if (w === undefined) return;
    const signed = m.body.direction === "generation" ? -w : w;
    const scope = m.body.scope;
    if (scope.kind === "building") this.building = signed;
    if (scope.kind !== "device") return;
    const dev = this.hub.devices.find((d) => d.id === scope.id);
    if (!dev) return;
    (dev.deviceClass === "meter" ? this.meters : this.devices).set(dev.id, signed);
  }

  private async sample() {
    const w = this.current();
    if (w === undefined) return;
    const at = new Date().toISOString();
    try {
      await this.hub.store.appendTelemetry([{ device: this.device, point: "power_w", ts: at, value: w }]);
    } catch (err) {
      this.hub.logger.warn({ err }, "could not store a building power sample");
    }
    this.feed.emit("power", { at, w } satisfies PowerSample);
  }

  /** Samples between two instants, averaged into at most `points` buckets so long spans stay plottable. */
  async series(from: number, to: number, points = 1500): Promise<PowerSample[]> {
    const rows: { ts: string; value: unknown }[] = [];
    let cursor = new Date(from).toISOString();
    const end = new Date(to).toISOString();
    // pages of PAGE rows, each starting after the last instant of the previous one (samples have distinct instants)
    for (let first = true; rows.length < MAX_ROWS; first = false) {
      const page = await this.hub.store.queryTelemetry({ device: this.device, point: "power_w", from: cursor, to: end, limit: PAGE });
      rows.push(...(first ? page : page.filter((r) => r.ts > cursor)));
      const last = page.at(-1)?.ts;
      if (page.length < PAGE || !last || last === cursor) break;
      cursor = last;
    }
    const samples = rows.filter((r) => typeof r.value === "number").map((r) => ({ t: Date.parse(r.ts), w: r.value as number }));
    if (samples.length <= points) return samples.map((s) => ({ at: new Date(s.t).toISOString(), w: s.w }));
    const width = (to - from) / points;
    const buckets = new Map<number, { t: number; sum: number; n: number }>();
    for (const s of samples) {
      const k = Math.floor((s.t - from) / width);
      const b = buckets.get(k) ?? { t: 0, sum: 0, n: 0 };
      b.t += s.t;
      b.sum += s.w;
      b.n += 1;
      buckets.set(k, b);
    }
    return [...buckets.values()].map((b) => ({ at: new Date(Math.round(b.t / b.n)).toISOString(), w: b.sum / b.n }));
  }
}

/** Mean of the samples in [from, to), or undefined when there are none. */
export function meanOf(samples: PowerSample[], from: number, to: number): number | undefined {
  const inside = samples.filter((s) => {
    const t = Date.parse(s.at);
    return t >= from && t < to;
  });
  return inside.length ? inside.reduce((a, s) => a + s.w, 0) / inside.length : undefined;
}
