/** One filled-in value of every resource the codec knows (the type checker keeps the list complete). */
import type { ResourceName, SepResource } from "../src/codec/index.ts";

const M = (n: number) => n.toString(16).toUpperCase().padStart(32, "0");
const LFDI = "3E4F45AB31EDFE5B67E343E5E4562E31984E23E5";
const status = { currentStatus: 1, dateTime: 1767229200, potentiallySuperseded: false };
const interval = { duration: 3600, start: 1767229200 };

const derControl: SepResource<"DERControl"> = {
  href: "/derp/1/derc/1", replyTo: "/rsps/1/rsp", responseRequired: "03", subscribable: 0, mRID: M(1), description: "limit 50 %",
  version: 1, creationTime: 1767225600, EventStatus: status, interval, randomizeDuration: 30, randomizeStart: -60,
  DERControlBase: {
    opModConnect: true, opModEnergize: true,
    opModFixedPFAbsorbW: { displacement: 95, excitation: false, multiplier: -2 },
    opModFixedPFInjectW: { displacement: 90, excitation: true, multiplier: -2 },
    opModFixedVar: { refType: 2, value: -1500 }, opModFixedW: -2500,
    opModFreqDroop: { dBOF: 36, dBUF: 36, kOF: 50, kUF: 50, openLoopTms: 500, pMin: { multiplier: 0, value: 0 } },
    opModFreqWatt: { href: "/derp/1/dc/2" }, opModMaxLimW: 5000, opModTargetVar: { multiplier: 2, value: -12 },
    opModTargetW: { multiplier: 3, value: 4 }, opModVoltVar: { href: "/derp/1/dc/1" }, rampTms: 600,
  },
  deviceCategory: "00200000",
};
const endDeviceControl: SepResource<"EndDeviceControl"> = {
  href: "/dr/1/edc/1", replyTo: "/rsps/1/rsp", responseRequired: "03", mRID: M(2), creationTime: 1767225600, EventStatus: status, interval,
  ApplianceLoadReduction: { type: 0 }, deviceCategory: "FFFFFFFF", drProgramMandatory: true, DutyCycle: { normalValue: 50 },
  loadShiftForward: false, Offset: { coolingOffset: 20, heatingOffset: 10, loadAdjustmentPercentageOffset: 1500 }, overrideDuration: 60,
  SetPoint: { coolingSetpoint: 2600, heatingSetpoint: 1800 }, TargetReduction: { type: 1, value: 3 },
};
const curve: SepResource<"DERCurve"> = {
  href: "/derp/1/dc/1", mRID: M(3), description: "volt-var", creationTime: 1767225600,
  CurveData: [{ xvalue: 92, yvalue: 44 }, { xvalue: 98, yvalue: 0 }, { xvalue: 102, yvalue: 0 }, { xvalue: 108, yvalue: -44 }],
  curveType: 11, vRef: 10000, xMultiplier: 0, yMultiplier: 0, yRefType: 2,
};
const program: SepResource<"DERProgram"> = {
  href: "/derp/1", subscribable: 0, mRID: M(4), description: "CSIP", version: 0, ActiveDERControlListLink: { href: "/derp/1/actderc", all: 1 },
  DefaultDERControlLink: { href: "/derp/1/dderc" }, DERControlListLink: { href: "/derp/1/derc", all: 1 }, DERCurveListLink: { href: "/derp/1/dc", all: 1 },
  primacy: 1,
};
const endDevice: SepResource<"EndDevice"> = {
  href: "/edev/1", subscribable: 0, DERListLink: { href: "/edev/1/der", all: 1 }, deviceCategory: "00200000", DeviceInformationLink: { href: "/edev/1/di" },
  lFDI: LFDI, LogEventListLink: { href: "/edev/1/lel", all: 0 }, sFDI: 167261211391, changedTime: 1767225600, enabled: true,
  FunctionSetAssignmentsListLink: { href: "/edev/1/fsa", all: 1 }, postRate: 300, RegistrationLink: { href: "/edev/1/rg" },
  SubscriptionListLink: { href: "/edev/1/sub", all: 0 },
};
const fsa: SepResource<"FunctionSetAssignments"> = {
  href: "/fsa/1", subscribable: 0, DemandResponseProgramListLink: { href: "/fsa/1/dr", all: 1 }, DERProgramListLink: { href: "/fsa/1/derp", all: 1 },
  ResponseSetListLink: { href: "/rsps", all: 1 }, TariffProfileListLink: { href: "/fsa/1/tp", all: 1 }, TimeLink: { href: "/tm" }, mRID: M(5), description: "site",
};
const tti: SepResource<"TimeTariffInterval"> = {
  href: "/tp/1/rc/1/tti/1", replyTo: "/rsps/1/rsp", responseRequired: "01", subscribable: 0, mRID: M(6), creationTime: 1767225600,
  EventStatus: status, interval, ConsumptionTariffIntervalListLink: { href: "/tp/1/rc/1/tti/1/cti", all: 2 }, touTier: 1,
};
const cti: SepResource<"ConsumptionTariffInterval"> = { href: "/tp/1/rc/1/tti/1/cti/1", consumptionBlock: 1, price: 2450, startValue: 0 };
const readingType: SepResource<"ReadingType"> = {
  href: "/tp/1/rc/1/rt", accumulationBehaviour: 4, commodity: 1, dataQualifier: 0, flowDirection: 1, intervalLength: 0, kind: 12, phase: 0, powerOfTenMultiplier: 0, uom: 72,
};
const rate: SepResource<"RateComponent"> = {
  href: "/tp/1/rc/1", mRID: M(7), description: "import", ActiveTimeTariffIntervalListLink: { href: "/tp/1/rc/1/acttti", all: 1 },
  flowRateEndLimit: { multiplier: 3, unit: 38, value: 10 }, flowRateStartLimit: { multiplier: 0, unit: 38, value: 0 },
  ReadingTypeLink: { href: "/tp/1/rc/1/rt" }, roleFlags: "0001", TimeTariffIntervalListLink: { href: "/tp/1/rc/1/tti", all: 1 },
};
const tariff: SepResource<"TariffProfile"> = {
  href: "/tp/1", mRID: M(8), description: "TOU", currency: 978, pricePowerOfTenMultiplier: -4, primacy: 1, rateCode: "TOU-1",
  RateComponentListLink: { href: "/tp/1/rc", all: 1 }, serviceCategoryKind: 0,
};
const mmr: SepResource<"MirrorMeterReading"> = {
  mRID: M(9), description: "power", lastUpdateTime: 1767229200,
  MirrorReadingSet: [{ mRID: M(10), timePeriod: interval, Reading: [{ value: 1200, timePeriod: { duration: 300, start: 1767229200 } }] }],
  nextUpdateTime: 1767229500, Reading: { consumptionBlock: 0, qualityFlags: "0000", value: -3500, localID: "01" },
  ReadingType: { accumulationBehaviour: 12, flowDirection: 19, kind: 37, powerOfTenMultiplier: 0, uom: 38 },
};
const mup: SepResource<"MirrorUsagePoint"> = {
  href: "/mup/1", mRID: M(11), description: "PV", subscribable: 0, roleFlags: "0049", serviceCategoryKind: 0, status: 1, deviceLFDI: LFDI,
  MirrorMeterReading: [mmr], postRate: 300,
};
const response: SepResource<"Response"> = { href: "/rsps/1/rsp/1", createdDateTime: 1767229200, endDeviceLFDI: LFDI, status: 2, subject: M(1) };
const subscription: SepResource<"Subscription"> = {
  href: "/edev/1/sub/1", subscribedResource: "/derp/1/derc", encoding: 0, level: "+S1", limit: 10, notificationURI: "https://client.example/ntfy",
};
const derControlList: SepResource<"DERControlList"> = { href: "/derp/1/derc", subscribable: 1, all: 1, results: 1, DERControl: [derControl] };

