/**
 * Payloads the VTN starts (pushed to the VEN's endpoint, or returned by oadrPoll), each answered the same way in
 * both modes: push returns the answer in the HTTP reply, pull POSTs it to the service. oadrDistributeEvent has no
 * direct answer (its oadrCreatedEvent goes out on its own). Payloads for another VEN (452), from a VEN not yet
 * registered (463) or that a VEN never receives (453) are refused without effect.
 */
import { OadrResponseCode, type OadrMessage, type ServiceName } from "../codec/index.ts";
import { VenRefusal } from "./errors.ts";
import type { EventService } from "./events.ts";
import type { Outgoing } from "./outbox.ts";
import type { Registration } from "./registration.ts";
import type { ReportService } from "./reports.ts";

export interface DispatchDeps {
  registration(): Registration | undefined;
  events: EventService;
  reports: ReportService;
  /** the VTN asked for a new registration (runs after the answer is sent) */
  reregister(): Promise<void>;
  /** the VTN cancelled the registration (runs after the answer is sent) */
  unregistered(): Promise<void>;
}

export interface Dispatched {
  answer?: Outgoing;
  /** what to do once the answer is on its way */
  after?: () => Promise<void>;
}

/** The service a payload travels on (for a pull-mode answer). */
export const SERVICE_OF: Partial<Record<OadrMessage["type"], ServiceName>> = {
  oadrDistributeEvent: "EiEvent",
  oadrCreateReport: "EiReport", oadrCancelReport: "EiReport", oadrRegisterReport: "EiReport", oadrUpdateReport: "EiReport",
  oadrRequestReregistration: "EiRegisterParty", oadrCancelPartyRegistration: "EiRegisterParty",
};

const requestIDOf = (m: OadrMessage) => ("requestID" in m && typeof m.requestID === "string" ? m.requestID : "");

/** An oadrResponse carrying a refusal, for the service the refused payload came on. */
export function refusal(m: OadrMessage, err: VenRefusal, venID: string | undefined): Outgoing {
  return {
    service: SERVICE_OF[m.type] ?? "EiEvent",
    message: { type: "oadrResponse", eiResponse: { responseCode: err.code, responseDescription: err.message, requestID: requestIDOf(m) }, ...(venID ? { venID } : {}) },
  };
}

export async function dispatch(m: OadrMessage, d: DispatchDeps): Promise<Dispatched> {
  const reg = d.registration();
  if (!reg) throw new VenRefusal(OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED, "this VEN is not registered");
  const { venID } = reg;
  if ("venID" in m && m.venID !== undefined && m.venID !== venID) {
    throw new VenRefusal(OadrResponseCode.INVALID_ID, `venID ${m.venID} is not this VEN (${venID})`);
  }
  const ok = (requestID: string) => ({ responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID });
  const refused = (requestID: string, err: unknown) => {
    if (!(err instanceof VenRefusal)) throw err;
    return { responseCode: err.code, responseDescription: err.message, requestID };
  };
  switch (m.type) {
    case "oadrDistributeEvent":
      if (m.vtnID !== reg.vtnID) throw new VenRefusal(OadrResponseCode.INVALID_ID, `vtnID ${m.vtnID} is not this VEN's VTN (${reg.vtnID})`);
      await d.events.receive(m);
      return {};
    case "oadrCreateReport": {
      const eiResponse = await d.reports.create(m.reportRequests).then(() => ok(m.requestID), (err) => refused(m.requestID, err));
      return { answer: { service: "EiReport", message: { type: "oadrCreatedReport", eiResponse, pendingReports: d.reports.pending(), venID } } };
    }
    case "oadrCancelReport": {
      const eiResponse = await d.reports.cancel(m.reportRequestIDs, m.reportToFollow).then(() => ok(m.requestID), (err) => refused(m.requestID, err));
      return { answer: { service: "EiReport", message: { type: "oadrCanceledReport", eiResponse, pendingReports: d.reports.pending(), venID } } };
    }
    case "oadrRegisterReport":
      // the VTN's own reports: acknowledged (2.0b wants an oadrRegisteredReport even when it requests nothing)
      return { answer: { service: "EiReport", message: { type: "oadrRegisteredReport", eiResponse: ok(m.requestID), reportRequests: [], venID } } };
    case "oadrRequestReregistration":
      return {
        answer: { service: "EiRegisterParty", message: { type: "oadrResponse", eiResponse: ok(""), venID } },
        after: d.reregister,
      };
    case "oadrCancelPartyRegistration":
      if (m.registrationID !== reg.registrationID) {
        throw new VenRefusal(OadrResponseCode.INVALID_ID, `registrationID ${m.registrationID} is not this VEN's (${reg.registrationID})`);
      }
      return {
        answer: { service: "EiRegisterParty", message: {
          type: "oadrCanceledPartyRegistration", eiResponse: ok(m.requestID), registrationID: reg.registrationID, venID,
        } },
        after: d.unregistered,
      };
    case "oadrUpdateReport":
      throw new VenRefusal(OadrResponseCode.INVALID_ID, "this VEN requested no reports from the VTN");
    default:
      throw new VenRefusal(OadrResponseCode.NOT_RECOGNIZED, `${m.type} is not a payload a VTN sends to a VEN`);
  }
}
