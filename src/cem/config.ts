/**
 * The `cem:` section of the hub config: which grid message types the Customer Energy Manager decides (the rest go
 * straight to the device tables), the site's limits and objective, what the CEM knows about each device (the
 * customer's priorities, exemptions, flexibility, programmes, price thresholds), and which policies run.
 */
import { z } from "zod";
import { Duration, messageTypes } from "../model/index.ts";

const Watts = z.number().min(0).describe("W");
const Price = z.number().describe("currency/kWh");
const Percent = z.number().min(0).max(100);
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/, "a time of day such as 07:00 (HH:MM[:SS[.mmm]])");
const On = z.boolean().default(true);

export const Programme = z.object({
  profile: z.array(z.object({ duration: Duration, powerW: Watts }).strict()).min(1).describe("the programme's power profile, slot by slot"),
  trigger: z.enum(["status", "tariff"]).default("status")
    .describe("status: planned when the device reports waiting-for-start; tariff: planned for the next latestEnd whenever a tariff arrives"),
  latestEnd: z.union([TimeOfDay, z.object({ point: z.string().min(1) }).strict()])
    .describe("a time of day, or the table point where the user set it (HH:MM text, ISO date-time or epoch seconds)"),
  execute: z.enum(["timer", "window", "temperature"]).default("timer")
    .describe("timer: StartTimeAssignment; window: LoadGenerationManagement increase for the window; temperature: TemperatureProfile"),
  setpoint: z.number().optional().describe("degC held during the window (execute: temperature)"),
}).strict().refine((p) => p.execute !== "temperature" || p.setpoint !== undefined, { message: "execute: temperature needs a setpoint", path: ["setpoint"] });
export type Programme = z.infer<typeof Programme>;

export const PriceResponse = z.object({
  flow: z.enum(["import", "export"]).default("import").describe("which price the thresholds compare with"),
  dischargeAbove: Price.optional(),
  chargeBelow: Price.optional(),
  offAbove: Price.optional().describe("reduce consumption (the table's LoadGenerationManagement decrease) while the price is at or above"),
  onBelow: Price.optional().describe("consume now (LoadGenerationManagement increase) while the price is at or below"),
  powerW: Watts.optional().describe("charge/discharge power (default: ratedPowerW)"),
}).strict().refine((p) => [p.dischargeAbove, p.chargeBelow, p.offAbove, p.onBelow].some((v) => v !== undefined), "give at least one threshold");
export type PriceResponse = z.infer<typeof PriceResponse>;

export const CemDevice = z.object({
  priority: z.number().int().min(0).max(100).default(50).describe("the customer's importance: the lowest gives first"),
  exempt: z.boolean().default(false).describe("never switched off in an emergency (safety loads, the gas boiler)"),
  contracted: z.boolean().default(false).describe("under a DSM contract: the yellow traffic light reduces it"),
  keepInDisaster: z.boolean().default(false).describe("prioritised by the user in a disaster (water heater, battery)"),
  ratedPowerW: Watts.optional(),
  decreaseW: Watts.default(0).describe("flexibility: how far it can reduce its draw on request"),
  minPowerW: Watts.optional().describe("what it must keep drawing (lighting minimum)"),
  socFloor: Percent.optional().describe("storage: never discharged below this state of charge"),
  programme: Programme.optional(),
  priceResponse: PriceResponse.optional(),
}).strict();
export type CemDevice = z.infer<typeof CemDevice>;

const PeakShift = z.object({
  enabled: On,
  battery: z.string().min(1).describe("the device the battery SCADA schedules"),
  capacityWh: z.number().positive(),
  socMin: Percent.default(10).describe("the customer's limits an inquiry must stay within"),
  socMax: Percent.default(90),
  maxChargeW: Watts,
  maxDischargeW: Watts,
  slot: Duration.default("PT30M"),
  slots: z.number().int().min(1).max(96).default(48),
  form: z.enum(["detail", "outline", "surplus"]).default("detail"),
}).strict().refine((p) => p.socMin < p.socMax, { message: "socMin must be below socMax", path: ["socMin"] });

const Group = z.object({
  enabled: On,
  id: z.string().min(1).describe("the group of buildings this hub manages (JWG2002 Model 3)"),
  members: z.record(z.string().min(1), z.object({
    priority: z.number().int().min(0).max(100).default(50),
    curtailmentW: Watts.default(0).describe("until the building reports its own (BuildingInfo.curtailmentAbility)"),
  }).strict()).refine((m) => Object.keys(m).length > 0, "a group needs members"),
}).strict();

export const CemConfig = z.object({
  enabled: On,
  handles: z.array(z.enum(messageTypes as [string, ...string[]])).optional()
    .describe("grid message types the CEM decides; others go straight to the device tables (default: every type an enabled policy decides)"),
  site: z.object({
    importLimitW: Watts.default(1_000_000_000),
    baseLoadW: Watts.default(0).describe("what the rest of the site draws, for planning under the import limit"),
    objective: z.enum(["cheapest", "greenest"]).default("cheapest").describe("the customer's preference for flexible starts"),
    timeZone: z.string().default("UTC").describe("IANA zone for times of day (finish by 07:00)"),
  }).strict().prefault({}),
  planner: z.object({
    step: Duration.default("PT15M"),
    horizon: Duration.default("PT48H"),
    maxNodes: z.number().int().min(1).max(1_000_000).default(5000).describe("search budget for the joint placement of programmes"),
  }).strict().prefault({}),
  resultTimeout: Duration.default("PT30S").describe("how long after a message's start device Results are waited for"),
  alive: z.object({ interval: Duration }).strict().optional().describe("periodic CemAlive to the grid side (JWG2042)"),
  devices: z.record(z.string().min(1), CemDevice).default({}),
  policies: z.object({
    flexibleStart: z.object({ enabled: On }).strict().prefault({}),
    priceResponse: z.object({ enabled: On, socCheck: Duration.default("PT30S") }).strict().prefault({}),
    loadManagement: z.object({ enabled: On }).strict().prefault({}),
    emergency: z.object({ enabled: On }).strict().prefault({}),
    trafficLight: z.object({ enabled: On }).strict().prefault({}),
    disaster: z.object({ enabled: On, blackoutLead: Duration.default("PT5M").describe("how long before a scheduled blackout the kept devices stop") }).strict().prefault({}),
    supervision: z.object({ enabled: On }).strict().prefault({}),
    cascade: z.object({ enabled: On }).strict().optional()
      .describe("this building answers an upper CEM: priorities, estimated profile and curtailment ability go north; triage proposals are chosen"),
    negawatt: z.object({ enabled: On, price: Price.describe("asking price per kWh reduced") }).strict().optional(),
    peakShift: PeakShift.optional(),
    group: Group.optional(),
  }).strict().prefault({}),
}).strict();
export type CemConfig = z.infer<typeof CemConfig>;
export type CemConfigInput = z.input<typeof CemConfig>;
