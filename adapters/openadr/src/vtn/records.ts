/**
 * What the VTN keeps in the store (ctx.store documents, scoped to the adapter instance). Every per-VEN record is
 * keyed `<venID>/<id>`, so a VEN's requests can only ever reach its own records. Events live in the hub's event
 * table (EventRecord.payload is a VtnEvent) so that `gridhub events` and /api/events list them.
 */
import type {
  ActivePeriod, EiTarget, EventSignal, OadrMessage, OptReason, OptType, Period, ProfileName, QualifiedEventID,
  ReportDescription, SpecifierPayload, ResponseRequired, TransportName,
} from "../codec/index.ts";

export const COLLECTIONS = {
  vens: "vens",
  seen: "seen",
  responses: "responses",
  opts: "opts",
  reportSpecs: "report-specs",
  reportRequests: "report-requests",
} as const;

/** `<a>/<b>` with both parts escaped, so that prefixes `<a>/` list exactly one owner's records. */
export const key = (owner: string, id: string) => `${encodeURIComponent(owner)}/${encodeURIComponent(id)}`;
export const ownerPrefix = (owner: string) => `${encodeURIComponent(owner)}/`;

export interface VenRecord {
  venID: string;
  fingerprint: string;
  venName?: string;
  /** Present while the VEN is registered. */
  registrationID?: string;
  profileName: ProfileName;
  transportName: TransportName;
  /** Where the VTN pushes payloads (push VENs only). */
  transportAddress?: string;
  httpPullModel: boolean;
  reportOnly: boolean;
  xmlSignature: boolean;
  /** Event targeting: groupIDs, partyIDs and resourceIDs this VEN answers to (config, operator, METADATA). */
  groups: string[];
  parties: string[];
  resources: string[];
  registeredAt?: string;
  cancelledAt?: string;
}

export const isPush = (v: VenRecord) => v.transportAddress !== undefined && !v.httpPullModel;

/** An event as the VTN issues it; eventStatus is computed from the clock when it is sent. */
export interface VtnEvent {
  eventID: string;
  modificationNumber: number;
  modificationDateTime: string;
  modificationReason?: string;
  createdDateTime: string;
  priority?: number;
  marketContext: string;
  testEvent?: string;
  vtnComment?: string;
  activePeriod: ActivePeriod;
  signals: EventSignal[];
  targets: EventTargets;
  responseRequired: ResponseRequired;
  cancelled: boolean;
}

/** The members of eiTarget the VTN targets by. An empty target means every registered VEN. */
export interface EventTargets {
  venID?: string[];
  groupID?: string[];
  resourceID?: string[];
  partyID?: string[];
}

/** A VEN's answer to one event: oadrCreatedEvent, or oadrCreateOpt naming the event. */
export interface EventResponseRecord {
  eventID: string;
  venID: string;
  modificationNumber: number;
  optType: OptType;
  via: "createdEvent" | "opt";
  optID?: string;
  at: string;
}

/** An oadrCreateOpt as received (schedule or per event). */
export interface OptRecord {
  venID: string;
  optID: string;
  optType: OptType;
  optReason: OptReason;
  marketContext?: string;
  vavailability?: Period[];
  qualifiedEventID?: QualifiedEventID;
  eiTarget: EiTarget;
  createdDateTime: string;
  receivedAt: string;
}

/** A METADATA report a VEN registered: the data points (rIDs) it can report. */
export interface ReportSpecRecord {
  venID: string;
  reportSpecifierID: string;
  reportName?: string;
  descriptions: ReportDescription[];
  registeredAt: string;
}

export type ReportRequestState = "requested" | "active" | "cancelling" | "cancelled";

/** A report the VTN asked a VEN for. */
export interface ReportRequestRecord {
  venID: string;
  reportRequestID: string;
  reportSpecifierID: string;
  reportName?: string;
  /** The data points asked for (ei:specifierPayload). */
  rIDs: SpecifierPayload[];
  granularity: string;
  reportBackDuration: string;
  reportInterval?: Period;
  state: ReportRequestState;
  createdAt: string;
  updatedAt: string;
  lastReportAt?: string;
}

/** An item of a VEN's delivery queue: a full oadrDistributeEvent built when it leaves, or a fixed payload. */
export type Delivery = { kind: "distribute" } | { kind: "message"; message: OadrMessage };

export const venChannel = (venID: string) => `ven:${venID}`;

/** The telemetry series (store.queryTelemetry `device`) holding a VEN's report data; `point` is the rID. */
export const reportSeries = (adapter: string, venID: string) => `openadr-vtn:${adapter}:${venID}`;
