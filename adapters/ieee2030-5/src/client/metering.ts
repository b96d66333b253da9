/**
 * Metering upload: neutral InstantaneousPower, Metering and Telemetry messages become MirrorUsagePoints (one per
 * meter or device, created by POST to the server's MirrorUsagePointList) and their MirrorMeterReadings, posted at
 * the post rate with the latest value of each quantity. ReadingTypes go with a reading's first post.
 */
import type { Logger } from "pino";
import type { Envelope, Quantity, Unit } from "gridhub/model";
import type { AdapterStore } from "gridhub/store";
import type { SepResource } from "../codec/index.ts";
import { SepTransportError, type SepHttpClient } from "../common/http-client.ts";
import { mridOf } from "../common/ids.ts";

/** 61968-9 codes: uom, accumulationBehaviour (4 cumulative, 12 instantaneous), kind (12 energy, 37 power). */
const UNITS: Partial<Record<Unit, { uom: number; accumulationBehaviour: number; kind?: number }>> = {
  W: { uom: 38, accumulationBehaviour: 12, kind: 37 },
  Wh: { uom: 72, accumulationBehaviour: 4, kind: 12 },
  var: { uom: 63, accumulationBehaviour: 12 },
  VA: { uom: 61, accumulationBehaviour: 12 },
  V: { uom: 29, accumulationBehaviour: 12 },
  A: { uom: 5, accumulationBehaviour: 12 },
  Hz: { uom: 33, accumulationBehaviour: 12 },
};
/** flowDirection 1 forward (delivered to the premises), 19 reverse (to the grid) */
const FORWARD = 1;
const REVERSE = 19;
/** RoleFlags: isMirror | isPremisesAggregationPoint, isMirror | isSubmeter */
const PREMISES = "0003";
const SUBMETER = "0041";
const INT48 = 2 ** 47;

interface Sample {
  name: string;
  unit: Unit;
  value: number;
  flow?: number;
  at: number;
}

interface Meter {
  role: string;
  samples: Map<string, Sample>;
  dirty: boolean;
}

interface Mirror {
  href: string;
  announced: string[];
}

export interface MeteringDeps {
  http: SepHttpClient;
  store: AdapterStore;
  logger: Logger;
  lfdi: string;
  postRateMs: number;
  /** the server's MirrorUsagePointList (known after discovery) */
  listUrl(): string | undefined;
  /** server time, seconds */
  now(): number;
}

const baseValue = (q: Quantity) => q.value * 10 ** (q.multiplier ?? 0);

export class Metering {
  private readonly meters = new Map<string, Meter>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly d: MeteringDeps) {}

  ingest(m: Envelope<"InstantaneousPower"> | Envelope<"Metering"> | Envelope<"Telemetry">) {
    const at = this.d.now();
    if (m.type === "InstantaneousPower") {
      const scope = m.body.scope;
      const meter = scope.kind === "all" ? "all" : `${scope.kind}:${scope.id}`;
      this.sample(meter, scope.kind === "device" ? SUBMETER : PREMISES, {
        name: `power-${m.body.direction}`, unit: "W", value: baseValue(m.body.power), flow: m.body.direction === "generation" ? REVERSE : FORWARD, at,
      });
    } else if (m.type === "Metering") {
      const last = m.body.readings[m.body.readings.length - 1];
      const when = Math.floor(Date.parse(last.at) / 1000);
      if (last.importEnergy) this.sample(m.body.meter, PREMISES, { name: "energy-import", unit: "Wh", value: baseValue(last.importEnergy), flow: FORWARD, at: when });
      if (last.exportEnergy) this.sample(m.body.meter, PREMISES, { name: "energy-export", unit: "Wh", value: baseValue(last.exportEnergy), flow: REVERSE, at: when });
      if (last.power) this.sample(m.body.meter, PREMISES, { name: "power", unit: last.power.unit, value: baseValue(last.power), at: when });
    } else {
      for (const [name, v] of Object.entries(m.body.points)) {
        if (typeof v === "object" && UNITS[v.unit]) this.sample(`device:${m.body.device}`, SUBMETER, { name, unit: v.unit, value: baseValue(v), at });
      }
    }
  }

  start() {
    this.timer = setInterval(() => void this.flush(), this.d.postRateMs);
  }

  async stop() {
    clearInterval(this.timer);
    await this.flushing;
  }

  /** Posts what changed since the last flush (one at a time). */
  flush(): Promise<void> {
    this.flushing ??= this.post().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private sample(meter: string, role: string, s: Sample) {
    if (!UNITS[s.unit] || !Number.isFinite(s.value) || Math.abs(s.value) >= INT48) return;
    const m = this.meters.get(meter) ?? { role, samples: new Map(), dirty: false };
    m.samples.set(s.name, s);
    m.dirty = true;
    this.meters.set(meter, m);
  }

  private reading(meter: string, s: Sample, announce: boolean): SepResource<"MirrorMeterReading"> {
    const u = UNITS[s.unit]!;
    return {
      mRID: mridOf(this.d.lfdi, meter, s.name), description: s.name.slice(0, 32), lastUpdateTime: s.at,
      Reading: { value: Math.round(s.value) },
      ...(announce ? { ReadingType: {
        accumulationBehaviour: u.accumulationBehaviour, ...(s.flow ? { flowDirection: s.flow } : {}), ...(u.kind ? { kind: u.kind } : {}),
        powerOfTenMultiplier: 0, uom: u.uom,
      } } : {}),
    };
  }

  private async post() {
    const list = this.d.listUrl();
    if (!list) return;
    for (const [meter, m] of this.meters) {
      if (!m.dirty) continue;
      const mirror = await this.d.store.getDoc<Mirror>("mirrors", meter);
      const samples = [...m.samples.values()];
      const readings = samples.map((s) => this.reading(meter, s, !mirror?.announced.includes(s.name)));
      try {
        if (!mirror) {
          const reply = await this.d.http.send("POST", list, "MirrorUsagePoint", {
            mRID: mridOf(this.d.lfdi, meter), description: meter.slice(0, 32), roleFlags: m.role, serviceCategoryKind: 0, status: 1,
            deviceLFDI: this.d.lfdi, MirrorMeterReading: readings,
          });
          if (!reply.location) throw new Error("the server created the MirrorUsagePoint without a Location");
          await this.d.store.putDoc("mirrors", meter, { href: reply.location, announced: samples.map((s) => s.name) } satisfies Mirror);
        } else {
          await this.d.http.send("POST", mirror.href, "MirrorMeterReadingList", { all: readings.length, results: readings.length, MirrorMeterReading: readings });
          await this.d.store.putDoc("mirrors", meter, { ...mirror, announced: [...new Set([...mirror.announced, ...samples.map((s) => s.name)])] });
        }
        m.dirty = false;
      } catch (err) {
        // a server that forgot the mirror gets a new one at the next post
        if (err instanceof SepTransportError && err.status === 404) await this.d.store.deleteDoc("mirrors", meter);
        else if (!(err instanceof SepTransportError && err.retryable)) m.dirty = false;
        this.d.logger.warn({ meter, err: (err as Error).message }, "mirror readings not posted");
      }
    }
  }
}
