/**
 * The 2030.5 resources gridhub reads and writes, described from sep.xsd (2023 model, version 2.2): each type lists
 * its attributes and its xs:sequence elements in schema order, base type first. Optional elements gridhub never
 * uses are left out (readers ignore what they do not know; writers never need them). The tests validate every
 * resource written here against sep.xsd with xmllint.
 */
import { attr, complex, extend, many, mode, one, opt, requiredAttr, typed, type Complex, type ValueOf } from "./dsl.ts";
import {
  AnyURI, Bool, HexBinary128, HexBinary16, HexBinary160, HexBinary32, HexBinary8, Int16, Int32, Int48, Int64, Int8,
  OneHourRange, PerCent, SignedPerCent, String16, String192, String20, String32, UInt16, UInt32, UInt40, UInt48, UInt8,
} from "./lexical.ts";

// ---- identification and links
export const Link = complex("Link", { href: requiredAttr(AnyURI) });
export const ListLink = extend(Link, "ListLink", { all: attr(UInt32) });
export const Resource = complex("Resource", { href: attr(AnyURI) });
const identity = { mRID: one(HexBinary128), description: opt(String32), version: opt(UInt16) };
export const IdentifiedObject = extend(Resource, "IdentifiedObject", identity);
const SubscribableResource = extend(Resource, "SubscribableResource", { subscribable: attr(UInt8) });
const SubscribableIdentifiedObject = extend(SubscribableResource, "SubscribableIdentifiedObject", identity);
const RespondableResource = extend(Resource, "RespondableResource", { replyTo: attr(AnyURI), responseRequired: attr(HexBinary8) });
const RespondableSubscribableIdentifiedObject = extend(RespondableResource, "RespondableSubscribableIdentifiedObject",
  { subscribable: attr(UInt8), ...identity });
const List = extend(Resource, "List", { all: requiredAttr(UInt32), results: requiredAttr(UInt32) });
const SubscribableList = extend(SubscribableResource, "SubscribableList", { all: requiredAttr(UInt32), results: requiredAttr(UInt32) });
const pollRate = attr(UInt32);

// ---- events
export const EventStatus = complex("EventStatus", {
  currentStatus: one(UInt8), dateTime: one(Int64), potentiallySuperseded: one(Bool),
  potentiallySupersededTime: opt(Int64), reason: opt(String192),
});
export const DateTimeInterval = complex("DateTimeInterval", { duration: one(UInt32), start: one(Int64) });
const Event = extend(RespondableSubscribableIdentifiedObject, "Event", {
  creationTime: one(Int64), EventStatus: one(EventStatus), interval: one(DateTimeInterval),
});
const RandomizableEvent = extend(Event, "RandomizableEvent", { randomizeDuration: opt(OneHourRange), randomizeStart: opt(OneHourRange) });

// ---- discovery, time, devices
const functionSetLinks = {
  CustomerAccountListLink: opt(ListLink), DemandResponseProgramListLink: opt(ListLink), DERProgramListLink: opt(ListLink),
  FileListLink: opt(ListLink), MessagingProgramListLink: opt(ListLink), PrepaymentListLink: opt(ListLink),
  ResponseSetListLink: opt(ListLink), TariffProfileListLink: opt(ListLink), TimeLink: opt(Link), UsagePointListLink: opt(ListLink),
};
export const DeviceCapability = extend(Resource, "DeviceCapability", {
  pollRate, ...functionSetLinks,
  EndDeviceListLink: opt(ListLink), MirrorUsagePointListLink: opt(ListLink), SelfDeviceLink: opt(Link),
});
export const Time = extend(Resource, "Time", {
  pollRate, currentTime: one(Int64), dstEndTime: one(Int64), dstOffset: one(Int32), dstStartTime: one(Int64),
  localTime: opt(Int64), quality: one(UInt8), tzOffset: one(Int32),
});
export const EndDevice = extend(SubscribableResource, "EndDevice", {
  DERListLink: opt(ListLink), deviceCategory: opt(HexBinary32), DeviceInformationLink: opt(Link), lFDI: opt(HexBinary160),
  LogEventListLink: opt(ListLink), sFDI: one(UInt40),
  changedTime: one(Int64), enabled: opt(Bool), FunctionSetAssignmentsListLink: opt(ListLink), postRate: opt(UInt32),
  RegistrationLink: opt(Link), SubscriptionListLink: opt(ListLink),
});
export const EndDeviceList = extend(SubscribableList, "EndDeviceList", { pollRate, EndDevice: many(EndDevice) });
export const Registration = extend(Resource, "Registration", { pollRate, dateTimeRegistered: one(Int64), pIN: one(UInt32) });
export const FunctionSetAssignments = extend(SubscribableResource, "FunctionSetAssignments", { ...functionSetLinks, ...identity });
export const FunctionSetAssignmentsList = extend(SubscribableList, "FunctionSetAssignmentsList",
  { pollRate, FunctionSetAssignments: many(FunctionSetAssignments) });

