/**
 * EiOpt on the VTN. An opt naming an event is the VEN's answer to that event (like oadrCreatedEvent); an opt with
 * an availability schedule changes which events reach the VEN (targeting.ts), so the VEN is sent its event list
 * again when that changes.
 */
import { durationMs } from "gridhub/model";
import { OadrResponseCode } from "../../codec/index.ts";
import type { OptRecord, VenRecord } from "../records.ts";
import { isoNow, refuse, type Caller, type Msg, type VtnRuntime } from "../runtime.ts";
import { targetFor } from "../targeting.ts";

/** Whether swapping the VEN's opt list changes what any live event looks like to it. */
async function changesTargeting(rt: VtnRuntime, ven: VenRecord, before: OptRecord[], after: OptRecord[]) {
  const events = await rt.state.liveEvents(rt.now());
  return events.some((ev) => JSON.stringify(targetFor(ev, ven, before)) !== JSON.stringify(targetFor(ev, ven, after)));
}

export async function createOpt(rt: VtnRuntime, msg: Msg<"oadrCreateOpt">, _caller: Caller, ven: VenRecord) {
  const others = (msg.eiTarget.venID ?? []).filter((v) => v !== ven.venID);
  if (others.length) refuse(OadrResponseCode.INVALID_ID, `an opt can only name its own VEN, not ${others.join(", ")}`);
  for (const p of msg.vavailability ?? []) {
    try {
      durationMs(p.duration);
    } catch {
      refuse(OadrResponseCode.INVALID_DATA, `availability duration ${p.duration} is not usable`);
    }
  }
  const q = msg.qualifiedEventID;
  if (q) {
    const ev = await rt.state.getEvent(q.eventID);
    if (!ev || !targetFor(ev, ven, [])) refuse(OadrResponseCode.INVALID_ID, `event ${q.eventID} was not sent to ${ven.venID}`);
  } else if (!msg.vavailability?.length) {
    refuse(OadrResponseCode.INVALID_DATA, "an opt needs a qualifiedEventID or an availability schedule (vavailability)");
  }

  const record: OptRecord = {
    venID: ven.venID,
    optID: msg.optID,
    optType: msg.optType,
    optReason: msg.optReason,
    ...(msg.marketContext !== undefined ? { marketContext: msg.marketContext } : {}),
    ...(msg.vavailability ? { vavailability: msg.vavailability } : {}),
    ...(q ? { qualifiedEventID: q } : {}),
    eiTarget: msg.eiTarget,
    createdDateTime: msg.createdDateTime,
    receivedAt: isoNow(rt),
  };
  const before = await rt.state.optsOf(ven.venID);
  await rt.state.putOpt(record);
  if (q) {
    await rt.state.putResponse({ eventID: q.eventID, venID: ven.venID, modificationNumber: q.modificationNumber,
      optType: msg.optType, via: "opt", optID: msg.optID, at: record.receivedAt });
  } else {
    const after = [...before.filter((o) => o.optID !== msg.optID), record];
    if (await changesTargeting(rt, ven, before, after)) await rt.queues.refreshEvents(ven, `opt:${msg.optID}:${record.receivedAt}`);
  }
  return {
    type: "oadrCreatedOpt",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: msg.requestID },
    optID: msg.optID,
  } satisfies Msg<"oadrCreatedOpt">;
}

export async function cancelOpt(rt: VtnRuntime, msg: Msg<"oadrCancelOpt">, _caller: Caller, ven: VenRecord) {
  const opt = await rt.state.getOpt(ven.venID, msg.optID);
  if (!opt) refuse(OadrResponseCode.INVALID_ID, `${ven.venID} has no opt ${msg.optID}`);
  const before = await rt.state.optsOf(ven.venID);
  await rt.state.deleteOpt(ven.venID, msg.optID);
  if (opt.qualifiedEventID) {
    const response = await rt.state.getResponse(opt.qualifiedEventID.eventID, ven.venID);
    if (response?.optID === opt.optID) await rt.state.deleteResponse(opt.qualifiedEventID.eventID, ven.venID);
  } else if (await changesTargeting(rt, ven, before, before.filter((o) => o.optID !== msg.optID))) {
    await rt.queues.refreshEvents(ven, `cancel-opt:${msg.optID}:${isoNow(rt)}`);
  }
  return {
    type: "oadrCanceledOpt",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: msg.requestID },
    optID: msg.optID,
  } satisfies Msg<"oadrCanceledOpt">;
}
