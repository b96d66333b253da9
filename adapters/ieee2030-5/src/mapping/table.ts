/**
 * The `map:` of a 2030.5 grid table (mappings/ieee2030-5/*.yaml, `kind: grid`): for each DER control mode and each
 * DRLC control, an ordered list of rules; the first rule whose `when` matches (and whose value source the control
 * carries) makes the neutral message. `message: none` ignores the control.
 */
import { z } from "zod";

const Range = z.object({ lt: z.number(), lte: z.number(), gt: z.number(), gte: z.number() }).partial().strict();
const When = z.object({
  value: z.union([z.boolean(), z.number(), Range]).optional().describe("the control's value (bool, or number in the rule's value unit)"),
  primacy: z.union([z.number().int(), Range]).optional().describe("the program's primacy (lower = higher priority)"),
  mandatory: z.boolean().optional().describe("DRLC: drProgramMandatory"),
}).strict();

const Direction = z.enum(["consumption", "generation", "net-import", "net-export"]);
const Lgm = z.object({
  when: When.optional(),
  message: z.literal("LoadGenerationManagement"),
  request: z.enum(["decrease", "increase", "limit", "setpoint"]),
  direction: z.union([Direction, z.literal("sign")]).describe("sign: positive values generation, negative consumption"),
  value: z.enum(["relative", "power", "none"]).default("none")
    .describe("relative: the slot's relative % (the control's % of setMaxW); power: the slot's power in W"),
  relative: z.number().min(-100).max(100).optional().describe("a fixed slot.relative (e.g. 0 for a disconnect as a 0 % limit)"),
  urgency: z.enum(["low", "normal", "high", "critical"]).default("normal"),
  mandatory: z.boolean().optional().describe("default: DRLC drProgramMandatory, DER true"),
}).strict();
const Emergency = z.object({
  when: When.optional(),
  message: z.literal("Emergency"),
  mode: z.enum(["emergency-connected-off", "network-standby"]),
  level: z.number().int().min(0).optional(),
}).strict();
const Command = z.object({
  when: When.optional(),
  message: z.literal("Command"),
  action: z.enum(["on", "off", "setVarMode", "voltageSupport", "emergencyMode"]),
  mode: z.string().min(1).optional().describe("setVarMode: the mode name the device tables match"),
  value: z.enum(["power-factor", "var", "percent", "voltage", "none"]).default("none"),
}).strict();
const Temperature = z.object({
  when: When.optional(),
  message: z.literal("TemperatureProfile"),
  setpoint: z.enum(["cooling", "heating"]).describe("which SetPoint of the control becomes the slot setpoint"),
}).strict();
const None = z.object({ when: When.optional(), message: z.literal("none") }).strict();

export const Rule = z.discriminatedUnion("message", [Lgm, Emergency, Command, Temperature, None]);
export type Rule = z.infer<typeof Rule>;
export type LgmRule = z.infer<typeof Lgm>;
export type CommandRule = z.infer<typeof Command>;
const Rules = z.array(Rule).min(1);

export const derModes = [
  "opModConnect", "opModEnergize", "opModFixedPFAbsorbW", "opModFixedPFInjectW", "opModFixedVar", "opModFixedW",
  "opModMaxLimW", "opModTargetVar", "opModTargetW", "opModFreqWatt", "opModVoltVar", "opModVoltWatt", "opModWattPF",
  "opModWattVar",
] as const;
export type DerMode = (typeof derModes)[number];
export const drlcControls = ["DutyCycle", "Offset", "SetPoint", "TargetReduction", "ApplianceLoadReduction"] as const;
export type DrlcControl = (typeof drlcControls)[number];

export const GridMap = z.object({
  der: z.partialRecord(z.enum(derModes), Rules).default({}),
  drlc: z.partialRecord(z.enum(drlcControls), Rules).default({}),
  pricing: z.object({
    message: z.enum(["PriceEnvironmentProfile", "Tariff", "none"]).default("PriceEnvironmentProfile"),
    tariffKind: z.enum(["fixed-schedule", "time-of-use", "real-time", "hourly"]).default("time-of-use"),
    binding: z.enum(["binding", "forecast", "final"]).default("binding"),
  }).strict().prefault({}),
}).strict();
export type GridMap = z.infer<typeof GridMap>;

export function matches(cond: number | boolean | z.infer<typeof Range> | undefined, v: number | boolean | undefined): boolean {
  if (cond === undefined) return true;
  if (v === undefined) return false;
  if (typeof cond !== "object") return cond === v;
  if (typeof v !== "number") return false;
  return (cond.lt === undefined || v < cond.lt) && (cond.lte === undefined || v <= cond.lte)
    && (cond.gt === undefined || v > cond.gt) && (cond.gte === undefined || v >= cond.gte);
}
