/** What the server keeps (JSON in the hub store): devices, function set assignments, programs, events, mirrors, responses, subscriptions. */
import type { DERControlBaseValue, EndDeviceControlValue, SepResource } from "../codec/index.ts";

export interface DeviceRec {
  id: string;
  lfdi: string;
  sfdi: number;
  pin?: number;
  description?: string;
  changedTime: number;
  /** when the device registered itself (POST /edev) or was first seen */
  registered?: number;
}

export interface FsaRec {
  id: string;
  mRID: string;
  description?: string;
  derPrograms: string[];
  drPrograms: string[];
  tariffs: string[];
  /** LFDIs it is assigned to; absent = every device */
  devices?: string[];
}

export interface DefaultControlRec {
  mRID: string;
  description?: string;
  base: DERControlBaseValue;
  updated: number;
  version: number;
}

export interface DerProgramRec {
  id: string;
  mRID: string;
  description?: string;
  primacy: number;
  version: number;
  default?: DefaultControlRec;
}

export type CurveValue = Omit<SepResource<"DERCurve">, "href">;
export interface CurveRec {
  id: string;
  program: string;
  value: CurveValue;
}

export interface DrProgramRec {
  id: string;
  mRID: string;
  description?: string;
  primacy: number;
}

/** The DRLC part of an EndDeviceControl (what is not event timing). */
export type DrlcBody = Pick<EndDeviceControlValue, "ApplianceLoadReduction" | "deviceCategory" | "drProgramMandatory" | "DutyCycle"
  | "loadShiftForward" | "Offset" | "overrideDuration" | "SetPoint" | "TargetReduction">;

/** A DERControl or EndDeviceControl as the server holds it (stored as a hub event, so events survive restarts). */
export interface ControlRec {
  kind: "der" | "drlc";
  id: string;
  program: string;
  mRID: string;
  description?: string;
  creationTime: number;
  start: number;
  duration: number;
  randomizeStart?: number;
  randomizeDuration?: number;
  responseRequired: string;
  deviceCategory?: string;
  base?: DERControlBaseValue;
  drlc?: DrlcBody;
  cancelled?: { at: number; randomized: boolean };
}

export interface TtiRec {
  id: string;
  mRID: string;
  description?: string;
  creationTime: number;
  start: number;
  duration: number;
  touTier: number;
  responseRequired: string;
  prices: { consumptionBlock: number; price: number; startValue: number }[];
  cancelled?: number;
}

export interface RateRec {
  id: string;
  mRID: string;
  description?: string;
  roleFlags: string;
  readingType: { uom: number; powerOfTenMultiplier?: number; flowDirection?: number; kind?: number };
  intervals: TtiRec[];
}

export interface TariffRec {
  id: string;
  mRID: string;
  description?: string;
  currency?: number;
  pricePowerOfTenMultiplier?: number;
  primacy: number;
  rateCode?: string;
  rates: RateRec[];
}

export interface MupRec {
  id: string;
  /** the LFDI of the client that created it (the only one that sees it) */
  owner: string;
  value: Omit<SepResource<"MirrorUsagePoint">, "href" | "MirrorMeterReading">;
  /** MirrorMeterReadings by mRID, the latest post of each */
  readings: Record<string, SepResource<"MirrorMeterReading">>;
  updated: number;
}

export type ResponseType = "Response" | "DERControlResponse" | "DrResponse" | "PriceResponse";
export interface ResponseRec {
  id: string;
  set: string;
  type: ResponseType;
  value: Omit<SepResource<"Response">, "href">;
  received: number;
}

export interface SubscriptionRec {
  id: string;
  device: string;
  lfdi: string;
  /** the subscribed resource's path on this server */
  resource: string;
  value: Omit<SepResource<"Subscription">, "href">;
}