export const SAMPLES: { [K in ResourceName]: SepResource<K> } = {
  DeviceCapability: {
    href: "/dcap", pollRate: 900, CustomerAccountListLink: { href: "/bill", all: 0 }, DemandResponseProgramListLink: { href: "/dr", all: 1 },
    DERProgramListLink: { href: "/derp", all: 1 }, FileListLink: { href: "/file", all: 0 }, MessagingProgramListLink: { href: "/msg", all: 0 },
    PrepaymentListLink: { href: "/ppy", all: 0 }, ResponseSetListLink: { href: "/rsps", all: 1 }, TariffProfileListLink: { href: "/tp", all: 1 },
    TimeLink: { href: "/tm" }, UsagePointListLink: { href: "/upt", all: 0 }, EndDeviceListLink: { href: "/edev", all: 1 },
    MirrorUsagePointListLink: { href: "/mup", all: 1 }, SelfDeviceLink: { href: "/sdev" },
  },
  Time: { href: "/tm", pollRate: 900, currentTime: 1767229200, dstEndTime: 1761440400, dstOffset: 3600, dstStartTime: 1774746000, localTime: 1767232800, quality: 3, tzOffset: 3600 },
  EndDevice: endDevice,
  EndDeviceList: { href: "/edev", subscribable: 0, all: 1, results: 1, pollRate: 300, EndDevice: [endDevice] },
  Registration: { href: "/edev/1/rg", pollRate: 900, dateTimeRegistered: 1767225600, pIN: 111115 },
  FunctionSetAssignments: fsa,
  FunctionSetAssignmentsList: { href: "/edev/1/fsa", subscribable: 1, all: 1, results: 1, pollRate: 900, FunctionSetAssignments: [fsa] },
  DERProgram: program,
  DERProgramList: { href: "/derp", subscribable: 0, all: 1, results: 1, pollRate: 60, DERProgram: [program] },
  DERControl: derControl,
  DERControlList: derControlList,
  DefaultDERControl: {
    href: "/derp/1/dderc", replyTo: "/rsps/1/rsp", responseRequired: "00", subscribable: 1, mRID: M(12), description: "default", version: 2,
    DERControlBase: { opModMaxLimW: 10000, opModFixedPFInjectW: { displacement: 100, excitation: false, multiplier: -2 } },
    setESDelay: 300, setESHighFreq: 6010, setESHighVolt: 10500, setESLowFreq: 5950, setESLowVolt: 9170, setESRampTms: 3000,
    setESRandomDelay: 60, setGradW: 1000, setSoftGradW: 100, updatedTime: 1767225600,
  },
  DERCurve: curve,
  DERCurveList: { href: "/derp/1/dc", all: 1, results: 1, DERCurve: [curve] },
  DemandResponseProgram: {
    href: "/dr/1", mRID: M(13), description: "peak", ActiveEndDeviceControlListLink: { href: "/dr/1/actedc", all: 0 },
    availabilityUpdatePercentChangeThreshold: 1000, availabilityUpdatePowerChangeThreshold: { multiplier: 3, value: 1 },
    EndDeviceControlListLink: { href: "/dr/1/edc", all: 1 }, primacy: 2,
  },
  DemandResponseProgramList: { href: "/dr", subscribable: 0, all: 0, results: 0, pollRate: 900 },
  EndDeviceControl: endDeviceControl,
  EndDeviceControlList: { href: "/dr/1/edc", subscribable: 1, all: 1, results: 1, EndDeviceControl: [endDeviceControl] },
  TariffProfile: tariff,
  TariffProfileList: { href: "/tp", subscribable: 0, all: 1, results: 1, pollRate: 900, TariffProfile: [tariff] },
  RateComponent: rate,
  RateComponentList: { href: "/tp/1/rc", all: 1, results: 1, RateComponent: [rate] },
  TimeTariffInterval: tti,
  TimeTariffIntervalList: { href: "/tp/1/rc/1/tti", subscribable: 0, all: 1, results: 1, TimeTariffInterval: [tti] },
  ConsumptionTariffInterval: cti,
  ConsumptionTariffIntervalList: { href: "/tp/1/rc/1/tti/1/cti", all: 2, results: 2, ConsumptionTariffInterval: [cti, { ...cti, href: "/tp/1/rc/1/tti/1/cti/2", consumptionBlock: 2, price: 3100, startValue: 10000 }] },
  ReadingType: readingType,
  MirrorUsagePoint: mup,
  MirrorUsagePointList: { href: "/mup", subscribable: 0, all: 1, results: 1, pollRate: 300, MirrorUsagePoint: [mup] },
  MirrorMeterReading: mmr,
  MirrorMeterReadingList: { all: 1, results: 1, MirrorMeterReading: [mmr] },
  Response: response,
  DERControlResponse: { ...response, modesResponded: "00100000" },
  DrResponse: { ...response, subject: M(2) },
  PriceResponse: { ...response, status: 1, subject: M(6) },
  ResponseList: { href: "/rsps/1/rsp", all: 1, results: 1, Response: [response] },
  ResponseSet: { href: "/rsps/1", mRID: M(14), description: "responses", ResponseListLink: { href: "/rsps/1/rsp", all: 1 } },
  ResponseSetList: { href: "/rsps", all: 1, results: 1, pollRate: 900, ResponseSet: [{ href: "/rsps/1", mRID: M(14) }] },
  Subscription: subscription,
  SubscriptionList: { href: "/edev/1/sub", all: 1, results: 1, pollRate: 900, Subscription: [subscription] },
  Notification: {
    subscribedResource: "https://utility.example/derp/1/derc", createdDateTime: 1767229200,
    Resource: { type: "DERControlList", value: derControlList }, status: 0, subscriptionURI: "https://utility.example/edev/1/sub/1",
  },
  Error: { maxRetryDuration: 60, reasonCode: 1 },
};
