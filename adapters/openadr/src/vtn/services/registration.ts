/** EiRegisterParty on the VTN: query, create (and re-register), cancel, and the VEN's answers to VTN requests. */
import { randomUUID } from "node:crypto";
import { OadrResponseCode } from "../../codec/index.ts";
import type { VenRecord } from "../records.ts";
import { isoNow, ok, refuse, type Caller, type Msg, type VtnRuntime } from "../runtime.ts";

function created(rt: VtnRuntime, requestID: string, ven?: VenRecord): Msg<"oadrCreatedPartyRegistration"> {
  return {
    type: "oadrCreatedPartyRegistration",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID },
    ...(ven?.registrationID !== undefined ? { registrationID: ven.registrationID, venID: ven.venID } : {}),
    vtnID: rt.config.vtnID,
    profiles: [{ profileName: "2.0b", transports: ["simpleHttp"] }],
    requestedOadrPollFreq: rt.config.pollFrequency,
  };
}

/** Bound on the queue items dropped when a registration ends. */
const DRAIN_LIMIT = 10_000;

const union = (...lists: (string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))];

export async function queryRegistration(rt: VtnRuntime, msg: Msg<"oadrQueryRegistration">, caller: Caller) {
  return created(rt, msg.requestID, await rt.state.getVen(caller.venID));
}

export async function createPartyRegistration(rt: VtnRuntime, msg: Msg<"oadrCreatePartyRegistration">, caller: Caller) {
  if (msg.profileName !== "2.0b") refuse(OadrResponseCode.NOT_ALLOWED, `profile ${msg.profileName} is not offered, only 2.0b`);
  if (msg.transportName !== "simpleHttp") refuse(OadrResponseCode.NOT_ALLOWED, `transport ${msg.transportName} is not offered, only simpleHttp`);
  const push = msg.httpPullModel === false;
  if (push && !/^https:\/\/[^\s/]+/.test(msg.transportAddress ?? "")) {
    refuse(OadrResponseCode.INVALID_DATA, "push registration (httpPullModel=false) needs an https:// oadrTransportAddress");
  }
  const existing = await rt.state.getVen(caller.venID);
  if (msg.registrationID !== undefined && msg.registrationID !== existing?.registrationID) {
    refuse(OadrResponseCode.INVALID_ID, `registrationID ${msg.registrationID} is not this VEN's current registration`);
  }
  const provision = rt.directory.provision(caller.fingerprint);
  const ven: VenRecord = {
    venID: caller.venID,
    fingerprint: caller.fingerprint,
    ...(msg.venName ?? provision?.venName ? { venName: msg.venName ?? provision?.venName } : {}),
    registrationID: msg.registrationID ?? randomUUID(),
    profileName: msg.profileName,
    transportName: msg.transportName,
    ...(push ? { transportAddress: msg.transportAddress } : {}),
    httpPullModel: !push,
    reportOnly: msg.reportOnly,
    xmlSignature: msg.xmlSignature,
    groups: union(existing?.groups, provision?.groups),
    parties: union(existing?.parties, provision?.parties),
    resources: union(existing?.resources, provision?.resources),
    registeredAt: isoNow(rt),
  };
  await rt.state.putVen(ven);
  await rt.store.audit({ actor: caller.fingerprint, action: "openadr.register", target: ven.venID, outcome: "ok",
    detail: { registrationID: ven.registrationID, push, reregistration: msg.registrationID !== undefined } });
  // the VEN's first poll (or push) brings the events that already concern it
  if ((await rt.queues.eventsOf(ven)).length) await rt.queues.refreshEvents(ven, `registered:${ven.registrationID}`);
  return created(rt, msg.requestID, ven);
}

export async function cancelPartyRegistration(rt: VtnRuntime, msg: Msg<"oadrCancelPartyRegistration">, caller: Caller, ven: VenRecord) {
  if (msg.registrationID !== ven.registrationID) {
    refuse(OadrResponseCode.INVALID_ID, `registrationID ${msg.registrationID} is not this VEN's current registration`);
  }
  await endRegistration(rt, ven, caller.fingerprint, "ven");
  return {
    type: "oadrCanceledPartyRegistration",
    eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: msg.requestID },
    registrationID: msg.registrationID,
    venID: ven.venID,
  } satisfies Msg<"oadrCanceledPartyRegistration">;
}

/** Forgets the registration (the VEN keeps its venID, opts and reports) and drops what was queued for it. */
export async function endRegistration(rt: VtnRuntime, ven: VenRecord, actor: string, by: "ven" | "operator") {
  const { registrationID: _gone, ...rest } = ven;
  await rt.state.putVen({ ...rest, cancelledAt: isoNow(rt) });
  let dropped = 0;
  while (dropped < DRAIN_LIMIT && (await rt.state.take(ven.venID))) dropped++;
  await rt.store.audit({ actor, action: "openadr.cancelRegistration", target: ven.venID, outcome: "ok", detail: { by, registrationID: ven.registrationID } });
}

/** The VEN's answers to a VTN-initiated cancellation or re-registration request need no more than an ack. */
export function acknowledged(_rt: VtnRuntime, msg: Msg<"oadrCanceledPartyRegistration"> | Msg<"oadrResponse">, caller: Caller) {
  return ok(msg.eiResponse.requestID, caller.venID);
}
