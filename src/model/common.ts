import { z } from "zod";

/** ISO 8601 instant; an offset (Z or ±hh:mm) is mandatory so that validity intervals and tariffs never depend on the hub's zone. */
export const Iso = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with an offset (e.g. 2026-11-21T12:00:00Z)" });
export const Duration = z.iso.duration({ error: "must be an ISO 8601 duration (e.g. PT15M)" });

export const RefKind = z.enum(["device", "group", "building", "cem"]);
export const Ref = z.union([
  z.object({ kind: RefKind, id: z.string().min(1) }),
  z.object({ kind: z.literal("all") }),
]);
export type Ref = z.infer<typeof Ref>;

export const Unit = z.enum(["W", "Wh", "var", "VA", "A", "V", "Hz", "degC", "%", "gCO2/kWh", "currency/kWh", "currency"]);
export type Unit = z.infer<typeof Unit>;

/** value·10^multiplier in `unit`; currency is an ISO 4217 code for currency units. */
export const Quantity = z.object({
  value: z.number().finite(),
  multiplier: z.number().int().min(-12).max(12).optional(),
  unit: Unit,
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR").optional(),
});
export type Quantity = z.infer<typeof Quantity>;

export const Direction = z.enum(["consumption", "generation"]);
export type Direction = z.infer<typeof Direction>;

/** start absent = directly after the previous slot. */
export const Slot = z.object({ start: Iso.optional(), duration: Duration });
export type Slot = z.infer<typeof Slot>;

export const DateInfo = z.object({
  date: z.iso.date().optional(),
  weekdays: z.array(z.number().int().min(1).max(7)).optional(),
});
export const Confidence = z.number().min(0).max(100);
export const Percent = z.number().min(0).max(100);
export const Urgency = z.enum(["low", "normal", "high", "critical"]);
export type Urgency = z.infer<typeof Urgency>;

export const DeviceClass = z.enum([
  "washing-machine", "dishwasher", "ev", "evse", "heat-pump", "water-heater", "air-conditioner", "ahu",
  "chiller", "lighting", "fuel-cell", "pv", "storage-battery", "meter", "load",
]);
export type DeviceClass = z.infer<typeof DeviceClass>;

/** JWG3, JWG2001 */
export const Incentive = z.object({
  amount: Quantity,
  basis: z.enum(["answering", "acting", "acceptance", "contribution"]),
});
export type Incentive = z.infer<typeof Incentive>;
