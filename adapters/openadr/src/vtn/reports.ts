/** Report requests the VTN makes of a VEN, from the METADATA the VEN registered. */
import { randomUUID } from "node:crypto";
import type { OadrMessageOf, Period, ReportRequest } from "../codec/index.ts";
import type { ReportRequestRecord, ReportSpecRecord, VenRecord } from "./records.ts";
import type { VtnRuntime } from "./runtime.ts";

export interface ReportAsk {
  /** Data points wanted; every rID of the specifier when absent. */
  rIDs?: string[];
  granularity: string;
  reportBackDuration: string;
  reportInterval?: Period;
}

/** The METADATA report a data report name is offered under (TELEMETRY_USAGE under METADATA_TELEMETRY_USAGE). */
export function specFor(specs: ReportSpecRecord[], reportName: string): ReportSpecRecord | undefined {
  return specs.find((s) => s.reportName === `METADATA_${reportName}`) ?? specs.find((s) => s.reportName === reportName);
}

export class UnknownRid extends Error {}

/** A new request record for some rIDs of a registered specifier. */
export function newRequest(rt: VtnRuntime, ven: VenRecord, spec: ReportSpecRecord, ask: ReportAsk): ReportRequestRecord {
  const offered = new Map(spec.descriptions.map((d) => [d.rID, d]));
  const wanted = ask.rIDs ?? [...offered.keys()];
  const missing = wanted.filter((r) => !offered.has(r));
  if (missing.length) throw new UnknownRid(`${spec.reportSpecifierID} of ${ven.venID} has no rID ${missing.join(", ")}`);
  if (!wanted.length) throw new UnknownRid(`${spec.reportSpecifierID} of ${ven.venID} offers no data point`);
  const at = new Date(rt.now()).toISOString();
  return {
    venID: ven.venID,
    reportRequestID: randomUUID(),
    reportSpecifierID: spec.reportSpecifierID,
    ...(spec.reportName !== undefined ? { reportName: spec.reportName.replace(/^METADATA_/, "") } : {}),
    rIDs: wanted.map((rID) => {
      const d = offered.get(rID)!;
      return { rID, readingType: d.readingType, ...(d.itemBase ? { itemBase: d.itemBase } : {}) };
    }),
    granularity: ask.granularity,
    reportBackDuration: ask.reportBackDuration,
    ...(ask.reportInterval ? { reportInterval: ask.reportInterval } : {}),
    state: "requested",
    createdAt: at,
    updatedAt: at,
  };
}

export function toReportRequest(r: ReportRequestRecord): ReportRequest {
  return {
    reportRequestID: r.reportRequestID,
    reportSpecifier: {
      reportSpecifierID: r.reportSpecifierID,
      granularity: r.granularity,
      reportBackDuration: r.reportBackDuration,
      ...(r.reportInterval ? { reportInterval: r.reportInterval } : {}),
      specifierPayloads: r.rIDs,
    },
  };
}

export function createReportMessage(rs: ReportRequestRecord[], venID: string): OadrMessageOf<"oadrCreateReport"> {
  return { type: "oadrCreateReport", requestID: randomUUID(), reportRequests: rs.map(toReportRequest), venID };
}

export function cancelReportMessage(ids: string[], venID: string): OadrMessageOf<"oadrCancelReport"> {
  return { type: "oadrCancelReport", requestID: randomUUID(), reportRequestIDs: ids, reportToFollow: false, venID };
}
