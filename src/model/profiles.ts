/** Function-specific profiles of IEC TR 62746-2 §3.4.6 (Tables 2-5), used on both interfaces. */
import { z } from "zod";
import { Confidence, DateInfo, Direction, Duration, Incentive, Iso, Percent, Quantity, Ref, Slot, Urgency } from "./common.ts";

/** Table 2. JWG1100-1103, JWG120x, JWG212x, WGSP2110-2112; plan kinds JWG2000/2001/2002/2010/2042. */
export const PowerProfile = z.object({
  kind: z.enum(["actual", "forecast", "estimated", "plan", "selected", "triage", "disaster", "distribution"]),
  scope: Ref,
  aggregated: z.boolean().optional(),
  powerClass: z.enum(["renewable", "non-renewable", "load"]).optional(),
  alternatives: z.boolean().optional(),
  sequences: z.array(z.object({
    id: z.string().min(1),
    direction: Direction,
    earliestStart: Iso.optional(),
    latestStart: Iso.optional(),
    latestEnd: Iso.optional(),
    slots: z.array(Slot.extend({
      power: Quantity, powerMin: Quantity.optional(), powerMax: Quantity.optional(), energy: Quantity.optional(),
    })).min(1),
  })).min(1),
  sourceMix: z.array(z.object({
    source: z.enum(["pv", "wind", "hydro", "chp", "fuel-cell", "storage", "grid", "other"]),
    renewable: z.boolean(),
    share: Percent.optional(),
    energy: Quantity.optional(),
  })).optional(),
  confidence: Confidence.optional(),
  date: DateInfo.optional(),
  incentive: Incentive.optional(),
});
export type PowerProfile = z.infer<typeof PowerProfile>;

/** Table 2. JWG1103, JWG1130. Device -> CEM, CEM -> grid (telemetry). */
export const InstantaneousPower = z.object({
  scope: Ref, power: Quantity, direction: Direction, at: Iso, confidence: Confidence.optional(),
});
export type InstantaneousPower = z.infer<typeof InstantaneousPower>;

/** Table 3. JWG1100, 1110, 1111, 1130, WGSP2110-2112; JWG2000 (hourly prices), A.1.26 Model 1. */
export const PriceEnvironmentProfile = z.object({
  tariffKind: z.enum(["fixed-schedule", "time-of-use", "real-time", "hourly"]),
  flow: z.enum(["import", "export"]),
  variableModel: z.enum(["flat", "discount", "quantity-based", "benchmark"]).optional(),
  slots: z.array(Slot.extend({
    binding: z.enum(["binding", "forecast", "final"]),
    price: Quantity.optional(),
    tiers: z.array(z.object({ aboveEnergy: Quantity, price: Quantity })).optional(),
    options: z.array(z.object({ benchmark: z.string(), price: Quantity })).optional(),
    environment: z.object({
      co2: Quantity.optional(), renewableShare: Percent.optional(), label: z.string().optional(),
    }).optional(),
  })).min(1),
  date: DateInfo.optional(),
  round: z.number().int().min(0).optional(),
});
export type PriceEnvironmentProfile = z.infer<typeof PriceEnvironmentProfile>;

const Ramp = z.object({ duration: Duration, power: Quantity.optional(), relative: z.number().optional() });

/**
 * Table 4. JWG1110, 1111, 112x, 1130, 120x, 121x, 202x, 2002, WGSP2111/2112/2114/2121; JWG3, JWG14, JWG19,
 * JWG2001 (reduce vs plan), JWG2041 (accelerate/decelerate production). SIMPLE 1/2 -> normal/high; 3 -> Emergency.
 */
export const LoadGenerationManagement = z.object({
  scope: Ref,
  direction: z.enum(["consumption", "generation", "net-import", "net-export"]),
  request: z.enum(["decrease", "increase", "limit", "setpoint"]),
  slots: z.array(Slot.extend({
    power: Quantity.optional(),
    relative: z.number().min(-100).max(100).optional(),
  })).min(1),
  baseline: z.union([z.literal("current"), z.object({ planRef: z.string().min(1) })]).optional(),
  rampUp: Ramp.optional(),
  rampDown: Ramp.optional(),
  urgency: Urgency,
  confidence: Confidence.optional(),
  date: DateInfo.optional(),
  mandatory: z.boolean(),
  respondBy: Iso.optional(),
  incentives: z.array(Incentive).optional(),
});
export type LoadGenerationManagement = z.infer<typeof LoadGenerationManagement>;

/**
 * Emergency / blackout prevention: 004 §3.4.5.4, §3.4.6.5; JWG8, WGSP2122 (1 start, 2 end). Which devices go
 * "emergency connected off" is pre-agreed configuration (JWG8), not message content.
 */
export const Emergency = z.object({
  phase: z.enum(["start", "end"]),
  level: z.number().int().min(0).optional(),
  mode: z.enum(["emergency-connected-off", "network-standby"]),
  until: Iso.optional(),
  confirmationRequested: z.boolean().optional(),
});
export type Emergency = z.infer<typeof Emergency>;

/** Table 5. JWG202x, 120x, 121x, 212x, 1110, 1111, 1130, WGSP2111/2112/2114/2121. */
export const TemperatureProfile = z.object({
  scope: Ref,
  zone: z.string().optional(),
  confidence: Confidence.optional(),
  date: DateInfo.optional(),
  slots: z.array(Slot.extend({ setpoint: Quantity, min: Quantity.optional(), max: Quantity.optional() })).min(1),
});
export type TemperatureProfile = z.infer<typeof TemperatureProfile>;