// ---- DER
export const ActivePower = complex("ActivePower", { multiplier: one(Int8), value: one(Int16) });
export const ReactivePower = complex("ReactivePower", { multiplier: one(Int8), value: one(Int16) });
export const PowerFactorWithExcitation = complex("PowerFactorWithExcitation", {
  displacement: one(UInt16), excitation: one(Bool), multiplier: one(Int8),
});
export const FixedVar = complex("FixedVar", { refType: one(UInt8), value: one(SignedPerCent) });
export const FreqDroop = complex("FreqDroopType", {
  dBOF: one(UInt32), dBUF: one(UInt32), kOF: one(UInt16), kUF: one(UInt16), openLoopTms: one(UInt16), pMin: opt(ActivePower),
});
export const DERControlBase = complex("DERControlBase", {
  opModConnect: mode(Bool), opModEnergize: mode(Bool),
  opModFixedPFAbsorbW: mode(PowerFactorWithExcitation), opModFixedPFInjectW: mode(PowerFactorWithExcitation),
  opModFixedVar: mode(FixedVar), opModFixedW: mode(SignedPerCent), opModFreqDroop: mode(FreqDroop),
  opModFreqWatt: mode(Link), opModHFRTMayTrip: mode(Link), opModHFRTMustTrip: mode(Link), opModHVRTMayTrip: mode(Link),
  opModHVRTMomentaryCessation: mode(Link), opModHVRTMustTrip: mode(Link), opModLFRTMayTrip: mode(Link),
  opModLFRTMustTrip: mode(Link), opModLVRTMayTrip: mode(Link), opModLVRTMomentaryCessation: mode(Link),
  opModLVRTMustTrip: mode(Link), opModMaxLimW: mode(PerCent), opModTargetVar: mode(ReactivePower),
  opModTargetW: mode(ActivePower), opModVoltVar: mode(Link), opModVoltWatt: mode(Link), opModWattPF: mode(Link),
  opModWattVar: mode(Link), rampTms: opt(UInt16),
});
export const DERProgram = extend(SubscribableIdentifiedObject, "DERProgram", {
  ActiveDERControlListLink: opt(ListLink), DefaultDERControlLink: opt(Link), DERControlListLink: opt(ListLink),
  DERCurveListLink: opt(ListLink), primacy: one(UInt8),
});
export const DERProgramList = extend(SubscribableList, "DERProgramList", { pollRate, DERProgram: many(DERProgram) });
export const DERControl = extend(RandomizableEvent, "DERControl", { DERControlBase: one(DERControlBase), deviceCategory: opt(HexBinary32) });
export const DERControlList = extend(SubscribableList, "DERControlList", { DERControl: many(DERControl) });
export const DefaultDERControl = extend(RespondableSubscribableIdentifiedObject, "DefaultDERControl", {
  DERControlBase: one(DERControlBase), setESDelay: opt(UInt32), setESHighFreq: opt(UInt16), setESHighVolt: opt(Int16),
  setESLowFreq: opt(UInt16), setESLowVolt: opt(Int16), setESRampTms: opt(UInt32), setESRandomDelay: opt(UInt32),
  setGradW: opt(UInt16), setSoftGradW: opt(UInt16), updatedTime: opt(Int64),
});
export const CurveData = complex("CurveData", { excitation: opt(Bool), xvalue: one(Int32), yvalue: one(Int32) });
export const DERCurve = extend(IdentifiedObject, "DERCurve", {
  autonomousVRefEnable: opt(Bool), autonomousVRefTimeConstant: opt(UInt32), creationTime: one(Int64),
  CurveData: many(CurveData, { min: 1, max: 10 }), curveType: one(UInt8), openLoopTms: opt(UInt16), rampDecTms: opt(UInt16),
  rampIncTms: opt(UInt16), rampPT1Tms: opt(UInt16), vRef: opt(PerCent), xMultiplier: one(Int8), yMultiplier: one(Int8),
  yRefType: one(UInt8),
});
export const DERCurveList = extend(List, "DERCurveList", { DERCurve: many(DERCurve) });

