/**
 * The grid table schema (`kind: grid`, `protocol: openadr`, its `map:`): which OpenADR event signals this site
 * answers and the neutral message each becomes. Keyed by signalName, then signalType. A rule is either one
 * action for every interval (the payload goes into each slot through `value`), or `levels`: the payload picks
 * the action, and each run of intervals with the same action becomes one message (SIMPLE 1/2 vs 3).
 */
import { z } from "zod";
import { engineeringUnits } from "gridhub/model";
import { OPT_REASONS, SIGNAL_NAMES, SIGNAL_TYPES } from "../codec/index.ts";

const Value = z.object({
  to: z.enum(["power", "relative", "price", "setpoint"]).describe("slot field that receives the signal payload"),
  scale: z.number().default(1).describe("payload x scale (e.g. 100 for a capacity fraction -> percent)"),
  unit: z.enum(engineeringUnits).optional().describe("unit of the payload when the signal carries no itemBase"),
}).strict();
export type SignalValue = z.infer<typeof Value>;

const Lgm = z.object({
  message: z.literal("LoadGenerationManagement"),
  request: z.enum(["decrease", "increase", "limit", "setpoint"]),
  direction: z.enum(["consumption", "generation", "net-import", "net-export"]).default("consumption"),
  urgency: z.enum(["low", "normal", "high", "critical"]).default("normal"),
  mandatory: z.boolean().default(false),
  value: Value.optional(),
}).strict();

const Price = z.object({
  message: z.literal("PriceEnvironmentProfile"),
  tariffKind: z.enum(["fixed-schedule", "time-of-use", "real-time", "hourly"]).default("real-time"),
  flow: z.enum(["import", "export"]).default("import"),
  binding: z.enum(["binding", "forecast", "final"]).default("binding"),
  value: Value,
}).strict();

const Temperature = z.object({ message: z.literal("TemperatureProfile"), value: Value }).strict();

const Emergency = z.object({
  message: z.literal("Emergency"),
  mode: z.enum(["emergency-connected-off", "network-standby"]).default("network-standby"),
  level: z.number().int().min(0).optional(),
}).strict();

/** Normal operation: nothing is published for these intervals (SIMPLE level 0). */
const Nothing = z.object({ message: z.literal("none") }).strict();

const VALUE_TARGETS: Record<string, readonly string[]> = {
  LoadGenerationManagement: ["power", "relative"],
  PriceEnvironmentProfile: ["price"],
  TemperatureProfile: ["setpoint"],
};

export const SignalAction = z.discriminatedUnion("message", [Lgm, Price, Temperature, Emergency, Nothing])
  .superRefine((a, ctx) => {
    const to = "value" in a ? a.value?.to : undefined;
    if (to && !VALUE_TARGETS[a.message]?.includes(to)) {
      ctx.addIssue({ code: "custom", path: ["value", "to"], message: `${a.message} slots take ${VALUE_TARGETS[a.message]?.join(" or ")}, not ${to}` });
    }
  });
export type SignalAction = z.infer<typeof SignalAction>;

const Levels = z.object({
  levels: z.record(z.string().regex(/^-?\d+$/, "levels are integers"), SignalAction),
}).strict();

export const SignalRule = z.union([Levels, SignalAction]);
export type SignalRule = z.infer<typeof SignalRule>;

const SignalNameKey = z.string().refine((n) => (SIGNAL_NAMES as readonly string[]).includes(n) || /^x-\S/.test(n),
  `an OpenADR signalName (${SIGNAL_NAMES.join(", ")}) or an x- extension`);

const IdMap = z.object({
  map: z.record(z.string(), z.string().min(1)).optional().describe("OpenADR id -> hub id; ids not listed are used as they are"),
}).strict();

export const SignalMap = z.object({
  signals: z.record(SignalNameKey, z.partialRecord(z.enum(SIGNAL_TYPES), SignalRule)),
  targets: z.object({
    resourceID: IdMap.prefault({}).describe("eiTarget resourceIDs -> hub device ids"),
    groupID: IdMap.prefault({}).describe("eiTarget groupIDs -> hub groups"),
  }).strict().prefault({}),
  opt: z.object({
    policy: z.enum(["optIn-unless-all-unsuccessful", "always-optIn"]).default("optIn-unless-all-unsuccessful")
      .describe("how device Results become the event's optIn/optOut"),
    reason: z.union([z.enum(OPT_REASONS), z.string().regex(/^x-\S/)]).default("notParticipating")
      .describe("optReason of the oadrCreateOpt sent when device results turn an optIn into an optOut"),
  }).strict().prefault({}),
}).strict();
export type SignalMap = z.infer<typeof SignalMap>;
