/** EiReport service: register/registered, create/created, update/updated, cancel/canceled report. */
import {
  durationProp,
  formatPercent,
  readEiResponse,
  readEiTarget,
  readItemBase,
  readPeriod,
  readTiming,
  writeDurationProp,
  writeEiResponse,
  writeEiTarget,
  writeItemBase,
  writeProperties,
  writeTiming,
} from "./common.ts";
import type { PayloadCodecs } from "./family.ts";
import * as lex from "./lexical.ts";
import { NS } from "./namespaces.ts";
import { bool, compact, dateTime, duration, first, float, invalid, many, oneOf, opt, percent, req, some, str, token } from "./read.ts";
import type { Reader } from "./read.ts";
import type {
  CancelReport,
  LoadControlStateValue,
  OadrReport,
  ReportDescription,
  ReportInterval,
  ReportPayload,
  ReportRequest,
  ReportSpecifier,
  ResourceStatus,
  SpecifierPayload,
} from "./types.ts";
import { dataQualities, readingTypes, reportNames, reportTypes } from "./vocabularies.ts";
import type { XmlElement } from "gridhub/xml";
import type { XmlWriter } from "gridhub/xml";

const { oadr, pyld, ei, emix, xcal, strm } = NS;

/** oadrLoadControlState members: model name -> element local name. */
const LOAD_CONTROL_STATES = [
  ["capacity", "oadrCapacity"],
  ["levelOffset", "oadrLevelOffset"],
  ["percentOffset", "oadrPercentOffset"],
  ["setPoint", "oadrSetPoint"],
] as const;

// ---------- readers ----------

const readLoadControlStateValue: Reader<LoadControlStateValue> = (el) =>
  compact({
    min: opt(el, oadr, "oadrMin", float),
    max: opt(el, oadr, "oadrMax", float),
    current: req(el, oadr, "oadrCurrent", float),
    normal: opt(el, oadr, "oadrNormal", float),
  });

const readResourceStatus: Reader<ResourceStatus> = (el) =>
  compact({
    online: req(el, oadr, "oadrOnline", bool),
    manualOverride: req(el, oadr, "oadrManualOverride", bool),
    loadControlState: opt(el, oadr, "oadrLoadControlState", (s) => {
      const state: NonNullable<ResourceStatus["loadControlState"]> = {};
      for (const [key, name] of LOAD_CONTROL_STATES) {
        const v = opt(s, oadr, name, readLoadControlStateValue);
        if (v) state[key] = v;
      }
      return state;
    }),
  });

/** ei:payloadBase substitution: payloadFloat or oadrPayloadResourceStatus. */
function readPayloadBase(el: XmlElement): number | ResourceStatus {
  const f = first(el, ei, "payloadFloat");
  if (f) return req(f, ei, "value", float);
  const status = first(el, oadr, "oadrPayloadResourceStatus");
  if (status) return readResourceStatus(status);
  throw invalid(el, "missing payloadFloat or oadrPayloadResourceStatus");
}

const readReportPayload: Reader<ReportPayload> = (el) =>
  compact({
    rID: req(el, ei, "rID", str),
    confidence: opt(el, ei, "confidence", percent),
    accuracy: opt(el, ei, "accuracy", float),
    payload: readPayloadBase(el),
    dataQuality: opt(el, oadr, "oadrDataQuality", oneOf(dataQualities)),
  });

const readReportInterval: Reader<ReportInterval> = (el) =>
  compact({ ...readTiming(el), payloads: some(el, oadr, "oadrReportPayload", readReportPayload) });

const readReportDescription: Reader<ReportDescription> = (el) =>
  compact({
    rID: req(el, ei, "rID", str),
    reportSubject: opt(el, ei, "reportSubject", readEiTarget),
    reportDataSource: opt(el, ei, "reportDataSource", readEiTarget),
    reportType: req(el, ei, "reportType", oneOf(reportTypes)),
    itemBase: readItemBase(el),
    readingType: req(el, ei, "readingType", oneOf(readingTypes)),
    marketContext: opt(el, emix, "marketContext", token),
    samplingRate: opt(el, oadr, "oadrSamplingRate", (s) => ({
      minPeriod: req(s, oadr, "oadrMinPeriod", duration),
      maxPeriod: req(s, oadr, "oadrMaxPeriod", duration),
      onChange: req(s, oadr, "oadrOnChange", bool),
    })),
  });

const readReport: Reader<OadrReport> = (el) => {
  const { dtstart, duration } = readTiming(el);
  return compact({
    dtstart,
    duration,
    intervals: opt(el, strm, "intervals", (i) => some(i, ei, "interval", readReportInterval)),
    eiReportID: opt(el, ei, "eiReportID", str),
    reportDescriptions: many(el, oadr, "oadrReportDescription", readReportDescription),
    reportRequestID: req(el, ei, "reportRequestID", str),
    reportSpecifierID: req(el, ei, "reportSpecifierID", str),
    reportName: opt(el, ei, "reportName", oneOf(reportNames)),
    createdDateTime: req(el, ei, "createdDateTime", dateTime),
  });
};

