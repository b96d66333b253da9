/**
 * EiReport from the VEN's side, after METADATA registration (catalogue.ts): report requests from the VTN
 * (oadrCreateReport, or oadrRegisteredReport) start periodic TELEMETRY_USAGE / TELEMETRY_STATUS reports, sampled
 * every `granularity` and sent every `reportBackDuration` through the outbox; HISTORY_USAGE requests are answered
 * once from the store's telemetry; oadrCancelReport stops them (with a last report when reportToFollow).
 * Values come from the bus (Telemetry, DeviceStatus) and, for points it has not carried within the granularity,
 * from ctx.readPoints.
 * A payload naming an unknown report or rID (452) or unusable periods (454) is refused whole: nothing changes.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { PointRef, PointValue } from "gridhub/hub";
import { fromRaw } from "gridhub/mapping";
import { toDuration, toUnit, type NeutralMessage, type Quantity } from "gridhub/model";
import type { AdapterStore } from "gridhub/store";
import { OadrResponseCode, type DataQuality, type OadrReport, type ReportInterval, type ReportPayload, type ReportRequest } from "../codec/index.ts";
import { rIDsOf, SPECIFIER, type Catalogue, type ReportKind } from "./catalogue.ts";
import { VenRefusal } from "./errors.ts";
import type { Outgoing } from "./outbox.ts";
import { iso, msOf, parseDateTime } from "./time.ts";

export interface ReportDeps {
  store: AdapterStore;
  logger: Logger;
  now(): Date;
  catalogue(): Catalogue;
  readPoints(refs: PointRef[]): Promise<PointValue[]>;
  send(id: string, item: Outgoing): Promise<unknown>;
  venID(): string;
  minPeriodMs: number;
  /** a device that did not follow the current event (TELEMETRY_STATUS manualOverride) */
  manualOverride(device: string): boolean;
}

interface Accepted {
  request: ReportRequest;
  kind: ReportKind;
  granularityMs: number;
  reportBackMs: number;
  from?: number;
  until?: number;
}

interface Sample { at: number; payloads: ReportPayload[] }

interface Running {
  req: Accepted;
  timer: NodeJS.Timeout;
  samples: Sample[];
  lastSample: number;
  lastFlush: number;
  busy: boolean;
}

const COLLECTION = "reportRequests";
const MAX_INTERVALS = 1000;
const KIND_OF = new Map(Object.entries(SPECIFIER).map(([k, v]) => [v, k as ReportKind]));

export class ReportService {
  private running = new Map<string, Running>();
  private live = new Map<string, { value: number; at: number }>();
  private unreachable = new Set<string>();

  constructor(private readonly d: ReportDeps) {}

  async load() {
    for (const { doc } of await this.d.store.listDocs<Accepted>(COLLECTION)) this.run(doc);
  }

  stop() {
    for (const r of this.running.values()) clearInterval(r.timer);
    this.running.clear();
  }

  /** reportRequestIDs of the periodic reports running now (oadrPendingReports). */
  pending(): string[] {
    return [...this.running.keys()];
  }

  /** Keeps the latest values the bus carries. */
  ingest(m: NeutralMessage) {
    if (m.type === "Telemetry") {
      this.unreachable.delete(m.body.device);
      const at = Date.parse(m.body.at);
      for (const [point, v] of Object.entries(m.body.points)) {
        const p = this.d.catalogue().usage.get(`${m.body.device}/${point}`);
        if (p && typeof v === "object") this.remember(p.rID, () => toUnit(v as Quantity, p.unit), at);
      }
    } else if (m.type === "DeviceStatus") {
      if (m.body.state === "unreachable") this.unreachable.add(m.body.device);
      else this.unreachable.delete(m.body.device);
    }
  }

  /** Accepts report requests, all or none: a VenRefusal says why none was. */
  async create(requests: ReportRequest[]): Promise<void> {
    const accepted = requests.map((r) => this.check(r));
    for (const a of accepted) {
      if (a.kind === "HISTORY_USAGE") {
        await this.history(a);
        continue;
      }
      this.halt(a.request.reportRequestID);
      await this.d.store.putDoc(COLLECTION, a.request.reportRequestID, a);
      this.run(a);
    }
  }

