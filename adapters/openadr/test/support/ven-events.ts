/** Builders for the VTN side of the VEN's tests: events, signals, report requests. */
import type { EiTarget, EventSignal, ItemBase, OadrEvent, ReportRequest } from "../../src/codec/index.ts";

export const xcal = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
export const seconds = (ms: number) => `PT${Math.round(ms / 1000)}S`;

export function simple(levels: number[], seconds = 60): EventSignal {
  return {
    signalName: "SIMPLE", signalType: "level", signalID: "sig-simple",
    intervals: levels.map((l, i) => ({ duration: `PT${seconds}S`, uid: String(i), signalPayload: l })),
  };
}

export function signal(signalName: EventSignal["signalName"], signalType: EventSignal["signalType"], payloads: number[], itemBase?: ItemBase, seconds = 2): EventSignal {
  return {
    signalName, signalType, signalID: `sig-${signalName}-${signalType}`,
    intervals: payloads.map((p, i) => ({ duration: `PT${seconds}S`, uid: String(i), signalPayload: p })),
    ...(itemBase ? { itemBase } : {}),
  };
}

export interface EventSpec {
  id: string;
  mod?: number;
  /** start, epoch ms (whole seconds are sent) */
  start: number;
  durationS: number;
  signals: EventSignal[];
  status?: OadrEvent["eventDescriptor"]["eventStatus"];
  responseRequired?: OadrEvent["responseRequired"];
  target?: EiTarget;
  startafter?: string;
  rampUp?: string;
  marketContext?: string;
}

export function event(s: EventSpec): OadrEvent {
  return {
    eventDescriptor: {
      eventID: s.id, modificationNumber: s.mod ?? 0, marketContext: s.marketContext ?? "http://market.example.com/dr",
      createdDateTime: xcal(Date.now()), eventStatus: s.status ?? "far", priority: 1,
    },
    eiActivePeriod: {
      dtstart: xcal(s.start), duration: `PT${s.durationS}S`,
      ...(s.startafter ? { startafter: s.startafter } : {}), ...(s.rampUp ? { rampUp: s.rampUp } : {}),
    },
    eiEventSignals: s.signals,
    eiTarget: s.target ?? {},
    responseRequired: s.responseRequired ?? "always",
  };
}

/** Whole seconds from now (xcal times are sent without milliseconds). */
export const secondsFromNow = (s: number) => Math.ceil(Date.now() / 1000) * 1000 + s * 1000;

export function reportRequest(id: string, specifier: string, rIDs: string[], granularity = "PT1S", reportBack = "PT1S",
  interval?: { dtstart: string; duration: string }): ReportRequest {
  return {
    reportRequestID: id,
    reportSpecifier: {
      reportSpecifierID: specifier, granularity, reportBackDuration: reportBack,
      ...(interval ? { reportInterval: interval } : {}),
      specifierPayloads: rIDs.map((rID) => ({ rID, readingType: "Direct Read" as const })),
    },
  };
}