const readSpecifierPayload: Reader<SpecifierPayload> = (el) =>
  compact({
    rID: req(el, ei, "rID", str),
    itemBase: readItemBase(el),
    readingType: req(el, ei, "readingType", oneOf(readingTypes)),
  });

const readReportSpecifier: Reader<ReportSpecifier> = (el) =>
  compact({
    reportSpecifierID: req(el, ei, "reportSpecifierID", str),
    granularity: req(el, xcal, "granularity", durationProp),
    reportBackDuration: req(el, ei, "reportBackDuration", durationProp),
    reportInterval: opt(el, ei, "reportInterval", (i) => req(i, xcal, "properties", readPeriod)),
    specifierPayloads: some(el, ei, "specifierPayload", readSpecifierPayload),
  });

const readReportRequest: Reader<ReportRequest> = (el) => ({
  reportRequestID: req(el, ei, "reportRequestID", str),
  reportSpecifier: req(el, ei, "reportSpecifier", readReportSpecifier),
});

const readPendingReports: Reader<string[]> = (el) => many(el, ei, "reportRequestID", str);

const readCancelReport = (el: XmlElement): CancelReport =>
  compact({
    requestID: req(el, pyld, "requestID", str),
    reportRequestIDs: some(el, ei, "reportRequestID", str),
    reportToFollow: req(el, pyld, "reportToFollow", bool),
    venID: opt(el, ei, "venID", str),
  });

// ---------- writers ----------

function writeLoadControlState(w: XmlWriter, state: NonNullable<ResourceStatus["loadControlState"]>): void {
  w.start("oadr:oadrLoadControlState");
  for (const [key, name] of LOAD_CONTROL_STATES) {
    const v = state[key];
    if (!v) continue;
    w.start(`oadr:${name}`)
      .optLeaf("oadr:oadrMin", v.min, lex.formatFloat)
      .optLeaf("oadr:oadrMax", v.max, lex.formatFloat)
      .leaf("oadr:oadrCurrent", v.current, lex.formatFloat)
      .optLeaf("oadr:oadrNormal", v.normal, lex.formatFloat)
      .end();
  }
  w.end();
}

function writeReportPayload(w: XmlWriter, p: ReportPayload): void {
  w.start("oadr:oadrReportPayload")
    .leaf("ei:rID", p.rID)
    .optLeaf("ei:confidence", p.confidence, formatPercent)
    .optLeaf("ei:accuracy", p.accuracy, lex.formatFloat);
  if (typeof p.payload === "number") {
    w.start("ei:payloadFloat").leaf("ei:value", p.payload, lex.formatFloat).end();
  } else if (p.payload && typeof p.payload === "object") {
    w.start("oadr:oadrPayloadResourceStatus")
      .leaf("oadr:oadrOnline", p.payload.online, lex.formatBoolean)
      .leaf("oadr:oadrManualOverride", p.payload.manualOverride, lex.formatBoolean);
    if (p.payload.loadControlState) writeLoadControlState(w, p.payload.loadControlState);
    w.end();
  } else {
    w.fail("payload must be a number or a resource status", "payloadBase");
  }
  w.optLeaf("oadr:oadrDataQuality", p.dataQuality, dataQualities.format).end();
}

function writeReportDescription(w: XmlWriter, d: ReportDescription): void {
  w.start("oadr:oadrReportDescription").leaf("ei:rID", d.rID);
  if (d.reportSubject) writeEiTarget(w, "ei:reportSubject", d.reportSubject);
  if (d.reportDataSource) writeEiTarget(w, "ei:reportDataSource", d.reportDataSource);
  w.leaf("ei:reportType", d.reportType, reportTypes.format);
  if (d.itemBase) writeItemBase(w, d.itemBase);
  w.leaf("ei:readingType", d.readingType, readingTypes.format).optLeaf("emix:marketContext", d.marketContext);
  if (d.samplingRate) {
    w.start("oadr:oadrSamplingRate")
      .leaf("oadr:oadrMinPeriod", d.samplingRate.minPeriod, lex.formatDuration)
      .leaf("oadr:oadrMaxPeriod", d.samplingRate.maxPeriod, lex.formatDuration)
      .leaf("oadr:oadrOnChange", d.samplingRate.onChange, lex.formatBoolean)
      .end();
  }
  w.end();
}

function writeReport(w: XmlWriter, r: OadrReport): void {
  w.start("oadr:oadrReport");
  writeTiming(w, { dtstart: r.dtstart, duration: r.duration });
  if (r.intervals) {
    w.start("strm:intervals");
    for (const iv of w.nonEmpty(r.intervals, "interval")) {
      w.start("ei:interval");
      writeTiming(w, iv);
      for (const p of w.nonEmpty(iv.payloads, "oadrReportPayload")) writeReportPayload(w, p);
      w.end();
    }
    w.end();
  }
  w.optLeaf("ei:eiReportID", r.eiReportID);
  for (const d of w.list(r.reportDescriptions, "oadrReportDescription")) writeReportDescription(w, d);
  w.leaf("ei:reportRequestID", r.reportRequestID)
    .leaf("ei:reportSpecifierID", r.reportSpecifierID)
    .optLeaf("ei:reportName", r.reportName, reportNames.format)
    .leaf("ei:createdDateTime", r.createdDateTime, lex.formatDateTime)
    .end();
}

