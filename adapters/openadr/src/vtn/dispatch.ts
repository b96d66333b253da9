/**
 * The VTN's request handler: who is calling, may they, and which service answers. The caller is the VEN bound to
 * the verified client certificate (directory.ts). A payload that presents any other venID is refused with 452 and
 * an audit line; a VEN that is not registered may only query, register, or acknowledge a cancellation (463 else).
 * Every record a service touches is looked up under the caller's venID, so a VEN never reaches another's.
 */
import { OadrResponseCode, type OadrMessage } from "../codec/index.ts";
import type { VenRecord } from "./records.ts";
import { refuse, type Caller, type VtnRuntime } from "./runtime.ts";
import * as event from "./services/event.ts";
import * as opt from "./services/opt.ts";
import * as registration from "./services/registration.ts";
import * as report from "./services/report.ts";

/** Payloads a VEN may send while it is not registered. */
const WITHOUT_REGISTRATION = new Set<OadrMessage["type"]>([
  "oadrQueryRegistration", "oadrCreatePartyRegistration", "oadrCanceledPartyRegistration", "oadrResponse",
]);

/** How often (at most) a VEN's last-seen time is written, per process. */
const SEEN_WRITE_MS = 60_000;

const presentedVenID = (m: OadrMessage): string | undefined => ("venID" in m && typeof m.venID === "string" ? m.venID : undefined);

export class VtnDispatcher {
  private readonly seenWritten = new Map<string, number>();
  requests = 0;
  refused = 0;

  constructor(private readonly rt: VtnRuntime) {}

  /** Answers one payload from the VEN holding the certificate with this OpenADR fingerprint. */
  async handle(message: OadrMessage, fingerprint: string): Promise<OadrMessage | undefined> {
    this.requests++;
    try {
      return await this.route(message, await this.caller(message, fingerprint));
    } catch (err) {
      this.refused++;
      throw err;
    }
  }

  private async caller(message: OadrMessage, fingerprint: string): Promise<Caller> {
    const venID = this.rt.directory.venIDFor(fingerprint);
    if (venID === undefined) {
      await this.rt.store.audit({ actor: fingerprint, action: "openadr.unknownCertificate", outcome: "refused", detail: { payload: message.type } });
      refuse(OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED, "this certificate is not provisioned on this VTN");
    }
    const presented = presentedVenID(message);
    if (presented !== undefined && presented !== venID) {
      await this.rt.store.audit({ actor: fingerprint, action: "openadr.venIDMismatch", target: presented, outcome: "refused",
        detail: { payload: message.type, boundVenID: venID } });
      this.rt.logger.warn({ fingerprint, presented, bound: venID, payload: message.type }, "VEN presented another venID");
      refuse(OadrResponseCode.INVALID_ID, `venID ${presented} is not the venID bound to this certificate`);
    }
    return { fingerprint, venID };
  }

  private async registered(caller: Caller, type: OadrMessage["type"]): Promise<VenRecord> {
    return this.checkRegistered(caller, await this.rt.state.getVen(caller.venID), type);
  }

  private async checkRegistered(caller: Caller, ven: VenRecord | undefined, type: OadrMessage["type"]): Promise<VenRecord> {
    if (ven?.registrationID === undefined) {
      refuse(OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED, `${caller.venID} is not registered (${type} refused)`);
    }
    const now = this.rt.now();
    if ((this.seenWritten.get(ven.venID) ?? 0) + SEEN_WRITE_MS <= now) {
      this.seenWritten.set(ven.venID, now);
      await this.rt.state.markSeen(ven.venID, new Date(now).toISOString());
    }
    return ven;
  }

  /**
   * oadrPoll: the next queued payload. A VEN whose registration the operator ended may still poll until it has
   * collected the oadrCancelPartyRegistration waiting for it.
   */
  private async poll(caller: Caller): Promise<OadrMessage> {
    const ven = await this.rt.state.getVen(caller.venID);
    if (ven && ven.registrationID === undefined) {
      const last = await this.rt.queues.next(ven);
      if (last) return last;
    }
    const registered = await this.checkRegistered(caller, ven, "oadrPoll");
    return (await this.rt.queues.next(registered)) ?? pollIdle(caller.venID);
  }

  private async route(m: OadrMessage, caller: Caller): Promise<OadrMessage | undefined> {
    const { rt } = this;
    if (WITHOUT_REGISTRATION.has(m.type)) {
      switch (m.type) {
        case "oadrQueryRegistration": return registration.queryRegistration(rt, m, caller);
        case "oadrCreatePartyRegistration": return registration.createPartyRegistration(rt, m, caller);
        case "oadrCanceledPartyRegistration":
        case "oadrResponse": return registration.acknowledged(rt, m, caller);
      }
    }
    if (m.type === "oadrPoll") return this.poll(caller);
    const ven = await this.registered(caller, m.type);
    switch (m.type) {
      case "oadrCancelPartyRegistration": return registration.cancelPartyRegistration(rt, m, caller, ven);
      case "oadrRequestEvent": return event.requestEvent(rt, m, caller, ven);
      case "oadrCreatedEvent": return event.createdEvent(rt, m, caller, ven);
      case "oadrRegisterReport": return report.registerReport(rt, m, caller, ven);
      case "oadrRegisteredReport": return report.registeredReport(rt, m, caller);
      case "oadrCreateReport": return report.createReport(rt, m, caller);
      case "oadrCreatedReport": return report.createdReport(rt, m, caller, ven);
      case "oadrUpdateReport": return report.updateReport(rt, m, caller, ven);
      case "oadrCancelReport": return report.cancelReport(rt, m, caller);
      case "oadrCanceledReport": return report.canceledReport(rt, m, caller, ven);
      case "oadrCreateOpt": return opt.createOpt(rt, m, caller, ven);
      case "oadrCancelOpt": return opt.cancelOpt(rt, m, caller, ven);
      default: return refuse(OadrResponseCode.NOT_RECOGNIZED, `a VTN does not accept ${m.type}`);
    }
  }
}

/** The oadrPoll answer when nothing is pending. */
function pollIdle(venID: string): OadrMessage {
  return { type: "oadrResponse", eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID: "" }, venID };
}
