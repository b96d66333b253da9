/**
 * Typed model of the OpenADR 2.0b payloads (oadr_20b.xsd). Naming: XML local names, with the "oadr"
 * prefix dropped from fields (oadrReportOnly -> reportOnly) and wrapper elements flattened where they
 * carry nothing else (eiMarketContext/marketContext -> marketContext, xcal:uid/text -> uid).
 * Repeated elements are arrays, always present (empty when absent), except the members of EiTarget,
 * which are omitted when empty. An optional wrapper of a list (eventResponses, vavailability,
 * oadrServiceSpecificInfo, ...) is an optional array: present exactly when the wrapper is.
 * Date-times and durations are the XML strings; numbers are numbers; xs:string values are verbatim.
 */

export type DateTime = string;
export type Duration = string;
/** "x-" prefixed values where the schema allows extending an enumeration. */
export type Extension = `x-${string}`;

// ---------- Enumerations ----------

export const EVENT_STATUSES = ["none", "far", "near", "active", "completed", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const RESPONSE_REQUIRED = ["always", "never"] as const;
export type ResponseRequired = (typeof RESPONSE_REQUIRED)[number];

export const SIGNAL_NAMES = [
  "SIMPLE", "simple", "ELECTRICITY_PRICE", "ENERGY_PRICE", "DEMAND_CHARGE", "BID_PRICE", "BID_LOAD", "BID_ENERGY",
  "CHARGE_STATE", "LOAD_DISPATCH", "LOAD_CONTROL",
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number] | Extension;

export const SIGNAL_TYPES = [
  "delta", "level", "multiplier", "price", "priceMultiplier", "priceRelative", "setpoint", "x-loadControlCapacity",
  "x-loadControlLevelOffset", "x-loadControlPercentOffset", "x-loadControlSetpoint",
] as const;
/** Closed enumeration (the x- values are part of it, not an extension point). */
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const OPT_TYPES = ["optIn", "optOut"] as const;
export type OptType = (typeof OPT_TYPES)[number];

export const OPT_REASONS = [
  "economic", "emergency", "mustRun", "notParticipating", "outageRunStatus", "overrideStatus", "participating",
  "x-schedule",
] as const;
export type OptReason = (typeof OPT_REASONS)[number] | Extension;

export const REPORT_NAMES = [
  "METADATA_HISTORY_USAGE", "HISTORY_USAGE", "METADATA_HISTORY_GREENBUTTON", "HISTORY_GREENBUTTON",
  "METADATA_TELEMETRY_USAGE", "TELEMETRY_USAGE", "METADATA_TELEMETRY_STATUS", "TELEMETRY_STATUS",
] as const;
export type ReportName = (typeof REPORT_NAMES)[number] | Extension;

export const REPORT_TYPES = [
  "reading", "usage", "demand", "setPoint", "deltaUsage", "deltaSetPoint", "deltaDemand", "baseline", "deviation",
  "avgUsage", "avgDemand", "operatingState", "upRegulationCapacityAvailable", "downRegulationCapacityAvailable",
  "regulationSetpoint", "storedEnergy", "targetEnergyStorage", "availableEnergyStorage", "price", "level",
  "powerFactor", "percentUsage", "percentDemand", "x-resourceStatus",
] as const;
export type ReportType = (typeof REPORT_TYPES)[number] | Extension;

export const READING_TYPES = [
  "Direct Read", "Net", "Allocated", "Estimated", "Summed", "Derived", "Mean", "Peak", "Hybrid", "Contract",
  "Projected", "x-RMS", "x-notApplicable",
] as const;
export type ReadingType = (typeof READING_TYPES)[number] | Extension;

export const DATA_QUALITIES = [
  "No Quality - No Value", "No New Value - Previous Value Used", "Quality Bad - Non Specific",
  "Quality Bad - Configuration Error", "Quality Bad - Not Connected", "Quality Bad - Device Failure",
  "Quality Bad - Sensor Failure", "Quality Bad - Last Known Value", "Quality Bad - Comm Failure",
  "Quality Bad - Out of Service", "Quality Uncertain - Non Specific", "Quality Uncertain - Last Usable Value",
  "Quality Uncertain - Sensor Not Accurate", "Quality Uncertain - EU Units Exceeded", "Quality Uncertain - Sub Normal",
  "Quality Good - Non Specific", "Quality Good - Local Override", "Quality Limit - Field/Not",
  "Quality Limit - Field/Low", "Quality Limit - Field/High", "Quality Limit - Field/Constant",
] as const;
export type DataQuality = (typeof DATA_QUALITIES)[number] | Extension;

export const PROFILE_NAMES = ["2.0a", "2.0b"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const TRANSPORT_NAMES = ["simpleHttp", "xmpp"] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

export const SERVICE_NAMES = ["EiEvent", "EiOpt", "EiReport", "EiRegisterParty", "OadrPoll"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SI_SCALE_CODES = ["p", "n", "micro", "m", "c", "d", "k", "M", "G", "T", "none"] as const;
export type SiScaleCode = (typeof SI_SCALE_CODES)[number];

// ---------- Shared structures ----------

/** ei:eiResponse. */
export interface EiResponse {
  /** 3-digit code, see OadrResponseCode. */
  responseCode: number;
  responseDescription?: string;
  requestID: string;
}

/** ei:qualifiedEventID. */
export interface QualifiedEventID {
  eventID: string;
  modificationNumber: number;
}

/** gml:FeatureCollection as used by emix:serviceArea and power:serviceLocation (one polygon). */
export interface FeatureCollection {
  /** gml:id of the collection. */
  id?: string;
  /** gml:id of the polygon. */
  polygonId?: string;
  /** Exterior ring coordinates (gml:posList). */
  posList: number[];
}

/** ei:eiTarget (ei:EiTargetType; also reportSubject, reportDataSource, oadrDeviceClass). Empty lists are omitted. */
export interface EiTarget {
  /** power:aggregatedPnode/node */
  aggregatedPnode?: string[];
  /** power:endDeviceAsset/mrid */
  endDeviceAsset?: string[];
  /** power:meterAsset/mrid */
  meterAsset?: string[];
  /** power:pnode/node */
  pnode?: string[];
  serviceArea?: FeatureCollection[];
  /** power:serviceDeliveryPoint/node */
  serviceDeliveryPoint?: string[];
  serviceLocation?: FeatureCollection[];
  transportInterface?: { pointOfReceipt: string; pointOfDelivery: string }[];
  groupID?: string[];
  groupName?: string[];
  resourceID?: string[];
  venID?: string[];
  partyID?: string[];
}

/** power:powerAttributes. */
export interface PowerAttributes {
  hertz: number;
  voltage: number;
  ac: boolean;
}

/**
 * emix:itemBase (the units of a signal or report data point). `kind` is the substitution element's
 * name. Fields the schema fixes (e.g. itemDescription "RealPower", itemUnits "Wh") are written by the
 * serializer and not carried here.
 */
export type ItemBase =
  | { kind: "powerReal"; itemUnits: "W" | "J/s"; siScaleCode: SiScaleCode; powerAttributes: PowerAttributes }
  | { kind: "powerApparent" | "powerReactive"; siScaleCode: SiScaleCode; powerAttributes: PowerAttributes }
  | {
      kind: "energyReal" | "energyApparent" | "energyReactive" | "voltage" | "current" | "frequency" | "Therm";
      siScaleCode: SiScaleCode;
    }
  | { kind: "temperature"; itemUnits: "celsius" | "fahrenheit"; siScaleCode: SiScaleCode }
  | {
      kind: "currency" | "currencyPerKWh" | "currencyPerKW" | "currencyPerThm";
      itemDescription: "currency" | "currencyPerKW" | "currencyPerKWh";
      /** ISO 4217 alpha code, e.g. "USD". */
      itemUnits: string;
      siScaleCode: SiScaleCode;
    }
  | { kind: "customUnit"; itemDescription: string; itemUnits: string; siScaleCode: SiScaleCode }
  | { kind: "pulseCount"; /** kWh per count */ pulseFactor: number };

export type ItemBaseKind = ItemBase["kind"];

/** xcal:dtstart + xcal:duration (xcal:properties of an availability window or report interval). */
export interface Period {
  dtstart: DateTime;
  duration: Duration;
}

/** ei:eiActivePeriod/xcal:properties. */
export interface ActivePeriod extends Period {
  /** xcal:tolerance/tolerate/startafter: start randomization window. */
  startafter?: Duration;
  /** ei:x-eiNotification */
  notification?: Duration;
  /** ei:x-eiRampUp */
  rampUp?: Duration;
  /** ei:x-eiRecovery */
  recovery?: Duration;
}

// ---------- EiEvent ----------

/** ei:eventDescriptor. */
export interface EventDescriptor {
  eventID: string;
  modificationNumber: number;
  modificationDateTime?: DateTime;
  modificationReason?: string;
  priority?: number;
  /** ei:eiMarketContext/emix:marketContext (URI). */
  marketContext: string;
  createdDateTime: DateTime;
  eventStatus: EventStatus;
  /** xs:string in the schema: "false" or absent for a normal event, anything else marks a test event. */
  testEvent?: string;
  vtnComment?: string;
}

/** ei:interval of an event signal or baseline. */
export interface SignalInterval {
  dtstart?: DateTime;
  duration?: Duration;
  /** xcal:uid/text */
  uid?: string;
  /** ei:signalPayload/payloadFloat/value (the first, OpenADR 2.0b sends exactly one). */
  signalPayload: number;
}

/** ei:eiEventSignal. */
export interface EventSignal {
  /** strm:intervals (at least one). */
  intervals: SignalInterval[];
  eiTarget?: EiTarget;
  signalName: SignalName;
  signalType: SignalType;
  signalID: string;
  itemBase?: ItemBase;
  /** ei:currentValue/payloadFloat/value */
  currentValue?: number;
}

/** ei:eiEventBaseline. */
export interface EventBaseline {
  dtstart: DateTime;
  duration: Duration;
  intervals: SignalInterval[];
  baselineID: string;
  resourceID: string[];
  baselineName: string;
  itemBase?: ItemBase;
}

/** oadr:oadrEvent: ei:eiEvent plus oadrResponseRequired. */
export interface OadrEvent {
  eventDescriptor: EventDescriptor;
  eiActivePeriod: ActivePeriod;
  /** ei:eiEventSignals/eiEventSignal (at least one). */
  eiEventSignals: EventSignal[];
  /** ei:eiEventSignals/eiEventBaseline */
  eiEventBaseline?: EventBaseline;
  eiTarget: EiTarget;
  responseRequired: ResponseRequired;
}

/** ei:eventResponses/eventResponse. */
export interface EventResponse {
  responseCode: number;
  responseDescription?: string;
  requestID: string;
  qualifiedEventID: QualifiedEventID;
  optType: OptType;
}

// ---------- EiReport ----------

/** oadr:oadrSamplingRate. */
export interface SamplingRate {
  minPeriod: Duration;
  maxPeriod: Duration;
  onChange: boolean;
}

/** oadr:oadrReportDescription: one data point of a metadata report. */
export interface ReportDescription {
  rID: string;
  reportSubject?: EiTarget;
  reportDataSource?: EiTarget;
  reportType: ReportType;
  itemBase?: ItemBase;
  readingType: ReadingType;
  marketContext?: string;
  samplingRate?: SamplingRate;
}

/** oadr:oadrLoadControlState member (oadrCapacity, oadrLevelOffset, ...). */
export interface LoadControlStateValue {
  min?: number;
  max?: number;
  current: number;
  normal?: number;
}

/** oadr:oadrPayloadResourceStatus (TELEMETRY_STATUS data). */
export interface ResourceStatus {
  online: boolean;
  manualOverride: boolean;
  loadControlState?: {
    capacity?: LoadControlStateValue;
    levelOffset?: LoadControlStateValue;
    percentOffset?: LoadControlStateValue;
    setPoint?: LoadControlStateValue;
  };
}

/** oadr:oadrReportPayload. `payload` is ei:payloadFloat/value (a number) or oadrPayloadResourceStatus. */
export interface ReportPayload {
  rID: string;
  confidence?: number;
  accuracy?: number;
  payload: number | ResourceStatus;
  dataQuality?: DataQuality;
}

/** ei:interval of a report. */
export interface ReportInterval {
  dtstart?: DateTime;
  duration?: Duration;
  uid?: string;
  /** oadrReportPayload elements (at least one). */
  payloads: ReportPayload[];
}

/** oadr:oadrReport (metadata report when it has reportDescriptions, data report when it has intervals). */
export interface OadrReport {
  dtstart?: DateTime;
  duration?: Duration;
  /** strm:intervals: present exactly when the element is (then with at least one interval). */
  intervals?: ReportInterval[];
  eiReportID?: string;
  reportDescriptions: ReportDescription[];
  reportRequestID: string;
  reportSpecifierID: string;
  reportName?: ReportName;
  createdDateTime: DateTime;
}

/** ei:specifierPayload. */
export interface SpecifierPayload {
  rID: string;
  itemBase?: ItemBase;
  readingType: ReadingType;
}

/** ei:reportSpecifier. */
export interface ReportSpecifier {
  reportSpecifierID: string;
  /** xcal:granularity/duration */
  granularity: Duration;
  /** reportBackDuration/duration */
  reportBackDuration: Duration;
  /** reportInterval/properties */
  reportInterval?: Period;
  /** At least one. */
  specifierPayloads: SpecifierPayload[];
}

/** oadr:oadrReportRequest. */
export interface ReportRequest {
  reportRequestID: string;
  reportSpecifier: ReportSpecifier;
}

/** The content of oadrCancelReport (also nested in oadrUpdatedReport). */
export interface CancelReport {
  requestID: string;
  /** At least one. */
  reportRequestIDs: string[];
  reportToFollow: boolean;
  venID?: string;
}

// ---------- EiRegisterParty ----------

/** oadr:oadrProfiles/oadrProfile. */
export interface OadrProfile {
  profileName: ProfileName;
  /** oadrTransports/oadrTransport/oadrTransportName (at least one). */
  transports: TransportName[];
}

/** oadr:oadrInfo. */
export interface OadrInfo {
  key: string;
  value: string;
}

/** oadr:oadrServiceSpecificInfo/oadrService. */
export interface OadrService {
  serviceName: ServiceName;
  /** At least one. */
  info: OadrInfo[];
}

/** oadr:oadrExtensions/oadrExtension. */
export interface OadrExtension {
  extensionName: string;
  info: OadrInfo[];
}

// ---------- Payloads (the discriminated union) ----------

export interface OadrQueryRegistration {
  type: "oadrQueryRegistration";
  requestID: string;
}

export interface OadrCreatePartyRegistration {
  type: "oadrCreatePartyRegistration";
  requestID: string;
  registrationID?: string;
  venID?: string;
  profileName: ProfileName;
  transportName: TransportName;
  transportAddress?: string;
  reportOnly: boolean;
  xmlSignature: boolean;
  venName?: string;
  httpPullModel?: boolean;
}

export interface OadrCreatedPartyRegistration {
  type: "oadrCreatedPartyRegistration";
  eiResponse: EiResponse;
  registrationID?: string;
  venID?: string;
  vtnID: string;
  /** At least one. */
  profiles: OadrProfile[];
  requestedOadrPollFreq?: Duration;
  serviceSpecificInfo?: OadrService[];
  extensions?: OadrExtension[];
}

export interface OadrCancelPartyRegistration {
  type: "oadrCancelPartyRegistration";
  requestID: string;
  registrationID: string;
  venID?: string;
}

export interface OadrCanceledPartyRegistration {
  type: "oadrCanceledPartyRegistration";
  eiResponse: EiResponse;
  registrationID?: string;
  venID?: string;
}

export interface OadrRequestReregistration {
  type: "oadrRequestReregistration";
  venID: string;
}

/** pyld:eiRequestEvent content. */
export interface OadrRequestEvent {
  type: "oadrRequestEvent";
  requestID: string;
  venID: string;
  replyLimit?: number;
}

export interface OadrDistributeEvent {
  type: "oadrDistributeEvent";
  eiResponse?: EiResponse;
  requestID: string;
  vtnID: string;
  events: OadrEvent[];
}

/** pyld:eiCreatedEvent content. */
export interface OadrCreatedEvent {
  type: "oadrCreatedEvent";
  eiResponse: EiResponse;
  eventResponses?: EventResponse[];
  venID: string;
}

export interface OadrResponse {
  type: "oadrResponse";
  eiResponse: EiResponse;
  venID?: string;
}

export interface OadrRegisterReport {
  type: "oadrRegisterReport";
  requestID: string;
  reports: OadrReport[];
  venID?: string;
  reportRequestID?: string;
}

export interface OadrRegisteredReport {
  type: "oadrRegisteredReport";
  eiResponse: EiResponse;
  reportRequests: ReportRequest[];
  venID?: string;
}

export interface OadrCreateReport {
  type: "oadrCreateReport";
  requestID: string;
  /** At least one. */
  reportRequests: ReportRequest[];
  venID?: string;
}

export interface OadrCreatedReport {
  type: "oadrCreatedReport";
  eiResponse: EiResponse;
  /** oadrPendingReports/reportRequestID */
  pendingReports: string[];
  venID?: string;
}

export interface OadrUpdateReport {
  type: "oadrUpdateReport";
  requestID: string;
  reports: OadrReport[];
  venID?: string;
}

export interface OadrUpdatedReport {
  type: "oadrUpdatedReport";
  eiResponse: EiResponse;
  cancelReport?: CancelReport;
  venID?: string;
}

export interface OadrCancelReport extends CancelReport {
  type: "oadrCancelReport";
}

export interface OadrCanceledReport {
  type: "oadrCanceledReport";
  eiResponse: EiResponse;
  /** oadrPendingReports/reportRequestID */
  pendingReports: string[];
  venID?: string;
}

export interface OadrCreateOpt {
  type: "oadrCreateOpt";
  optID: string;
  optType: OptType;
  optReason: OptReason;
  marketContext?: string;
  venID: string;
  /** xcal:vavailability/components/available/properties: present exactly when vavailability is. */
  vavailability?: Period[];
  createdDateTime: DateTime;
  requestID: string;
  qualifiedEventID?: QualifiedEventID;
  eiTarget: EiTarget;
  deviceClass?: EiTarget;
}

export interface OadrCreatedOpt {
  type: "oadrCreatedOpt";
  eiResponse: EiResponse;
  optID: string;
}

export interface OadrCancelOpt {
  type: "oadrCancelOpt";
  requestID: string;
  optID: string;
  venID: string;
}

export interface OadrCanceledOpt {
  type: "oadrCanceledOpt";
  eiResponse: EiResponse;
  optID?: string;
}

export interface OadrPoll {
  type: "oadrPoll";
  venID: string;
}

export type OadrMessage =
  | OadrQueryRegistration
  | OadrCreatePartyRegistration
  | OadrCreatedPartyRegistration
  | OadrCancelPartyRegistration
  | OadrCanceledPartyRegistration
  | OadrRequestReregistration
  | OadrRequestEvent
  | OadrDistributeEvent
  | OadrCreatedEvent
  | OadrResponse
  | OadrRegisterReport
  | OadrRegisteredReport
  | OadrCreateReport
  | OadrCreatedReport
  | OadrUpdateReport
  | OadrUpdatedReport
  | OadrCancelReport
  | OadrCanceledReport
  | OadrCreateOpt
  | OadrCreatedOpt
  | OadrCancelOpt
  | OadrCanceledOpt
  | OadrPoll;

export type OadrMessageType = OadrMessage["type"];

/** The member of OadrMessage with the given payload name. */
export type OadrMessageOf<T extends OadrMessageType> = Extract<OadrMessage, { type: T }>;