function writeReportRequest(w: XmlWriter, r: ReportRequest): void {
  const s = r.reportSpecifier;
  w.start("oadr:oadrReportRequest").leaf("ei:reportRequestID", r.reportRequestID);
  w.start("ei:reportSpecifier").leaf("ei:reportSpecifierID", s.reportSpecifierID);
  writeDurationProp(w, "xcal:granularity", s.granularity);
  writeDurationProp(w, "ei:reportBackDuration", s.reportBackDuration);
  if (s.reportInterval) {
    w.start("ei:reportInterval");
    writeProperties(w, s.reportInterval);
    w.end();
  }
  for (const p of w.nonEmpty(s.specifierPayloads, "specifierPayload")) {
    w.start("ei:specifierPayload").leaf("ei:rID", p.rID);
    if (p.itemBase) writeItemBase(w, p.itemBase);
    w.leaf("ei:readingType", p.readingType, readingTypes.format).end();
  }
  w.end().end();
}

function writePendingReports(w: XmlWriter, ids: readonly string[]): void {
  w.start("oadr:oadrPendingReports");
  for (const id of w.list(ids, "reportRequestID")) w.leaf("ei:reportRequestID", id);
  w.end();
}

function writeCancelReport(w: XmlWriter, c: CancelReport): void {
  w.leaf("pyld:requestID", c.requestID);
  for (const id of w.nonEmpty(c.reportRequestIDs, "reportRequestID")) w.leaf("ei:reportRequestID", id);
  w.leaf("pyld:reportToFollow", c.reportToFollow, lex.formatBoolean).optLeaf("ei:venID", c.venID);
}

export const reportCodecs: PayloadCodecs<
  | "oadrRegisterReport"
  | "oadrRegisteredReport"
  | "oadrCreateReport"
  | "oadrCreatedReport"
  | "oadrUpdateReport"
  | "oadrUpdatedReport"
  | "oadrCancelReport"
  | "oadrCanceledReport"
> = {
  oadrRegisterReport: {
    read: (el) =>
      compact({
        type: "oadrRegisterReport",
        requestID: req(el, pyld, "requestID", str),
        reports: many(el, oadr, "oadrReport", readReport),
        venID: opt(el, ei, "venID", str),
        reportRequestID: opt(el, ei, "reportRequestID", str),
      }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID);
      for (const r of w.list(m.reports, "oadrReport")) writeReport(w, r);
      w.optLeaf("ei:venID", m.venID).optLeaf("ei:reportRequestID", m.reportRequestID);
    },
  },
  oadrRegisteredReport: {
    read: (el) =>
      compact({
        type: "oadrRegisteredReport",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        reportRequests: many(el, oadr, "oadrReportRequest", readReportRequest),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      for (const r of w.list(m.reportRequests, "oadrReportRequest")) writeReportRequest(w, r);
      w.optLeaf("ei:venID", m.venID);
    },
  },
  oadrCreateReport: {
    read: (el) =>
      compact({
        type: "oadrCreateReport",
        requestID: req(el, pyld, "requestID", str),
        reportRequests: some(el, oadr, "oadrReportRequest", readReportRequest),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID);
      for (const r of w.nonEmpty(m.reportRequests, "oadrReportRequest")) writeReportRequest(w, r);
      w.optLeaf("ei:venID", m.venID);
    },
  },
  oadrCreatedReport: {
    read: (el) =>
      compact({
        type: "oadrCreatedReport",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        pendingReports: req(el, oadr, "oadrPendingReports", readPendingReports),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      writePendingReports(w, m.pendingReports);
      w.optLeaf("ei:venID", m.venID);
    },
  },
  oadrUpdateReport: {
    read: (el) =>
      compact({
        type: "oadrUpdateReport",
        requestID: req(el, pyld, "requestID", str),
        reports: many(el, oadr, "oadrReport", readReport),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID);
      for (const r of w.list(m.reports, "oadrReport")) writeReport(w, r);
      w.optLeaf("ei:venID", m.venID);
    },
  },
  oadrUpdatedReport: {
    read: (el) =>
      compact({
        type: "oadrUpdatedReport",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        cancelReport: opt(el, oadr, "oadrCancelReport", readCancelReport),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      if (m.cancelReport) {
        w.start("oadr:oadrCancelReport");
        writeCancelReport(w, m.cancelReport);
        w.end();
      }
      w.optLeaf("ei:venID", m.venID);
    },
  },
  oadrCancelReport: {
    read: (el) => ({ type: "oadrCancelReport", ...readCancelReport(el) }),
    write: writeCancelReport,
  },
  oadrCanceledReport: {
    read: (el) =>
      compact({
        type: "oadrCanceledReport",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        pendingReports: req(el, oadr, "oadrPendingReports", readPendingReports),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      writePendingReports(w, m.pendingReports);
      w.optLeaf("ei:venID", m.venID);
    },
  },
};
