/** Grid actor A/B <-> CEM messages (G<->C), neutral-model.md §1.2. */
import { z } from "zod";
import { Direction, Duration, Incentive, Iso, Percent, Quantity, Ref, Slot } from "./common.ts";
import { PowerProfile, PriceEnvironmentProfile } from "./profiles.ts";

/** Table 1. Traffic light WGSP2112; scheduled blackout JWG2122 (JWG20); disaster signal JWG2042 (JWG21). */
export const GridStatus = z.object({
  trafficLight: z.enum(["green", "yellow", "red"]).optional(),
  scheduledBlackout: z.object({ start: Iso, end: Iso }).optional(),
  emergencyLevel: z.number().int().min(0).optional(),
  disaster: z.object({ active: z.boolean(), kind: z.string().optional() }).optional(),
});
/** Fixed / real-time tariff: WGSP2112, JWG1130, JWG2121. */
export const Tariff = z.object({ profile: PriceEnvironmentProfile, update: z.boolean() });
/** JWG2112 */
export const TariffCapabilities = z.object({ tiers: z.boolean(), maxSlots: z.number().int().min(1), kinds: z.array(z.string()) });
/** WGSP2140 tariff synchronisation */
export const ActiveTariffNotice = z.object({ tariffRef: z.string().min(1), since: Iso });
/** WGSP2140; drift beyond maxDrift -> Warning clock-drift */
export const TimeSync = z.object({ reference: Iso, maxDrift: Duration });
/** JWG2001, 2002, 2010 */
export const IncentiveInfo = z.object({ incentive: Incentive, programme: z.string().optional(), period: Slot.optional() });
/** WGSP2111, WGSP2121, JWG10 */
export const Metering = z.object({
  meter: z.string().min(1),
  kind: z.enum(["reading", "load-curve", "total", "forecast-total"]),
  readings: z.array(z.object({
    at: Iso, importEnergy: Quantity.optional(), exportEnergy: Quantity.optional(), power: Quantity.optional(),
  })).min(1),
});
/** JWG22 (A.1.23) negawatt trading */
export const NegawattRequest = z.object({ eventDate: z.iso.date(), window: z.object({ start: Iso, end: Iso }), areaAmount: Quantity });
export const NegawattBid = z.object({ requestId: z.string().min(1), reduction: Quantity, price: Quantity });
/** merit order result */
export const BidResult = z.object({ bidId: z.string().min(1), accepted: z.boolean(), awarded: Quantity.optional() });
/** Flexibility trading: JWG6, JWG7, JWG30xx */
export const FlexibilityOffer = z.object({
  startWindow: z.object({ from: Iso, to: Iso }), duration: Duration, power: Quantity, energy: Quantity.optional(), direction: Direction,
});
export const FlexibilityAnswer = z.object({
  offerId: z.string().min(1), accepted: z.boolean(), incentive: Incentive.optional(), reason: z.string().optional(),
});
export const FlexibilityAllocation = z.object({ offerId: z.string().min(1), profile: PowerProfile });
/** Customer priorities: JWG2001 (M2-1), JWG2002 aggregated (M3-1), JWG23 lighting. */
export const Priorities = z.object({
  aggregated: z.boolean(),
  items: z.array(z.object({
    scope: Ref, priority: z.number().int(), category: z.string().optional(), minPower: Quantity.optional(),
  })).min(1),
});
/** M2-5, M3-7 */
export const AdjustmentProposals = z.object({
  triage: z.boolean(),
  proposals: z.array(z.object({
    id: z.string().min(1), plan: PowerProfile, equipmentSchedules: z.array(PowerProfile).optional(), incentive: Incentive.optional(),
  })).min(1),
});
/** M2-6, M3-8 */
export const ProposalSelection = z.object({ proposalId: z.string().min(1), aggregated: z.boolean().optional() });
/** JWG2010 M4-1-1/6, JWG2002 M3-3 */
export const BuildingInfo = z.object({
  building: z.string().min(1), aggregated: z.boolean().optional(), category: z.string().optional(),
  curtailmentAbility: Quantity.optional(), reProduced: Quantity.optional(),
});
/** JWG2042 status report (M4-3-3) */
export const CemAlive = z.object({ alive: z.boolean(), at: Iso, interval: Duration });
/** Battery ancillary service: JWG2121/WGSP2121 request, JWG1130 info */
export const BatteryDispatchRequest = z.object({
  slots: z.array(Slot.extend({ power: Quantity, direction: Direction })).min(1), dayAhead: z.boolean().optional(),
});
export const BatteryDispatchInfo = z.object({ delivered: Quantity, soc: Percent.optional(), at: Iso });
/** Peak shift by battery aggregation, JWG17 / JWG2023-2027; the peer is a battery SCADA. */
export const ScheduleRequest = z.object({ day: z.enum(["same-day", "next-day"]) });
export const BatterySchedule = z.object({
  form: z.enum(["detail", "outline", "surplus"]),
  day: z.enum(["same-day", "next-day"]),
  initialSoc: Percent,
  slots: z.array(Slot.extend({
    charge: Quantity.optional(), discharge: Quantity.optional(), maxCharge: Quantity.optional(),
    maxDischarge: Quantity.optional(), socMin: Percent.optional(), socMax: Percent.optional(),
  })).min(1),
  collateral: z.object({ cost: Quantity.optional(), note: z.string().optional() }).optional(),
});
/** IEC 61850-90-10 style inquiry */
export const Inquiry = z.object({
  slots: z.array(Slot.extend({ surplus: Quantity, direction: Direction })).min(1), answerBy: Iso.optional(),
});
export const InquiryAnswer = z.object({ inquiryId: z.string().min(1), accepted: z.boolean(), reason: z.string().optional() });
export const ExecutionNotification = z.object({ inquiryId: z.string().min(1) });
export const BatteryStatusRequest = z.object({ battery: z.string().optional() });
/** answered every 30 min in JWG2023-2027 */
export const BatteryStatus = z.object({ activePower: Quantity, soc: Percent, condition: z.string() });
/** WGSP2114 scenario 4 */
export const DeviceStateRequest = z.object({ device: z.string().min(1) });
