/**
 * An OpenADR event's signals -> the neutral messages that stand for it, through the grid table (signal-map.ts).
 * Intervals follow each other from the (randomized) start. A signal the table does not name is refused with 460,
 * a payload that does not fit (no units, wrong units, out of range) with 454; the caller then changes nothing.
 */
import { durationMs, toDuration, type Quantity, type Ref } from "gridhub/model";
import { OadrResponseCode, type EiTarget, type EventSignal, type OadrEvent } from "../codec/index.ts";
import { VenRefusal } from "./errors.ts";
import type { SignalAction, SignalMap, SignalValue } from "./signal-map.ts";
import { scopeOf } from "./targets.ts";
import { iso, msOf } from "./time.ts";
import { quantityOf } from "./units.ts";

export type PlannedType = "LoadGenerationManagement" | "PriceEnvironmentProfile" | "TemperatureProfile" | "Emergency";

export interface PlannedMessage {
  /** origin ref: the eventID for the first message of an event, eventID/n for the others */
  ref: string;
  type: PlannedType;
  body: Record<string, unknown>;
  targets: Ref[];
  validity: { start: string; end: string };
}

export interface EventWindow { start: number; end: number }

interface PlacedInterval { start: number; end: number; payload: number }

const invalid = (msg: string) => new VenRefusal(OadrResponseCode.INVALID_DATA, msg);
const round = (v: number) => Math.round(v * 1e6) / 1e6;

function place(signal: EventSignal, win: EventWindow): PlacedInterval[] {
  let cursor = win.start;
  return signal.intervals.flatMap((i) => {
    const ms = msOf(i.duration);
    if (!(ms > 0)) throw invalid(`signal ${signal.signalID}: interval ${i.uid ?? "?"} has no positive duration`);
    if (!Number.isFinite(i.signalPayload)) throw invalid(`signal ${signal.signalID}: payload ${i.signalPayload} is not a number`);
    const start = cursor;
    cursor += ms;
    return start < win.end ? [{ start, end: Math.min(cursor, win.end), payload: i.signalPayload }] : [];
  });
}

function slotValue(value: SignalValue, payload: number, signal: EventSignal): Record<string, number | Quantity> {
  const scaled = round(payload * value.scale);
  if (value.to === "relative") {
    if (scaled < -100 || scaled > 100) throw invalid(`signal ${signal.signalID}: ${scaled} % is outside -100..100`);
    return { relative: scaled };
  }
  let q: Quantity;
  try {
    q = quantityOf(scaled, signal.itemBase, value.unit);
  } catch (e) {
    throw invalid(`signal ${signal.signalID}: ${(e as Error).message}`);
  }
  const wanted = { power: "W", price: "currency/kWh", setpoint: "degC" }[value.to];
  if (q.unit !== wanted) throw invalid(`signal ${signal.signalID}: a ${value.to} needs ${wanted}, the signal is in ${q.unit}`);
  return { [value.to]: q };
}

function build(action: Exclude<SignalAction, { message: "none" }>, run: PlacedInterval[], signal: EventSignal, targets: Ref[],
  ev: OadrEvent, building: string, withValue: boolean): Omit<PlannedMessage, "ref"> {
  const validity = { start: iso(run[0]!.start), end: iso(run[run.length - 1]!.end) };
  const slots = (extra: (i: PlacedInterval) => Record<string, unknown>) =>
    run.map((i) => ({ duration: toDuration(i.end - i.start), ...extra(i) }));
  const value = (i: PlacedInterval) => ("value" in action && action.value && withValue ? slotValue(action.value, i.payload, signal) : {});
  const scope = scopeOf(targets, building);
  switch (action.message) {
    case "LoadGenerationManagement": {
      const { rampUp, recovery } = ev.eiActivePeriod;
      return { type: action.message, targets, validity, body: {
        scope, direction: action.direction, request: action.request, urgency: action.urgency, mandatory: action.mandatory,
        slots: slots(value),
        ...(rampUp ? { rampUp: { duration: toDuration(durationMs(rampUp)) } } : {}),
        ...(recovery ? { rampDown: { duration: toDuration(durationMs(recovery)) } } : {}),
      } };
    }
    case "PriceEnvironmentProfile":
      return { type: action.message, targets, validity, body: {
        tariffKind: action.tariffKind, flow: action.flow, slots: slots((i) => ({ binding: action.binding, ...value(i) })),
      } };
    case "TemperatureProfile":
      return { type: action.message, targets, validity, body: { scope, slots: slots(value) } };
    case "Emergency":
      return { type: action.message, targets, validity, body: {
        phase: "start", mode: action.mode, ...(action.level !== undefined ? { level: action.level } : {}),
      } };
  }
}

const hasTargets = (t: EiTarget | undefined) => !!t && Object.values(t).some((v) => Array.isArray(v) && v.length > 0);

/** The neutral messages for one event in its window; throws VenRefusal (460, 454, 462) when it cannot be followed. */
export function planEvent(ev: OadrEvent, win: EventWindow, table: SignalMap, targetsOf: (t: EiTarget | undefined) => Ref[], building: string): PlannedMessage[] {
  const eventTargets = targetsOf(ev.eiTarget);
  const planned: Omit<PlannedMessage, "ref">[] = [];
  for (const signal of ev.eiEventSignals) {
    const rule = table.signals[signal.signalName]?.[signal.signalType];
    if (!rule) {
      throw new VenRefusal(OadrResponseCode.SIGNAL_NOT_SUPPORTED, `signal ${signal.signalName}/${signal.signalType} is not supported by this VEN`);
    }
    const targets = hasTargets(signal.eiTarget) ? targetsOf(signal.eiTarget) : eventTargets;
    const intervals = place(signal, win);
    if (!("levels" in rule)) {
      if (rule.message !== "none" && intervals.length) planned.push(build(rule, intervals, signal, targets, ev, building, true));
      continue;
    }
    const runs: { action: SignalAction; intervals: PlacedInterval[] }[] = [];
    for (const i of intervals) {
      const action = Number.isInteger(i.payload) ? rule.levels[String(i.payload)] : undefined;
      if (!action) throw new VenRefusal(OadrResponseCode.SIGNAL_NOT_SUPPORTED, `signal ${signal.signalName}: level ${i.payload} is not supported`);
      const last = runs[runs.length - 1];
      if (last && last.action === action) last.intervals.push(i);
      else runs.push({ action, intervals: [i] });
    }
    for (const run of runs) {
      if (run.action.message !== "none") planned.push(build(run.action, run.intervals, signal, targets, ev, building, false));
    }
  }
  const id = ev.eventDescriptor.eventID;
  return planned.map((p, n) => ({ ref: n === 0 ? id : `${id}/${n}`, ...p }));
}
