/**
 * What the VEN can report: the site's real points, from the device bindings and their mapping tables. Readable
 * numeric points with a unit OpenADR can name become TELEMETRY_USAGE / HISTORY_USAGE data points (rID
 * `<device>/<point>`), every device a TELEMETRY_STATUS point (rID `<device>/status`). The METADATA reports of
 * oadrRegisterReport describe exactly these.
 */
import type { DeviceBinding, PointRef } from "gridhub/hub";
import type { MappingTable, PointDef } from "gridhub/mapping";
import type { EngineeringUnit } from "gridhub/model";
import type { OadrReport, PowerAttributes, ReportDescription, ReportName } from "../codec/index.ts";
import { reportUnitOf, type ReportUnit } from "./units.ts";

export type ReportKind = "TELEMETRY_USAGE" | "TELEMETRY_STATUS" | "HISTORY_USAGE";

/** reportSpecifierID of each METADATA report this VEN registers. */
export const SPECIFIER: Record<ReportKind, string> = {
  TELEMETRY_USAGE: "telemetry-usage",
  TELEMETRY_STATUS: "telemetry-status",
  HISTORY_USAGE: "history-usage",
};

export interface UsagePoint {
  rID: string;
  device: string;
  point: string;
  unit: EngineeringUnit;
  def: PointDef;
  ref: PointRef;
  report: ReportUnit;
}

export interface Catalogue {
  usage: Map<string, UsagePoint>;
  /** status rID -> device id */
  status: Map<string, string>;
}

const NUMERIC = new Set(["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]);

export function buildCatalogue(devices: DeviceBinding[], tables: ReadonlyMap<string, MappingTable>, power: PowerAttributes): Catalogue {
  const usage = new Map<string, UsagePoint>();
  const status = new Map<string, string>();
  for (const d of devices) {
    status.set(`${d.id}/status`, d.id);
    const table = d.table ? tables.get(d.table) : undefined;
    if (!table) continue;
    for (const ref of d.points) {
      const def = table.points[ref.point];
      if (!def?.unit || ref.access === "w" || !NUMERIC.has(ref.type)) continue;
      const report = reportUnitOf(def.unit, power);
      if (report) usage.set(`${d.id}/${ref.point}`, { rID: `${d.id}/${ref.point}`, device: d.id, point: ref.point, unit: def.unit, def, ref, report });
    }
  }
  return { usage, status };
}

export function rIDsOf(c: Catalogue, kind: ReportKind): ReadonlySet<string> {
  return new Set(kind === "TELEMETRY_STATUS" ? c.status.keys() : c.usage.keys());
}

/** The METADATA reports (reportRequestID 0, as 2.0b has it for metadata). */
export function metadataReports(c: Catalogue, sampling: { minPeriod: string; maxPeriod: string }, created: string): OadrReport[] {
  const samplingRate = { ...sampling, onChange: false };
  const usage = (readingType: ReportDescription["readingType"]): ReportDescription[] => [...c.usage.values()].map((p) => ({
    rID: p.rID, reportDataSource: { resourceID: [p.device] }, reportType: p.report.reportType, itemBase: p.report.itemBase,
    readingType, samplingRate,
  }));
  const status: ReportDescription[] = [...c.status].map(([rID, device]) => ({
    rID, reportDataSource: { resourceID: [device] }, reportType: "x-resourceStatus", readingType: "x-notApplicable", samplingRate,
  }));
  const report = (kind: ReportKind, descriptions: ReportDescription[]): OadrReport => ({
    reportSpecifierID: SPECIFIER[kind], reportName: `METADATA_${kind}` as ReportName, reportRequestID: "0", createdDateTime: created,
    reportDescriptions: descriptions,
  });
  return [
    report("TELEMETRY_USAGE", usage("Direct Read")),
    report("TELEMETRY_STATUS", status),
    report("HISTORY_USAGE", usage("Direct Read")),
  ].filter((r) => r.reportDescriptions.length > 0);
}