  /** Cancels running reports, all or none (452 for an unknown reportRequestID); a last report first when asked. */
  async cancel(ids: string[], reportToFollow: boolean): Promise<void> {
    const unknown = ids.filter((id) => !this.running.has(id));
    if (unknown.length) throw new VenRefusal(OadrResponseCode.INVALID_ID, `no running report ${unknown.join(", ")}`);
    for (const id of ids) {
      const r = this.running.get(id)!;
      if (reportToFollow) {
        await this.sample(r);
        await this.flush(r);
      }
      this.halt(id);
      await this.d.store.deleteDoc(COLLECTION, id);
    }
  }

  private check(request: ReportRequest): Accepted {
    const spec = request.reportSpecifier;
    const kind = KIND_OF.get(spec.reportSpecifierID);
    if (!kind) throw new VenRefusal(OadrResponseCode.INVALID_ID, `no report ${spec.reportSpecifierID} was registered by this VEN`);
    const known = rIDsOf(this.d.catalogue(), kind);
    const unknown = spec.specifierPayloads.filter((p) => !known.has(p.rID)).map((p) => p.rID);
    if (unknown.length) throw new VenRefusal(OadrResponseCode.INVALID_ID, `report ${spec.reportSpecifierID} has no rID ${unknown.join(", ")}`);
    const granularityMs = msOf(spec.granularity);
    const reportBackMs = msOf(spec.reportBackDuration);
    const bad = (why: string) => new VenRefusal(OadrResponseCode.INVALID_DATA, `report request ${request.reportRequestID}: ${why}`);
    if (Number.isNaN(granularityMs) || Number.isNaN(reportBackMs)) throw bad("granularity and reportBackDuration must be durations");
    const interval = spec.reportInterval;
    const from = interval ? parseDateTime(interval.dtstart) : undefined;
    const length = interval ? msOf(interval.duration) : undefined;
    if (interval && (Number.isNaN(from) || Number.isNaN(length))) throw bad("reportInterval needs a date-time and a duration");
    const until = from !== undefined && length ? from + length : undefined;
    if (kind === "HISTORY_USAGE") {
      if (until === undefined) throw bad("a history report needs a reportInterval with a duration");
      if (granularityMs > 0 && (until - from!) / granularityMs > MAX_INTERVALS) throw bad(`more than ${MAX_INTERVALS} intervals`);
    } else {
      const min = this.d.minPeriodMs;
      if (granularityMs < min || reportBackMs < min) throw bad(`granularity and reportBackDuration must be at least ${toDuration(min)}`);
      if (reportBackMs / granularityMs > MAX_INTERVALS) throw bad(`more than ${MAX_INTERVALS} intervals per report`);
    }
    return { request, kind, granularityMs, reportBackMs, ...(from !== undefined ? { from } : {}), ...(until !== undefined ? { until } : {}) };
  }

  private run(req: Accepted) {
    const now = this.d.now().getTime();
    const period = Math.min(req.granularityMs, req.reportBackMs);
    const r: Running = { req, samples: [], lastSample: now, lastFlush: now, busy: false, timer: setInterval(() => void this.tick(r), period) };
    this.running.set(req.request.reportRequestID, r);
  }

  private halt(id: string) {
    const r = this.running.get(id);
    if (r) clearInterval(r.timer);
    this.running.delete(id);
  }

  private async tick(r: Running) {
    if (r.busy) return;
    r.busy = true;
    try {
      const now = this.d.now().getTime();
      const slack = Math.min(50, r.req.granularityMs / 10);
      if (r.req.from !== undefined && now < r.req.from) return;
      if (now - r.lastSample >= r.req.granularityMs - slack) await this.sample(r);
      if (now - r.lastFlush >= r.req.reportBackMs - slack) await this.flush(r);
      if (r.req.until !== undefined && now >= r.req.until) {
        this.halt(r.req.request.reportRequestID);
        await this.d.store.deleteDoc(COLLECTION, r.req.request.reportRequestID);
      }
    } catch (err) {
      this.d.logger.error({ err, reportRequestID: r.req.request.reportRequestID }, "report sampling failed");
    } finally {
      r.busy = false;
    }
  }

