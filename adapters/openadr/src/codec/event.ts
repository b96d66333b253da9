/** EiEvent service: oadrRequestEvent, oadrDistributeEvent, oadrCreatedEvent. */
import {
  durationProp,
  formatUint,
  readActivePeriod,
  readEiResponse,
  readEiTarget,
  readItemBase,
  readQualifiedEventID,
  readTiming,
  writeEiResponse,
  writeEiTarget,
  writeItemBase,
  writeProperties,
  writeQualifiedEventID,
  writeTiming,
} from "./common.ts";
import type { PayloadCodecs } from "./family.ts";
import * as lex from "./lexical.ts";
import { NS } from "./namespaces.ts";
import { compact, dateTime, float, many, oneOf, opt, path, req, responseCode, some, str, token, uint } from "./read.ts";
import type { Reader } from "./read.ts";
import type { EventBaseline, EventDescriptor, EventResponse, EventSignal, OadrEvent, SignalInterval } from "./types.ts";
import { eventStatuses, optTypes, responseRequired, signalNames, signalTypes } from "./vocabularies.ts";
import type { XmlWriter } from "gridhub/xml";

const { oadr, pyld, ei, emix, xcal, strm } = NS;

// ---------- readers ----------

const payloadFloat: Reader<number> = (el) => req(el, ei, "payloadFloat", (p) => req(p, ei, "value", float));

const readSignalInterval: Reader<SignalInterval> = (el) =>
  compact({ ...readTiming(el), signalPayload: req(el, ei, "signalPayload", payloadFloat) });

const readSignalIntervals: Reader<SignalInterval[]> = (el) => some(el, ei, "interval", readSignalInterval);

const readEventSignal: Reader<EventSignal> = (el) =>
  compact({
    intervals: req(el, strm, "intervals", readSignalIntervals),
    eiTarget: opt(el, ei, "eiTarget", readEiTarget),
    signalName: req(el, ei, "signalName", oneOf(signalNames)),
    signalType: req(el, ei, "signalType", oneOf(signalTypes)),
    signalID: req(el, ei, "signalID", str),
    itemBase: readItemBase(el),
    currentValue: opt(el, ei, "currentValue", payloadFloat),
  });

const readBaseline: Reader<EventBaseline> = (el) =>
  compact({
    dtstart: req(el, xcal, "dtstart", (d) => req(d, xcal, "date-time", dateTime)),
    duration: req(el, xcal, "duration", durationProp),
    intervals: req(el, strm, "intervals", readSignalIntervals),
    baselineID: req(el, ei, "baselineID", str),
    resourceID: many(el, ei, "resourceID", str),
    baselineName: req(el, ei, "baselineName", str),
    itemBase: readItemBase(el),
  });

const readEventDescriptor: Reader<EventDescriptor> = (el) =>
  compact({
    eventID: req(el, ei, "eventID", str),
    modificationNumber: req(el, ei, "modificationNumber", uint),
    modificationDateTime: opt(el, ei, "modificationDateTime", dateTime),
    modificationReason: opt(el, ei, "modificationReason", str),
    priority: opt(el, ei, "priority", uint),
    marketContext: req(path(el, [ei, "eiMarketContext"]), emix, "marketContext", token),
    createdDateTime: req(el, ei, "createdDateTime", dateTime),
    eventStatus: req(el, ei, "eventStatus", oneOf(eventStatuses)),
    testEvent: opt(el, ei, "testEvent", str),
    vtnComment: opt(el, ei, "vtnComment", str),
  });

const readEvent: Reader<OadrEvent> = (el) => {
  const event = path(el, [ei, "eiEvent"]);
  const signals = path(event, [ei, "eiEventSignals"]);
  return compact({
    eventDescriptor: req(event, ei, "eventDescriptor", readEventDescriptor),
    eiActivePeriod: req(path(event, [ei, "eiActivePeriod"]), xcal, "properties", readActivePeriod),
    eiEventSignals: some(signals, ei, "eiEventSignal", readEventSignal),
    eiEventBaseline: opt(signals, ei, "eiEventBaseline", readBaseline),
    eiTarget: req(event, ei, "eiTarget", readEiTarget),
    responseRequired: req(el, oadr, "oadrResponseRequired", oneOf(responseRequired)),
  });
};

const readEventResponse: Reader<EventResponse> = (el) =>
  compact({
    responseCode: req(el, ei, "responseCode", responseCode),
    responseDescription: opt(el, ei, "responseDescription", str),
    requestID: req(el, pyld, "requestID", str),
    qualifiedEventID: req(el, ei, "qualifiedEventID", readQualifiedEventID),
    optType: req(el, ei, "optType", oneOf(optTypes)),
  });

// ---------- writers ----------

function writeSignalIntervals(w: XmlWriter, intervals: readonly SignalInterval[]): void {
  w.start("strm:intervals");
  for (const iv of w.nonEmpty(intervals, "interval")) {
    w.start("ei:interval");
    writeTiming(w, iv);
    w.start("ei:signalPayload");
    writePayloadFloat(w, iv.signalPayload);
    w.end().end();
  }
  w.end();
}

function writePayloadFloat(w: XmlWriter, value: number): void {
  w.start("ei:payloadFloat").leaf("ei:value", value, lex.formatFloat).end();
}

