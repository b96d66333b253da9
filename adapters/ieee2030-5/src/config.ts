/** The adapter's `config:` block: one package, two roles (`role: client | server`). Paths go through ctx.resolvePath. */
import { z } from "zod";
import { Interval } from "gridhub/mapping";
import { Ref } from "gridhub/model";
import { TlsFiles } from "gridhub/security";

const Lfdi = z.string().regex(/^[0-9A-Fa-f]{40}$/, "an LFDI: 40 hex digits").transform((s) => s.toUpperCase());
const HttpsUrl = z.url({ protocol: /^https$/, error: "must be an https:// URL" });

export const ClientConfig = z.object({
  role: z.literal("client"),
  server: HttpsUrl.describe("the utility server's DeviceCapability URL, e.g. https://utility.example:8443/dcap"),
  serverLfdi: Lfdi.optional().describe("pins the server's certificate (besides chain validation)"),
  tls: TlsFiles,
  pin: z.number().int().min(0).max(999999).optional()
    .describe("the Registration PIN the server must show for this device (CSIP out-of-band registration check)"),
  table: z.string().default("ieee2030-5/default").describe("grid table (mappings/ieee2030-5) for controls -> neutral messages"),
  building: z.string().min(1).optional().describe("scope id of LoadGenerationManagement/TemperatureProfile; default: the adapter name"),
  targets: z.array(Ref).min(1).default([{ kind: "all" }]).describe("targets of the published messages"),
  commandDevices: z.array(z.string().min(1)).default([])
    .describe("devices that take direct commands (var modes, curves); they must be externallyControllable in the hub config"),
  der: z.object({
    setMaxW: z.number().positive().optional().describe("the DER's setMaxW in W: converts % of setMaxW to W and back"),
  }).strict().prefault({}),
  deviceCategory: z.string().regex(/^([0-9A-Fa-f]{2}){1,4}$/, "DeviceCategoryType bits as 2 to 8 hex digits, e.g. 00200000").optional()
    .describe("this EndDevice's device categories; controls naming only other categories are ignored"),
  pollRate: Interval.optional().describe("overrides the server's pollRate"),
  randomize: z.boolean().default(true).describe("apply randomizeStart / randomizeDuration"),
  notifications: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(0),
    url: HttpsUrl.optional().describe("base URL announced in subscriptions; default https://host:port"),
  }).strict().optional().describe("listen for notifications and subscribe where the server offers it (polling continues as a safety net)"),
  metering: z.object({
    enabled: z.boolean().default(true),
    postRate: Interval.default("5m").describe("how often mirror readings are posted (the server's postRate wins when it sets one)"),
  }).strict().prefault({}),
  clockDrift: Interval.default("5s").describe("a server clock further off than this raises a clock-drift Warning"),
  http: z.object({
    timeout: Interval.default("10s"),
    maxBodyBytes: z.number().int().min(1024).default(256 * 1024),
  }).strict().prefault({}),
  retry: z.object({ initial: Interval.default("1s"), max: Interval.default("60s") }).strict().prefault({}),
}).strict();
export type ClientConfig = z.infer<typeof ClientConfig>;

export const ServerConfig = z.object({
  role: z.literal("server"),
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
  url: HttpsUrl.optional().describe("the server's public base URL (absolute URIs in notifications); default https://host:port"),
  tls: TlsFiles,
  pollRate: z.number().int().min(1).max(86400).default(900).describe("seconds, advertised to clients"),
  enrolment: z.enum(["preregistered", "open"]).default("preregistered")
    .describe("preregistered: only LFDIs the config or the operator API lists; open: any certificate the trust anchors accept"),
  devices: z.array(z.object({
    lfdi: Lfdi,
    pin: z.number().int().min(0).max(999999).optional(),
    description: z.string().max(32).optional(),
  }).strict()).default([]).describe("EndDevices known from the start (more through the operator API)"),
  maxListLimit: z.number().int().min(1).max(10000).default(255).describe("the most items one list GET returns"),
  retainEvents: Interval.default("24h").describe("events stay listed this long after their end (the store keeps them all)"),
  maxBodyBytes: z.number().int().min(1024).default(256 * 1024),
  notifications: z.object({
    timeout: Interval.default("10s"),
    retry: z.object({ initial: Interval.default("1s"), max: Interval.default("60s") }).strict().prefault({}),
    maxAttempts: z.number().int().min(1).default(10),
  }).strict().prefault({}),
}).strict();
export type ServerConfig = z.infer<typeof ServerConfig>;

export const Config = z.discriminatedUnion("role", [ClientConfig, ServerConfig]);
export type Config = z.infer<typeof Config>;