// ---- demand response and load control
export const DemandResponseProgram = extend(IdentifiedObject, "DemandResponseProgram", {
  ActiveEndDeviceControlListLink: opt(ListLink), availabilityUpdatePercentChangeThreshold: opt(PerCent),
  availabilityUpdatePowerChangeThreshold: opt(ActivePower), EndDeviceControlListLink: opt(ListLink), primacy: one(UInt8),
});
export const DemandResponseProgramList = extend(SubscribableList, "DemandResponseProgramList",
  { pollRate, DemandResponseProgram: many(DemandResponseProgram) });
export const ApplianceLoadReduction = complex("ApplianceLoadReduction", { type: one(UInt8) });
export const DutyCycle = complex("DutyCycle", { normalValue: one(UInt8) });
export const Offset = complex("Offset", { coolingOffset: opt(UInt8), heatingOffset: opt(UInt8), loadAdjustmentPercentageOffset: opt(PerCent) });
export const SetPoint = complex("SetPoint", { coolingSetpoint: opt(Int16), heatingSetpoint: opt(Int16) });
export const TargetReduction = complex("TargetReduction", { type: one(UInt8), value: one(UInt16) });
export const EndDeviceControl = extend(RandomizableEvent, "EndDeviceControl", {
  ApplianceLoadReduction: opt(ApplianceLoadReduction), deviceCategory: one(HexBinary32), drProgramMandatory: one(Bool),
  DutyCycle: opt(DutyCycle), loadShiftForward: one(Bool), Offset: opt(Offset), overrideDuration: opt(UInt16),
  SetPoint: opt(SetPoint), TargetReduction: opt(TargetReduction),
});
export const EndDeviceControlList = extend(SubscribableList, "EndDeviceControlList", { EndDeviceControl: many(EndDeviceControl) });

// ---- pricing
export const TariffProfile = extend(IdentifiedObject, "TariffProfile", {
  currency: opt(UInt16), pricePowerOfTenMultiplier: opt(Int8), primacy: one(UInt8), rateCode: opt(String20),
  RateComponentListLink: opt(ListLink), serviceCategoryKind: one(UInt8),
});
export const TariffProfileList = extend(SubscribableList, "TariffProfileList", { pollRate, TariffProfile: many(TariffProfile) });
export const UnitValue = complex("UnitValueType", { multiplier: one(Int8), unit: one(UInt8), value: one(Int32) });
export const RateComponent = extend(IdentifiedObject, "RateComponent", {
  ActiveTimeTariffIntervalListLink: opt(ListLink), flowRateEndLimit: opt(UnitValue), flowRateStartLimit: opt(UnitValue),
  ReadingTypeLink: one(Link), roleFlags: one(HexBinary16), TimeTariffIntervalListLink: one(ListLink),
});
export const RateComponentList = extend(List, "RateComponentList", { RateComponent: many(RateComponent) });
export const TimeTariffInterval = extend(RandomizableEvent, "TimeTariffInterval", {
  ConsumptionTariffIntervalListLink: opt(ListLink), touTier: one(UInt8),
});
export const TimeTariffIntervalList = extend(SubscribableList, "TimeTariffIntervalList", { TimeTariffInterval: many(TimeTariffInterval) });
export const ConsumptionTariffInterval = extend(Resource, "ConsumptionTariffInterval", {
  consumptionBlock: one(UInt8), price: opt(Int32), startValue: one(UInt48),
});
export const ConsumptionTariffIntervalList = extend(List, "ConsumptionTariffIntervalList",
  { ConsumptionTariffInterval: many(ConsumptionTariffInterval) });

