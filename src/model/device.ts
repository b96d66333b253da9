/** CEM <-> smart device messages (C<->D), neutral-model.md §1.3. */
import { z } from "zod";
import { DeviceClass, Duration, Iso, Percent, Quantity, Ref, Slot } from "./common.ts";
import { PowerProfile } from "./profiles.ts";

/** Simple commands (Table 1 "simple data unit"); mapping tables key on "Command.<action>". */
export const Command = z.discriminatedUnion("action", [
  /** JWG111x/112x, 211x, 212x, WGSP2121, JWG1120/1130 */
  z.object({ action: z.enum(["on", "off"]) }),
  /** JWG1110 */
  z.object({ action: z.enum(["start", "stop"]), programme: z.string().optional() }),
  /** JWG111x, 112x */
  z.object({ action: z.enum(["pause", "resume", "abort"]) }),
  /** JWG1110: cooling, heating, mode 1..n */
  z.object({ action: z.literal("setMode"), mode: z.string().min(1) }),
  z.object({ action: z.literal("setFan"), auto: z.boolean(), level: z.number().int().min(0).optional() }),
  /** WGSP2121 */
  z.object({ action: z.literal("setTemperature"), setpoint: Quantity }),
  /** JWG1103, 120x, 121x, 202x, 212x, WGSP2112 */
  z.object({ action: z.literal("setTimer"), at: Iso }),
  /** storage */
  z.object({ action: z.enum(["charge", "discharge"]), power: Quantity.optional(), rapid: z.boolean().optional() }),
  z.object({ action: z.literal("standby") }),
  /** JWG111x/112x, 211x, 212x */
  z.object({ action: z.enum(["increaseHeat", "decreaseHeat"]), absolute: Quantity.optional(), relative: z.number().optional() }),
  /** WGSP2121 */
  z.object({ action: z.literal("storeHeat") }),
  z.object({ action: z.literal("shutOffProfile"), slots: z.array(Slot).min(1) }),
  /** JWG5, JWG23 */
  z.object({ action: z.literal("dim"), level: Percent }),
  /** WGSP2121 */
  z.object({ action: z.literal("setVarMode"), mode: z.string().min(1), value: Quantity.optional() }),
  z.object({ action: z.literal("voltageSupport"), value: Quantity }),
  /** WGSP2112, JWG13 */
  z.object({ action: z.literal("setTariffThreshold"), threshold: Quantity, flow: z.enum(["import", "export"]) }),
  /** JWG8, WGSP2122 */
  z.object({ action: z.literal("emergencyMode"), on: z.boolean() }),
]);
export type Command = z.infer<typeof Command>;
export type CommandAction = Command["action"];
export const CommandMessage = z.object({ device: z.string().min(1), command: Command });

/** Flexible start offer, SD -> CEM (JWG1, JWG2, JWG1100/1101). */
export const FlexibleStartOffer = z.object({
  device: z.string().min(1), programme: z.string().optional(), earliestStart: Iso, latestStart: Iso.optional(),
  latestEnd: Iso, duration: Duration, profile: PowerProfile, incentiveProgramme: z.string().optional(),
});
/** CEM -> SD start time (JWG-SPUC1102), re-sendable with the same correlationId until the device runs. */
export const StartTimeAssignment = z.object({ device: z.string().min(1), offerId: z.string().min(1), startAt: Iso });
/** CEM -> SD slot shift (JWG1103); the device answers with an updated PowerProfile. */
export const SlotShift = z.object({
  device: z.string().min(1), sequenceId: z.string().min(1), slotIndex: z.number().int().min(0), newStart: Iso,
});
/** Answer to every request (Table 1 status successful/unsuccessful; JWG14 "what can be achieved"). */
export const Result = z.object({
  of: z.string().min(1),
  outcome: z.enum(["successful", "unsuccessful", "partial"]),
  achieved: Quantity.optional(),
  reason: z.string().optional(),
  at: Iso,
});
export const DeviceState = z.enum([
  "on", "off", "standby", "waiting-for-start", "running", "paused", "finished", "error", "emergency-connected-off", "unreachable",
]);
/** WGSP2114, WGSP2121 PV data set; JWG1103, 120x, 212x */
export const DeviceStatus = z.object({
  device: z.string().min(1), deviceClass: DeviceClass, at: Iso, state: DeviceState,
  remaining: Duration.optional(), programmeDuration: Duration.optional(), latestEnd: Iso.optional(),
  flexibleStart: z.boolean().optional(), mode: z.string().optional(), soc: Percent.optional(), power: Quantity.optional(),
  pv: z.record(z.string(), Quantity).optional(),
});
/** WGSP2114, JWG11 heartbeat miss */
export const StatusRequest = z.object({ device: z.string().min(1), deviceClass: DeviceClass.optional() });
/** WGSP2114 */
export const LogRequest = z.object({
  scope: Ref, deviceClass: z.enum(["fuel-cell", "heat-pump", "pv", "storage-battery"]).optional(), from: Iso, to: Iso,
});
/** WGSP2114, JWG1130, 2001, 2002, 2010, 2041, 2042, JWG3102 */
export const LogInfo = z.object({
  kind: z.enum(["device-log", "control-result", "suppression-performance", "aggregated-suppression-performance",
    "accommodation-report", "power-loss"]),
  entries: z.array(z.object({
    at: Iso, device: z.string().optional(), event: z.string().min(1), value: Quantity.optional(), detail: z.string().optional(),
  })),
});
/** WGSP2121 */
export const Telemetry = z.object({
  device: z.string().min(1), at: Iso, points: z.record(z.string(), z.union([Quantity, z.string(), z.boolean()])),
});
/** JWG9 */
export const DeviceCapabilities = z.object({
  device: z.string().min(1), deviceClass: DeviceClass,
  commands: z.array(z.string().min(1)),
  profiles: z.array(z.enum(["PowerProfile", "TemperatureProfile", "FlexibleStart"])),
  ratedPower: Quantity.optional(), capacity: Quantity.optional(),
});
/** WGSP2113: CEM -> SD before an operation */
export const SubscribedPower = z.object({ limit: Quantity, totalNow: Quantity });
/** WGSP2113, JWG4, JWG11, JWG3102 (also sent grid-side) */
export const Warning = z.object({
  scope: Ref,
  kind: z.enum(["power-limit-exceeded", "disconnect", "abnormal-status", "blackout", "event-terminated", "clock-drift"]),
  detail: z.string().optional(),
  event: z.object({ type: z.enum(["grid-blackout", "breaker-trip"]), duration: Duration.optional() }).optional(),
});
