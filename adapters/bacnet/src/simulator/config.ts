/** The simulator's configuration (the `simulators:` block of the hub config, or a test's literal). */
import { z } from "zod";
import { ASN1_MAX_INSTANCE } from "../lib.ts";
import { NameError, parseObjectId, parseUnits } from "../names.ts";
import { isPointType } from "./objects.ts";

function check(parse: () => unknown, ctx: z.RefinementCtx, path: string) {
  try {
    parse();
  } catch (e) {
    if (!(e instanceof NameError)) throw e;
    ctx.addIssue({ code: "custom", message: e.message, path: [path] });
  }
}

const ObjectConfig = z.object({
  object: z.string().describe("e.g. analog-value:7"),
  name: z.string().min(1),
  /** initial present-value (relinquish-default of commandable objects); binary objects take true/false or 1/0 */
  value: z.union([z.number(), z.boolean()]).transform((v) => (typeof v === "boolean" ? Number(v) : v)),
  units: z.union([z.string(), z.number().int()]).optional().describe("BACnet engineering units name or code"),
  commandable: z.boolean().optional(),
  covIncrement: z.number().min(0).optional(),
  states: z.number().int().min(1).max(255).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  description: z.string().optional(),
}).strict().superRefine((o, ctx) => {
  check(() => {
    if (!isPointType(parseObjectId(o.object).type)) throw new NameError(`${o.object} is not an analog, binary or multi-state object`);
  }, ctx, "object");
  if (o.units !== undefined) check(() => parseUnits(o.units!), ctx, "units");
});

export const DeviceConfig = z.object({
  instance: z.number().int().min(0).max(ASN1_MAX_INSTANCE - 1),
  /** UDP port on `host`; 0 picks a free one */
  port: z.number().int().min(0).max(65535).default(0),
  name: z.string().min(1).optional(),
  preset: z.enum(["ahu", "vav", "chiller", "lighting"]).optional(),
  /** objects added to (or replacing, by object id) the preset's */
  objects: z.array(ObjectConfig).default([]),
  modelName: z.string().optional(),
  vendorName: z.string().default("gridhub"),
  vendorId: z.number().int().min(0).max(65535).default(999),
  maxApdu: z.union([z.literal(50), z.literal(128), z.literal(206), z.literal(480), z.literal(1024), z.literal(1476)]).default(1476),
  segmentation: z.enum(["both", "transmit", "receive", "none"]).default("both"),
  services: z.object({
    readPropertyMultiple: z.boolean().default(true),
    cov: z.boolean().default(true),
  }).prefault({}),
}).strict();
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const SimulatorConfig = z.object({
  host: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address").default("127.0.0.1"),
  /** a BBMD on the simulated segment, for foreign-device registration */
  bbmd: z.object({
    port: z.number().int().min(0).max(65535).default(0),
    acceptForeignDevices: z.boolean().default(true),
  }).optional(),
  devices: z.array(DeviceConfig).min(1),
  /** plant behaviour step; 0 = values change only by writes */
  tickMs: z.number().int().min(0).default(0),
}).strict().superRefine((c, ctx) => {
  const seen = new Set<number>();
  c.devices.forEach((d, i) => {
    if (seen.has(d.instance)) ctx.addIssue({ code: "custom", message: `device instance ${d.instance} appears twice`, path: ["devices", i, "instance"] });
    seen.add(d.instance);
  });
});
export type SimulatorConfig = z.infer<typeof SimulatorConfig>;