  private async sample(r: Running) {
    const at = this.d.now().getTime();
    r.lastSample = at;
    const rIDs = r.req.request.reportSpecifier.specifierPayloads.map((p) => p.rID);
    if (r.req.kind === "TELEMETRY_STATUS") {
      const c = this.d.catalogue();
      r.samples.push({ at, payloads: rIDs.map((rID) => {
        const device = c.status.get(rID)!;
        return { rID, payload: { online: !this.unreachable.has(device), manualOverride: this.d.manualOverride(device) } };
      }) });
      return;
    }
    await this.readStale(rIDs, at - r.req.granularityMs);
    // a point with no value yet is left out of the interval (the store keeps payloads as JSON: no NaN)
    r.samples.push({ at, payloads: rIDs.flatMap((rID) => {
      const v = this.live.get(rID);
      if (!v) return [];
      const quality: DataQuality = at - v.at > r.req.granularityMs ? "No New Value - Previous Value Used" : "Quality Good - Non Specific";
      return [{ rID, payload: v.value, dataQuality: quality }];
    }) });
  }

  /** Points the bus has not carried since `since` (not polled that often) are read through their adapters. */
  private async readStale(rIDs: string[], since: number) {
    const c = this.d.catalogue();
    const missing = rIDs.filter((id) => (this.live.get(id)?.at ?? -Infinity) < since).map((id) => c.usage.get(id)!);
    if (!missing.length) return;
    const values = await this.d.readPoints(missing.map((p) => p.ref));
    for (const v of values) {
      const p = c.usage.get(`${v.device}/${v.point}`);
      if (p && v.quality !== "bad") this.remember(p.rID, () => fromRaw(p.def, v.value), Date.parse(v.ts));
    }
  }

  private remember(rID: string, value: () => unknown, at: number) {
    try {
      const v = value();
      if (typeof v === "number" && Number.isFinite(v)) this.live.set(rID, { value: v, at });
    } catch (err) {
      this.d.logger.debug({ rID, err: (err as Error).message }, "value not reportable");
    }
  }

  private async flush(r: Running) {
    r.lastFlush = this.d.now().getTime();
    const samples = r.samples.splice(0);
    if (!samples.length) return;
    const g = r.req.granularityMs;
    const intervals: ReportInterval[] = samples.filter((s) => s.payloads.length > 0)
      .map((s, i) => ({ dtstart: iso(s.at - g), duration: toDuration(g), uid: String(i), payloads: s.payloads }));
    const first = samples[0]!.at - g;
    await this.sendReport(r.req, intervals, first, samples[samples.length - 1]!.at - first);
  }

  private async history(a: Accepted) {
    const c = this.d.catalogue();
    const from = a.from!;
    const until = a.until!;
    const g = a.granularityMs > 0 ? a.granularityMs : until - from;
    const buckets = new Map<number, Map<string, number[]>>();
    for (const { rID } of a.request.reportSpecifier.specifierPayloads) {
      const p = c.usage.get(rID)!;
      const rows = await this.d.store.queryTelemetry({ device: p.device, point: p.point, from: iso(from), to: iso(until), limit: 100_000 });
      for (const row of rows) {
        if (typeof row.value !== "number") continue;
        const b = from + Math.floor((Date.parse(row.ts) - from) / g) * g;
        const perRid = buckets.get(b) ?? new Map<string, number[]>();
        buckets.set(b, perRid);
        perRid.set(rID, [...(perRid.get(rID) ?? []), row.value]);
      }
    }
    const intervals: ReportInterval[] = [...buckets.keys()].sort((x, y) => x - y).map((b, i) => ({
      dtstart: iso(b), duration: toDuration(g), uid: String(i),
      payloads: [...buckets.get(b)!].map(([rID, vs]) => ({ rID, payload: vs.reduce((s, v) => s + v, 0) / vs.length, dataQuality: "Quality Good - Non Specific" as const })),
    }));
    await this.sendReport(a, intervals, from, until - from);
  }

  private async sendReport(a: Accepted, intervals: ReportInterval[], start: number, length: number) {
    const report: OadrReport = {
      dtstart: iso(start), duration: toDuration(length), ...(intervals.length ? { intervals } : {}),
      eiReportID: `${SPECIFIER[a.kind]}-${randomUUID()}`, reportDescriptions: [], reportRequestID: a.request.reportRequestID,
      reportSpecifierID: a.request.reportSpecifier.reportSpecifierID, reportName: a.kind, createdDateTime: this.d.now().toISOString(),
    };
    await this.d.send(`report:${a.request.reportRequestID}:${iso(start)}`, { service: "EiReport", message: {
      type: "oadrUpdateReport", requestID: randomUUID(), reports: [report], venID: this.d.venID(),
    } });
  }
}