// ---- metering mirrors
export const ReadingType = extend(Resource, "ReadingType", {
  accumulationBehaviour: opt(UInt8), commodity: opt(UInt8), dataQualifier: opt(UInt8), flowDirection: opt(UInt8),
  intervalLength: opt(UInt32), kind: opt(UInt8), phase: opt(UInt8), powerOfTenMultiplier: opt(Int8), uom: opt(UInt8),
});
export const Reading = extend(SubscribableResource, "Reading", {
  consumptionBlock: opt(UInt8), qualityFlags: opt(HexBinary16), timePeriod: opt(DateTimeInterval), touTier: opt(UInt8),
  value: opt(Int48), localID: opt(HexBinary16),
});
export const MirrorReadingSet = extend(IdentifiedObject, "MirrorReadingSet", { timePeriod: one(DateTimeInterval), Reading: many(Reading) });
export const MirrorMeterReading = extend(IdentifiedObject, "MirrorMeterReading", {
  lastUpdateTime: opt(Int64), MirrorReadingSet: many(MirrorReadingSet), nextUpdateTime: opt(Int64), Reading: opt(Reading),
  ReadingType: opt(ReadingType),
});
export const MirrorMeterReadingList = extend(List, "MirrorMeterReadingList", { MirrorMeterReading: many(MirrorMeterReading) });
export const MirrorUsagePoint = extend(IdentifiedObject, "MirrorUsagePoint", {
  subscribable: attr(UInt8), roleFlags: one(HexBinary16), serviceCategoryKind: one(UInt8), status: one(UInt8),
  deviceLFDI: one(HexBinary160), MirrorMeterReading: many(MirrorMeterReading), postRate: opt(UInt32), UsagePointLink: opt(Link),
});
export const MirrorUsagePointList = extend(SubscribableList, "MirrorUsagePointList", { pollRate, MirrorUsagePoint: many(MirrorUsagePoint) });

// ---- responses
export const Response = extend(Resource, "Response", {
  createdDateTime: opt(Int64), endDeviceLFDI: one(HexBinary160), status: opt(UInt8), subject: one(HexBinary128),
});
export const DERControlResponse = extend(Response, "DERControlResponse", { modesResponded: opt(HexBinary32) });
export const DrResponse = extend(Response, "DrResponse", {});
export const PriceResponse = extend(Response, "PriceResponse", {});
export const ResponseList = extend(List, "ResponseList", { Response: many(Response) });
export const ResponseSet = extend(IdentifiedObject, "ResponseSet", { ResponseListLink: opt(ListLink) });
export const ResponseSetList = extend(List, "ResponseSetList", { pollRate, ResponseSet: many(ResponseSet) });

// ---- subscriptions
const SubscriptionBase = extend(Resource, "SubscriptionBase", { subscribedResource: one(AnyURI) });
export const Condition = complex("Condition", { attributeIdentifier: one(UInt8), lowerThreshold: one(Int48), upperThreshold: one(Int48) });
export const Subscription = extend(SubscriptionBase, "Subscription", {
  Condition: opt(Condition), encoding: one(UInt8), level: one(String16), limit: one(UInt32), notificationURI: one(AnyURI),
});
export const SubscriptionList = extend(List, "SubscriptionList", { pollRate, Subscription: many(Subscription) });
export const Notification = extend(SubscriptionBase, "Notification", {
  createdDateTime: opt(Int64), newResourceURI: opt(AnyURI), Resource: opt(typed((): Readonly<Record<string, Complex>> => RESOURCES)), status: one(UInt8),
  subscriptionURI: one(AnyURI),
});

export const ErrorResource = complex("Error", { maxRetryDuration: opt(UInt16), reasonCode: one(UInt16) });

/** Every resource that may be a document root (a global element of sep.xsd), by element name. */
export const RESOURCES = {
  DeviceCapability, Time, EndDevice, EndDeviceList, Registration, FunctionSetAssignments, FunctionSetAssignmentsList,
  DERProgram, DERProgramList, DERControl, DERControlList, DefaultDERControl, DERCurve, DERCurveList,
  DemandResponseProgram, DemandResponseProgramList, EndDeviceControl, EndDeviceControlList,
  TariffProfile, TariffProfileList, RateComponent, RateComponentList, TimeTariffInterval, TimeTariffIntervalList,
  ConsumptionTariffInterval, ConsumptionTariffIntervalList, ReadingType,
  MirrorUsagePoint, MirrorUsagePointList, MirrorMeterReading, MirrorMeterReadingList,
  Response, DERControlResponse, DrResponse, PriceResponse, ResponseList, ResponseSet, ResponseSetList,
  Subscription, SubscriptionList, Notification, Error: ErrorResource,
} as const;

export type ResourceName = keyof typeof RESOURCES;
export type SepResource<K extends ResourceName> = ValueOf<(typeof RESOURCES)[K]>;
/** A parsed document: its root element name and value. */
export type SepDocument = { [K in ResourceName]: { type: K; value: SepResource<K> } }[ResourceName];

export type DERControlBaseValue = ValueOf<typeof DERControlBase>;
export type DERControlValue = SepResource<"DERControl">;
export type EndDeviceControlValue = SepResource<"EndDeviceControl">;