function writeEventSignal(w: XmlWriter, s: EventSignal): void {
  w.start("ei:eiEventSignal");
  writeSignalIntervals(w, s.intervals);
  if (s.eiTarget) writeEiTarget(w, "ei:eiTarget", s.eiTarget);
  w.leaf("ei:signalName", s.signalName, signalNames.format)
    .leaf("ei:signalType", s.signalType, signalTypes.format)
    .leaf("ei:signalID", s.signalID);
  if (s.itemBase) writeItemBase(w, s.itemBase);
  if (s.currentValue !== undefined) {
    w.start("ei:currentValue");
    writePayloadFloat(w, s.currentValue);
    w.end();
  }
  w.end();
}

function writeBaseline(w: XmlWriter, b: EventBaseline): void {
  w.start("ei:eiEventBaseline");
  writeTiming(w, { dtstart: b.dtstart, duration: b.duration });
  writeSignalIntervals(w, b.intervals);
  w.leaf("ei:baselineID", b.baselineID);
  for (const r of w.list(b.resourceID, "resourceID")) w.leaf("ei:resourceID", r);
  w.leaf("ei:baselineName", b.baselineName);
  if (b.itemBase) writeItemBase(w, b.itemBase);
  w.end();
}

function writeEventDescriptor(w: XmlWriter, d: EventDescriptor): void {
  w.start("ei:eventDescriptor")
    .leaf("ei:eventID", d.eventID)
    .leaf("ei:modificationNumber", d.modificationNumber, formatUint)
    .optLeaf("ei:modificationDateTime", d.modificationDateTime, lex.formatDateTime)
    .optLeaf("ei:modificationReason", d.modificationReason)
    .optLeaf("ei:priority", d.priority, formatUint)
    .start("ei:eiMarketContext")
    .leaf("emix:marketContext", d.marketContext)
    .end()
    .leaf("ei:createdDateTime", d.createdDateTime, lex.formatDateTime)
    .leaf("ei:eventStatus", d.eventStatus, eventStatuses.format)
    .optLeaf("ei:testEvent", d.testEvent)
    .optLeaf("ei:vtnComment", d.vtnComment)
    .end();
}

function writeEvent(w: XmlWriter, e: OadrEvent): void {
  w.start("oadr:oadrEvent").start("ei:eiEvent");
  writeEventDescriptor(w, e.eventDescriptor);
  w.start("ei:eiActivePeriod");
  writeProperties(w, e.eiActivePeriod);
  w.empty("xcal:components").end();
  w.start("ei:eiEventSignals");
  for (const s of w.nonEmpty(e.eiEventSignals, "eiEventSignal")) writeEventSignal(w, s);
  if (e.eiEventBaseline) writeBaseline(w, e.eiEventBaseline);
  w.end();
  writeEiTarget(w, "ei:eiTarget", e.eiTarget);
  w.end().leaf("oadr:oadrResponseRequired", e.responseRequired, responseRequired.format).end();
}

function writeEventResponse(w: XmlWriter, r: EventResponse): void {
  w.start("ei:eventResponse")
    .leaf("ei:responseCode", r.responseCode, lex.formatResponseCode)
    .optLeaf("ei:responseDescription", r.responseDescription)
    .leaf("pyld:requestID", r.requestID);
  writeQualifiedEventID(w, r.qualifiedEventID);
  w.leaf("ei:optType", r.optType, optTypes.format).end();
}

export const eventCodecs: PayloadCodecs<"oadrRequestEvent" | "oadrDistributeEvent" | "oadrCreatedEvent"> = {
  oadrRequestEvent: {
    read(el) {
      const body = path(el, [pyld, "eiRequestEvent"]);
      return compact({
        type: "oadrRequestEvent",
        requestID: req(body, pyld, "requestID", str),
        venID: req(body, ei, "venID", str),
        replyLimit: opt(body, pyld, "replyLimit", uint),
      });
    },
    write(w, m) {
      w.start("pyld:eiRequestEvent")
        .leaf("pyld:requestID", m.requestID)
        .leaf("ei:venID", m.venID)
        .optLeaf("pyld:replyLimit", m.replyLimit, formatUint)
        .end();
    },
  },
  oadrDistributeEvent: {
    read: (el) =>
      compact({
        type: "oadrDistributeEvent",
        eiResponse: opt(el, ei, "eiResponse", readEiResponse),
        requestID: req(el, pyld, "requestID", str),
        vtnID: req(el, ei, "vtnID", str),
        events: many(el, oadr, "oadrEvent", readEvent),
      }),
    write(w, m) {
      if (m.eiResponse) writeEiResponse(w, m.eiResponse);
      w.leaf("pyld:requestID", m.requestID).leaf("ei:vtnID", m.vtnID);
      for (const e of w.list(m.events, "oadrEvent")) writeEvent(w, e);
    },
  },
  oadrCreatedEvent: {
    read(el) {
      const body = path(el, [pyld, "eiCreatedEvent"]);
      return compact({
        type: "oadrCreatedEvent",
        eiResponse: req(body, ei, "eiResponse", readEiResponse),
        eventResponses: opt(body, ei, "eventResponses", (r) => many(r, ei, "eventResponse", readEventResponse)),
        venID: req(body, ei, "venID", str),
      });
    },
    write(w, m) {
      w.start("pyld:eiCreatedEvent");
      writeEiResponse(w, m.eiResponse);
      if (m.eventResponses) {
        w.start("ei:eventResponses");
        for (const r of w.list(m.eventResponses, "eventResponse")) writeEventResponse(w, r);
        w.end();
      }
      w.leaf("ei:venID", m.venID).end();
    },
  },
};
