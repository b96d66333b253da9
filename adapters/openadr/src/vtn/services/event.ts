/** EiEvent on the VTN: oadrRequestEvent (the VEN's full event list) and oadrCreatedEvent (its optIn/optOut). */
import { OadrResponseCode } from "../../codec/index.ts";
import type { EventResponseRecord, VenRecord } from "../records.ts";
import { isoNow, ok, refuse, type Caller, type Msg, type VtnRuntime } from "../runtime.ts";
import { targetFor } from "../targeting.ts";

export function requestEvent(rt: VtnRuntime, msg: Msg<"oadrRequestEvent">, _caller: Caller, ven: VenRecord) {
  return rt.queues.distribute(ven, msg.requestID, msg.replyLimit);
}

/**
 * Records each response for the event's current modification. A response naming an event that does not reach this
 * VEN refuses the whole payload (452) and records nothing; one for an older modification is stale and skipped.
 */
export async function createdEvent(rt: VtnRuntime, msg: Msg<"oadrCreatedEvent">, caller: Caller, ven: VenRecord) {
  const at = isoNow(rt);
  const records: EventResponseRecord[] = [];
  for (const r of msg.eventResponses ?? []) {
    const { eventID, modificationNumber } = r.qualifiedEventID;
    const ev = await rt.state.getEvent(eventID);
    if (!ev || !targetFor(ev, ven, [])) refuse(OadrResponseCode.INVALID_ID, `event ${eventID} was not sent to ${ven.venID}`);
    if (modificationNumber > ev.modificationNumber) {
      refuse(OadrResponseCode.INVALID_ID, `event ${eventID} has no modification ${modificationNumber} (current: ${ev.modificationNumber})`);
    }
    if (modificationNumber < ev.modificationNumber) {
      rt.logger.debug({ venID: ven.venID, eventID, modificationNumber }, "stale event response skipped");
      continue;
    }
    records.push({ eventID, venID: ven.venID, modificationNumber, optType: r.optType, via: "createdEvent", at });
  }
  for (const rec of records) await rt.state.putResponse(rec);
  return ok(msg.eiResponse.requestID, caller.venID);
}
