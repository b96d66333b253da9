/**
 * EiReport on the VTN. oadrRegisterReport stores the VEN's METADATA (replacing what it registered before) and is
 * always answered with oadrRegisteredReport, carrying the configured automatic report requests; oadrCreatedReport
 * confirms requests; oadrUpdateReport data goes to the telemetry store (series `openadr-vtn:<adapter>:<venID>`,
 * point = rID); oadrCanceledReport confirms a cancellation. This VTN offers no reports of its own.
 */
import { OadrResponseCode, type ReportPayload, type ResourceStatus } from "../../codec/index.ts";
import type { TelemetryRow } from "gridhub/store";
import { reportSeries, type ReportRequestRecord, type ReportSpecRecord, type VenRecord } from "../records.ts";
import { newRequest, specFor, toReportRequest } from "../reports.ts";
import { isoNow, ok, refuse, type Caller, type Msg, type VtnRuntime } from "../runtime.ts";

const union = (...lists: (string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))];

export async function registerReport(rt: VtnRuntime, msg: Msg<"oadrRegisterReport">, caller: Caller, ven: VenRecord) {
  const at = isoNow(rt);
  const specs: ReportSpecRecord[] = msg.reports.map((r) => ({
    venID: ven.venID,
    reportSpecifierID: r.reportSpecifierID,
    ...(r.reportName !== undefined ? { reportName: r.reportName } : {}),
    descriptions: r.reportDescriptions,
    registeredAt: at,
  }));
  const ids = specs.map((s) => s.reportSpecifierID);
  if (new Set(ids).size !== ids.length) refuse(OadrResponseCode.INVALID_DATA, "two METADATA reports share a reportSpecifierID");

  await rt.state.replaceReportSpecs(ven.venID, specs);
  const resources = msg.reports.flatMap((r) => r.reportDescriptions.flatMap((d) =>
    [...(d.reportDataSource?.resourceID ?? []), ...(d.reportSubject?.resourceID ?? [])]));
  const merged = union(ven.resources, resources);
  if (merged.length !== ven.resources.length) await rt.state.putVen({ ...ven, resources: merged });

  // requests made against the previous registration end with it; the automatic ones are made afresh
  for (const old of await rt.state.reportRequestsOf(ven.venID)) {
    if (old.state !== "cancelled") await rt.state.putReportRequest({ ...old, state: "cancelled", updatedAt: at });
  }
  const requests: ReportRequestRecord[] = [];
  for (const auto of rt.config.reports) {
    const spec = specFor(specs, auto.reportName);
    if (spec?.descriptions.length) requests.push(newRequest(rt, ven, spec, auto));
  }
  for (const r of requests) await rt.state.putReportRequest(r);
  return {
    type: "oadrRegisteredReport",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: msg.requestID },
    reportRequests: requests.map(toReportRequest),
    venID: caller.venID,
  } satisfies Msg<"oadrRegisteredReport">;
}

async function ownRequests(rt: VtnRuntime, ven: VenRecord, ids: string[]) {
  const found: ReportRequestRecord[] = [];
  for (const id of new Set(ids)) {
    const r = await rt.state.getReportRequest(ven.venID, id);
    if (!r) refuse(OadrResponseCode.INVALID_ID, `${ven.venID} has no report request ${id}`);
    found.push(r);
  }
  return found;
}

export async function createdReport(rt: VtnRuntime, msg: Msg<"oadrCreatedReport">, caller: Caller, ven: VenRecord) {
  const at = isoNow(rt);
  for (const r of await ownRequests(rt, ven, msg.pendingReports)) {
    if (r.state === "requested") await rt.state.putReportRequest({ ...r, state: "active", updatedAt: at });
  }
  return ok(msg.eiResponse.requestID, caller.venID);
}

const valueOf = (p: ReportPayload): TelemetryRow["value"] =>
  typeof p.payload === "number" ? (Number.isFinite(p.payload) ? p.payload : String(p.payload)) : JSON.stringify(p.payload as ResourceStatus);

export async function updateReport(rt: VtnRuntime, msg: Msg<"oadrUpdateReport">, caller: Caller, ven: VenRecord) {
  const requests = new Map((await ownRequests(rt, ven, msg.reports.map((r) => r.reportRequestID))).map((r) => [r.reportRequestID, r]));
  const rows: TelemetryRow[] = [];
  const cancelled = new Set<string>();
  const series = reportSeries(rt.adapter, ven.venID);
  for (const report of msg.reports) {
    const req = requests.get(report.reportRequestID)!;
    if (req.state === "cancelled" || req.state === "cancelling") {
      cancelled.add(req.reportRequestID);
      continue;
    }
    const wanted = new Set(req.rIDs.map((r) => r.rID));
    for (const interval of report.intervals ?? []) {
      const ts = interval.dtstart ?? report.dtstart ?? report.createdDateTime;
      for (const p of interval.payloads) {
        if (!wanted.has(p.rID)) refuse(OadrResponseCode.INVALID_ID, `report request ${req.reportRequestID} did not ask for rID ${p.rID}`);
        rows.push({ device: series, point: p.rID, ts, value: valueOf(p) });
      }
    }
  }
  await rt.store.appendTelemetry(rows);
  const at = isoNow(rt);
  for (const req of requests.values()) {
    if (!cancelled.has(req.reportRequestID)) await rt.state.putReportRequest({ ...req, state: "active", lastReportAt: at, updatedAt: at });
  }
  return {
    type: "oadrUpdatedReport",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: msg.requestID },
    ...(cancelled.size
      ? { cancelReport: { requestID: msg.requestID, reportRequestIDs: [...cancelled], reportToFollow: false, venID: ven.venID } }
      : {}),
    venID: caller.venID,
  } satisfies Msg<"oadrUpdatedReport">;
}

export async function canceledReport(rt: VtnRuntime, msg: Msg<"oadrCanceledReport">, caller: Caller, ven: VenRecord) {
  const stillPending = new Set(msg.pendingReports);
  const at = isoNow(rt);
  for (const r of await rt.state.reportRequestsOf(ven.venID)) {
    if (r.state === "cancelling" && !stillPending.has(r.reportRequestID)) {
      await rt.state.putReportRequest({ ...r, state: "cancelled", updatedAt: at });
    }
  }
  return ok(msg.eiResponse.requestID, caller.venID);
}

/** The VTN registers no reports, so a VEN's request or cancellation of one names nothing known. */
export function createReport(_rt: VtnRuntime, msg: Msg<"oadrCreateReport">, caller: Caller) {
  return {
    type: "oadrCreatedReport",
    eiResponse: { responseCode: OadrResponseCode.INVALID_ID, responseDescription: "this VTN offers no reports", requestID: msg.requestID },
    pendingReports: [],
    venID: caller.venID,
  } satisfies Msg<"oadrCreatedReport">;
}

export function cancelReport(_rt: VtnRuntime, msg: Msg<"oadrCancelReport">, caller: Caller) {
  return {
    type: "oadrCanceledReport",
    eiResponse: { responseCode: OadrResponseCode.INVALID_ID, responseDescription: "this VTN offers no reports", requestID: msg.requestID },
    pendingReports: [],
    venID: caller.venID,
  } satisfies Msg<"oadrCanceledReport">;
}

export function registeredReport(_rt: VtnRuntime, msg: Msg<"oadrRegisteredReport">, caller: Caller) {
  return ok(msg.eiResponse.requestID, caller.venID);
}
