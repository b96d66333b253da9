/**
 * What mapping tables and the hub config say about Modbus: a point is either a plain register address or a SunSpec
 * point (model + point name, located by SunSpec discovery); a device is a TCP endpoint or a serial line, plus a unit id.
 */
import { z } from "zod";
import { registerFormats } from "./codec.ts";
import { models } from "./sunspec/layout.ts";

export const registerTables = ["coil", "discrete", "holding", "input"] as const;
export type RegisterTable = (typeof registerTables)[number];
const Order = z.enum(["big", "little"]);
const Register = z.number().int().min(0).max(65535).describe("protocol (PDU) address, 0-based; no 4xxxx prefix arithmetic");

export const RegisterAddress = z.object({
  table: z.enum(registerTables),
  register: Register,
  count: z.number().int().min(1).max(125).optional()
    .describe("registers the value spans: required for strings; 1, 2 or 4 for enum and bitfield points (default 1)"),
  wordOrder: Order.optional().describe("order of the 16-bit words of a multi-register value (default: the device's, else big)"),
  byteOrder: Order.optional().describe("order of the two bytes within each register (default: the device's, else big)"),
  bit: z.number().int().min(0).max(63).optional().describe("a bool point that is one bit of a register value (0 = least significant)"),
  byte: z.enum(["high", "low"]).optional().describe("int8/uint8 points: which byte of the register (default low)"),
  format: z.enum(registerFormats).optional()
    .describe("register encoding when it differs from the point's type, e.g. an int16 register read as a float32 point with sf"),
  sf: z.object({ table: z.enum(["holding", "input"]).default("holding"), register: Register }).strict().optional()
    .describe("SunSpec-style scale factor: value = raw * 10^(int16 in this register)"),
}).strict().superRefine((a, ctx) => {
  const bits = a.table === "coil" || a.table === "discrete";
  if (bits) {
    for (const k of ["count", "wordOrder", "byteOrder", "bit", "byte", "format", "sf"] as const) {
      if (a[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: `${k} does not apply to ${a.table} points (one bit each)` });
    }
  }
  if (a.register + (a.count ?? 1) > 65536) ctx.addIssue({ code: "custom", path: ["count"], message: "the point runs past register 65535" });
  if (a.bit !== undefined && a.byte !== undefined) ctx.addIssue({ code: "custom", path: ["byte"], message: "give bit or byte, not both" });
});
export type RegisterAddress = z.infer<typeof RegisterAddress>;

const ModelId = z.number().int().min(1).max(65534);
export const SunSpecAddress = z.object({
  model: z.union([ModelId, z.array(ModelId).min(1)]).describe("model id, or alternatives in order of preference (101, 102, 103)"),
  point: z.string().min(1).describe("point name as the model defines it, e.g. WMaxLimPct; group points as Group.Point"),
  instance: z.number().int().min(1).default(1).describe("which occurrence when the device has the model more than once"),
  bit: z.number().int().min(0).max(63).optional().describe("a bool point that is one bit of a bitfield point"),
}).strict().superRefine((a, ctx) => {
  for (const id of Array.isArray(a.model) ? a.model : [a.model]) {
    const m = models.get(id);
    if (!m) {
      ctx.addIssue({ code: "custom", path: ["model"], message: `SunSpec model ${id} is not in this adapter's model table (known: ${[...models.keys()].join(", ")})` });
    } else if (!m.points.has(a.point)) {
      const near = [...m.points.keys()].filter((n) => n.toLowerCase().startsWith(a.point.slice(0, 3).toLowerCase()));
      ctx.addIssue({ code: "custom", path: ["point"], message: `model ${id} has no point ${a.point}${near.length ? ` (did you mean ${near.slice(0, 4).join(", ")}?)` : ""}` });
    }
  }
});
export type SunSpecAddress = z.infer<typeof SunSpecAddress>;

export type PointAddress = ({ kind: "register" } & RegisterAddress) | ({ kind: "sunspec" } & SunSpecAddress);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Picks the schema by the address's own keys, so errors speak of the form the author meant. */
export const PointAddress: z.ZodType<PointAddress> = z.unknown().transform((input, ctx) => {
  // idempotent: the hub hands adapters addresses this schema already parsed (tagged with `kind`)
  const v = isRecord(input) && (input.kind === "register" || input.kind === "sunspec") ? (({ kind: _, ...rest }) => rest)(input) : input;
  const sunspec = isRecord(v) && "model" in v;
  const r = (sunspec ? SunSpecAddress : RegisterAddress).safeParse(v);
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path as (string | number)[], message: i.message });
    return z.NEVER;
  }
  return sunspec ? { kind: "sunspec" as const, ...(r.data as SunSpecAddress) } : { kind: "register" as const, ...(r.data as RegisterAddress) };
});

const deviceOptions = {
  wordOrder: Order.default("big").describe("word order of this device's multi-register values"),
  byteOrder: Order.default("big"),
  maxRegisters: z.number().int().min(1).max(125).optional().describe("largest read this device accepts (default: adapter's)"),
  maxGap: z.number().int().min(0).max(124).optional().describe("unused registers a read may bridge (default: adapter's)"),
  writeMultiple: z.boolean().default(false).describe("always write with FC16/FC15, even a single register or coil"),
  sunspecBase: Register.optional().describe("where the 'SunS' marker is (default: try the adapter's sunspec.bases)"),
};

export const TcpDeviceAddress = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(502),
  unitId: z.number().int().min(0).max(255).default(1),
  ...deviceOptions,
}).strict();

export const RtuDeviceAddress = z.object({
  path: z.string().min(1).describe("serial device, e.g. /dev/ttyUSB0"),
  baudRate: z.number().int().min(300).max(921600).default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  parity: z.enum(["none", "even", "odd"]).default("none"),
  unitId: z.number().int().min(1).max(247).default(1),
  ...deviceOptions,
}).strict();

export type TcpDeviceAddress = z.infer<typeof TcpDeviceAddress>;
export type RtuDeviceAddress = z.infer<typeof RtuDeviceAddress>;
export type DeviceAddress = TcpDeviceAddress | RtuDeviceAddress;

export const DeviceAddress: z.ZodType<DeviceAddress> = z.unknown().transform((v, ctx) => {
  const rtu = isRecord(v) && "path" in v;
  const r = (rtu ? RtuDeviceAddress : TcpDeviceAddress).safeParse(v);
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path as (string | number)[], message: i.message });
    return z.NEVER;
  }
  return r.data;
});

export function isRtu(a: DeviceAddress): a is RtuDeviceAddress {
  return "path" in a;
}
