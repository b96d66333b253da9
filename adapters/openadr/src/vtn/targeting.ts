/**
 * Which VENs an event reaches, and with which eiTarget. An event names venIDs, groupIDs, partyIDs and resourceIDs;
 * a VEN is targeted when any of them is its own (an empty target reaches every VEN). Opt schedules (oadrCreateOpt
 * without an event) then apply to the events issued (created or modified) after the VEN declared them: an optOut
 * window overlapping the event removes the whole VEN when the opt names no resources, or those resources otherwise;
 * a VEN targeted only through resources that all opted out is not sent it. An event the VEN already holds is not
 * withdrawn by a later schedule (the VEN applies its own schedule to it; withdrawing it would be an implied cancel
 * that a cancelled schedule could not undo).
 * The target a VEN receives carries only its own IDs, never other VENs': its venID when the event is for the whole
 * VEN (named, or through a VTN-side groupID/partyID, which mean nothing to the VEN itself), and the resourceIDs
 * (which the VEN defined in its METADATA) when the event is for some of its resources.
 */
import { durationMs } from "gridhub/model";
import type { EiTarget } from "../codec/index.ts";
import { eventWindow } from "./events.ts";
import type { OptRecord, VenRecord, VtnEvent } from "./records.ts";

const common = (wanted: string[] | undefined, have: string[]) => (wanted ?? []).filter((x) => have.includes(x));

function overlaps(opt: OptRecord, ev: VtnEvent): boolean {
  const { start, end } = eventWindow(ev);
  return (opt.vavailability ?? []).some((p) => {
    const from = Date.parse(p.dtstart);
    const to = from + durationMs(p.duration);
    return from < end && start < to;
  });
}

/** The opt-out schedules of a VEN that overlap the event (whenever they were declared). */
export function optOutsFor(ev: VtnEvent, opts: OptRecord[]): OptRecord[] {
  return opts.filter((o) => o.optType === "optOut" && !o.qualifiedEventID && overlaps(o, ev));
}

/** The eiTarget this VEN receives the event with, or undefined when the event does not reach it. */
export function targetFor(ev: VtnEvent, ven: VenRecord, opts: OptRecord[]): EiTarget | undefined {
  const t = ev.targets;
  const everyone = !t.venID?.length && !t.groupID?.length && !t.partyID?.length && !t.resourceID?.length;
  const named = t.venID?.includes(ven.venID) ?? false;
  const whole = everyone || named || common(t.groupID, ven.groups).length > 0 || common(t.partyID, ven.parties).length > 0;
  let resources = common(t.resourceID, ven.resources);
  if (!whole && resources.length === 0) return undefined;

  const issued = Date.parse(ev.modificationDateTime);
  const outs = optOutsFor(ev, opts).filter((o) => Date.parse(o.receivedAt) <= issued);
  if (outs.some((o) => !o.eiTarget.resourceID?.length)) return undefined;
  const optedOut = new Set(outs.flatMap((o) => o.eiTarget.resourceID ?? []));
  resources = resources.filter((r) => !optedOut.has(r));
  if (!whole && resources.length === 0) return undefined;

  return {
    ...(whole ? { venID: [ven.venID] } : {}),
    ...(resources.length ? { resourceID: resources } : {}),
  };
}
