/** VTN events in time: status from the clock, the oadrEvent a VEN receives, and the hub's event record. */
import { durationMs } from "gridhub/model";
import type { EventRecord } from "gridhub/store";
import type { EiTarget, EventStatus, OadrEvent } from "../codec/index.ts";
import type { VtnEvent } from "./records.ts";

/** Start and end (ms); a zero duration is an open-ended event (it runs until cancelled). */
export function eventWindow(ev: VtnEvent): { start: number; end: number } {
  const start = Date.parse(ev.activePeriod.dtstart);
  const length = durationMs(ev.activePeriod.duration);
  return { start, end: length === 0 ? Number.POSITIVE_INFINITY : start + length };
}

/** far until the ramp-up begins, near during it, active in the window, completed after; cancelled overrides. */
export function eventStatus(ev: VtnEvent, now: number): Exclude<EventStatus, "none"> {
  if (ev.cancelled) return "cancelled";
  const { start, end } = eventWindow(ev);
  if (now >= end) return "completed";
  if (now >= start) return "active";
  const rampUp = ev.activePeriod.rampUp ? durationMs(ev.activePeriod.rampUp) : 0;
  return now >= start - rampUp ? "near" : "far";
}

/** How long a cancelled open-ended event is still sent, so that every VEN hears of the cancellation. */
const CANCELLED_OPEN_ENDED_MS = 24 * 3600_000;

/** Still worth sending: not over yet (a cancelled event is sent until its window would have ended). */
export function isLive(ev: VtnEvent, now: number): boolean {
  const { end } = eventWindow(ev);
  if (ev.cancelled && !Number.isFinite(end)) return Date.parse(ev.modificationDateTime) + CANCELLED_OPEN_ENDED_MS > now;
  return end > now;
}

/** The event as one VEN receives it, with the target narrowed to what concerns that VEN. */
export function toOadrEvent(ev: VtnEvent, now: number, target: EiTarget): OadrEvent {
  return {
    eventDescriptor: {
      eventID: ev.eventID,
      modificationNumber: ev.modificationNumber,
      modificationDateTime: ev.modificationDateTime,
      ...(ev.modificationReason !== undefined ? { modificationReason: ev.modificationReason } : {}),
      ...(ev.priority !== undefined ? { priority: ev.priority } : {}),
      marketContext: ev.marketContext,
      createdDateTime: ev.createdDateTime,
      eventStatus: eventStatus(ev, now),
      ...(ev.testEvent !== undefined ? { testEvent: ev.testEvent } : {}),
      ...(ev.vtnComment !== undefined ? { vtnComment: ev.vtnComment } : {}),
    },
    eiActivePeriod: ev.activePeriod,
    eiEventSignals: ev.signals,
    eiTarget: target,
    responseRequired: ev.responseRequired,
  };
}

export const eventRecordId = (adapter: string, eventID: string) => `openadr:${adapter}:${eventID}`;

export function eventRecord(adapter: string, ev: VtnEvent, now: number): EventRecord {
  const { start, end } = eventWindow(ev);
  return {
    id: eventRecordId(adapter, ev.eventID),
    source: adapter,
    protocol: "openadr",
    ref: ev.eventID,
    modification: ev.modificationNumber,
    state: eventStatus(ev, now),
    start: new Date(start).toISOString(),
    ...(Number.isFinite(end) ? { end: new Date(end).toISOString() } : {}),
    payload: ev,
    updated: new Date(now).toISOString(),
  };
}

/** States of events that may still be sent to VENs. */
export const LIVE_STATES: EventRecord["state"][] = ["pending", "far", "near", "active", "cancelled"];
