/**
 * The mapping-table format. This zod schema is the single definition; `npm run schemas` publishes it as
 * JSON Schema (mappings/mapping-table.schema.json) for editors, and a test keeps the two in step.
 */
import { z } from "zod";
import { dataTypes } from "../hub/points.ts";
import { DeviceClass, messageTypes } from "../model/index.ts";
import { engineeringUnits } from "../model/quantity.ts";

const Scalar = z.union([z.number(), z.string(), z.boolean()]);
const PointName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "point names are identifiers: letters, digits, _");
/** "500ms", "10s", "5m", "1h" or an ISO 8601 duration */
export const Interval = z.union([
  z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "must be like 500ms, 10s, 5m, 1h or an ISO 8601 duration"),
  z.iso.duration(),
]);

export const PointDef = z.object({
  address: z.record(z.string(), z.unknown()).describe("protocol address, checked by the adapter of `protocol`"),
  type: z.enum(dataTypes).default("float32"),
  unit: z.enum(engineeringUnits).optional().describe("engineering unit of the value after scale/offset"),
  scale: z.number().refine((v) => v !== 0, "scale must not be 0").optional().describe("engineering = raw * scale + offset"),
  offset: z.number().optional(),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional()
    .describe("enum labels -> raw values"),
  access: z.enum(["r", "w", "rw"]).default("r"),
  min: z.number().optional().describe("engineering lower bound; writes below are refused"),
  max: z.number().optional().describe("engineering upper bound; writes above are refused"),
  priority: z.number().int().min(1).max(16).optional().describe("protocol write priority (BACnet)"),
  poll: Interval.optional(),
  subscribe: z.union([z.boolean(), z.object({ sampling: Interval.optional(), deadband: z.number().min(0).optional() })]).optional(),
  description: z.string().optional(),
}).strict();
export type PointDef = z.infer<typeof PointDef>;

export const sources = ["slot.power", "slot.relative", "slot.setpoint", "slot.min", "slot.max", "current"] as const;
export const ValueExpr = z.union([
  Scalar,
  z.object({
    value: Scalar.optional(),
    from: z.string().regex(/^(slot\.(power|relative|setpoint|min|max)|current|body(\.[A-Za-z0-9_]+)+)$/,
      "from must be slot.power, slot.relative, slot.setpoint, slot.min, slot.max, current or body.<path>").optional(),
    unit: z.enum(engineeringUnits).optional().describe("convert a neutral quantity to this unit (default: the point's unit)"),
    scale: z.number().optional(),
    offset: z.number().optional(),
    map: z.record(z.string(), Scalar).optional().describe("lookup: source value (as text) -> value"),
    clamp: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, "clamp needs [min, max] with min <= max").optional(),
    round: z.number().int().min(0).max(6).optional().describe("decimal places"),
    default: Scalar.optional().describe("used when the source is absent"),
  }).strict().refine((e) => e.value !== undefined || e.from !== undefined, "a value expression needs `value` or `from`"),
]);
export type ValueExpr = z.infer<typeof ValueExpr>;

const Condition = z.union([
  Scalar,
  z.array(Scalar).min(1),
  z.object({
    gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional(),
    not: z.union([Scalar, z.array(Scalar)]).optional(), exists: z.boolean().optional(),
  }).strict(),
]);
export type Condition = z.infer<typeof Condition>;

export const Restore = z.union([
  z.enum(["previous", "relinquish", "none"]),
  z.record(PointName, ValueExpr),
]);
export type Restore = z.infer<typeof Restore>;

export const Rule = z.object({
  when: z.record(z.string(), Condition).optional()
    .describe("body paths (dotted; slot.* = the current slot) that must match for the rule to apply"),
  priority: z.number().int().min(0).max(100).default(50)
    .describe("when several active messages write one point, the highest priority holds it"),
  set: z.record(PointName, ValueExpr).optional().describe("written once when the message arrives"),
  while: z.record(PointName, ValueExpr).optional().describe("held for the validity interval, re-evaluated per slot"),
  restore: Restore.optional().describe("what happens to `while` points when the message ends (default previous)"),
  description: z.string().optional(),
}).strict().refine((r) => r.set || r.while, "a rule needs `set` or `while`")
  .refine((r) => !(r.restore && !r.while), "`restore` only applies to `while` points");
export type Rule = z.infer<typeof Rule>;

const commandActions = ["on", "off", "start", "stop", "pause", "resume", "abort", "setMode", "setFan", "setTemperature",
  "setTimer", "charge", "discharge", "standby", "increaseHeat", "decreaseHeat", "storeHeat", "shutOffProfile", "dim",
  "setVarMode", "voltageSupport", "setTariffThreshold", "emergencyMode"] as const;
export const triggerNames = [...messageTypes.filter((t) => t !== "Command"), ...commandActions.map((a) => `Command.${a}`)];
const Trigger = z.enum(triggerNames as [string, ...string[]]);

const PointOrRef = z.union([PointName, z.object({ point: PointName, map: z.record(z.string(), z.string()).optional() }).strict()]);
export const ReportSpec = z.object({
  Telemetry: z.object({ points: z.union([z.literal("all"), z.array(PointName)]).default("all") }).strict().optional(),
  InstantaneousPower: z.object({
    power: PointName,
    direction: z.enum(["consumption", "generation", "sign"])
      .describe("sign: positive values are generation, negative consumption"),
  }).strict().optional(),
  DeviceStatus: z.object({
    state: PointOrRef.optional(), mode: PointOrRef.optional(), soc: PointName.optional(), power: PointName.optional(),
  }).strict().optional(),
  Metering: z.object({
    importEnergy: PointName.optional(), exportEnergy: PointName.optional(), power: PointName.optional(),
  }).strict().optional(),
}).strict();
export type ReportSpec = z.infer<typeof ReportSpec>;

const TableId = z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/, "table ids look like <device-type>/<protocol>");

/**
 * A grid-side table: how a northbound protocol's signals become neutral messages (OpenADR signals, 2030.5
 * controls). Its `map` is checked by the adapter that uses it (manifest.gridTable), with the same file:line errors.
 */
export const GridTable = z.object({
  $schema: z.string().optional(),
  table: TableId,
  kind: z.literal("grid"),
  protocol: z.string().min(1),
  description: z.string().optional(),
  map: z.record(z.string(), z.unknown()),
}).strict();
export type GridTable = z.infer<typeof GridTable>;

export const MappingTable = z.object({
  $schema: z.string().optional(),
  kind: z.literal("device").optional(),
  table: TableId,
  protocol: z.string().min(1),
  deviceClass: DeviceClass.optional(),
  description: z.string().optional(),
  match: z.record(z.string(), z.unknown()).optional().describe("which discovered devices the table applies to (adapter-specific)"),
  points: z.record(PointName, PointDef),
  on: z.partialRecord(Trigger, z.array(Rule).min(1)).default({}),
  report: ReportSpec.optional(),
}).strict();
export type MappingTable = z.infer<typeof MappingTable>;

/** What a YAML document in mappings/ may be: a device table (the default) or a grid table. */
export const AnyTable = z.union([GridTable, MappingTable]);
