/**
 * What the hub config and mapping tables say about OPC UA: the adapter's client settings (PKI, default security,
 * timeouts), a device's endpoint with optional per-device security, and a point's node (NodeId or browse path)
 * with optional monitoring parameters.
 */
import { z } from "zod";
import { Interval, intervalMs } from "gridhub/mapping";
import { isNodeIdText } from "./node-address.ts";

export const securityModes = ["None", "Sign", "SignAndEncrypt"] as const;
export const securityPolicies = ["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"] as const;
export type SecurityModeName = (typeof securityModes)[number];
export type SecurityPolicyName = (typeof securityPolicies)[number];

const NodeIdText = z.string().refine(isNodeIdText, "must be a NodeId such as ns=1;s=Plant.Chiller1, nsu=<uri>;i=42, i=85 or a standard name (ObjectsFolder)");

export const UserIdentity = z.union([
  z.object({ userName: z.string().min(1), password: z.string() }).strict(),
  z.object({
    certificate: z.string().min(1).describe("user certificate file (PEM or DER)"),
    privateKey: z.string().min(1).describe("the certificate's private key (PEM file)"),
  }).strict(),
]).describe("user name or X.509 user identity; anonymous when absent");
export type UserIdentity = z.infer<typeof UserIdentity>;

const Security = z.object({
  mode: z.enum(securityModes),
  policy: z.enum(securityPolicies),
  user: UserIdentity.optional(),
}).strict();
export type Security = z.infer<typeof Security>;

function consistent(s: { mode?: SecurityModeName; policy?: SecurityPolicyName }): boolean {
  return s.mode === undefined || s.policy === undefined || (s.mode === "None") === (s.policy === "None");
}
const consistentMessage = "security mode None goes with policy None, and Sign/SignAndEncrypt with a real policy";

/** "500ms", "10s", "5m", "1h" or an ISO 8601 duration, as milliseconds */
export const Ms = z.string()
  .refine((s) => Interval.safeParse(s).success, "must be like 500ms, 10s, 5m, 1h or an ISO 8601 duration")
  .transform(intervalMs);

export const AdapterConfig = z.object({
  applicationName: z.string().min(1).default("gridhub"),
  applicationUri: z.string().min(1).optional().describe("default urn:<hostname>:<applicationName>; it is written into the client certificate"),
  pki: z.object({
    root: z.string().min(1).optional()
      .describe("PKI folder (own/, trusted/, rejected/, issuers/), relative to the config file; default <data dir>/certs/opcua/<adapter name>"),
    acceptUnknownCertificates: z.boolean().default(false)
      .describe("trust any server certificate on first sight; off by default: move rejected/ certificates to trusted/ instead"),
    trust: z.array(z.string().min(1)).default([]).describe("server certificate files (PEM or DER) added to trusted/ at start"),
  }).strict().prefault({}),
  security: Security.partial().prefault({}).refine(consistent, consistentMessage)
    .describe("default for every device: mode SignAndEncrypt, policy Basic256Sha256"),
  requestTimeout: Ms.default(5000).describe("per OPC UA request"),
  connectTimeout: Ms.default(10000).describe("per connection attempt (secure channel plus session)"),
  reconnect: z.object({ initialDelay: Ms.default(500), maxDelay: Ms.default(10000) }).strict().prefault({}),
  keepAlive: Ms.default(5000).describe("session keep-alive read interval: detects a dead server without subscriptions"),
  publishingInterval: Ms.default(250).describe("subscription publishing interval"),
  sampling: Ms.default(1000).describe("default monitored-item sampling interval"),
  discovery: z.array(z.string().startsWith("opc.tcp://")).default([])
    .describe("discovery endpoints asked by discover() besides the configured devices' endpoints"),
}).strict();
export type AdapterConfig = z.output<typeof AdapterConfig>;

export const DeviceAddress = z.object({
  endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/, "must be opc.tcp://host:port/path"),
  security: Security.partial().refine(consistent, consistentMessage).optional().describe("overrides the adapter's default security"),
  root: NodeIdText.optional().describe("node that browse paths start from (default RootFolder)"),
  namespace: z.union([z.number().int().min(0).max(65535), z.string().min(1)]).optional()
    .describe("namespace (index or URI) of browse-path segments without a prefix (default 1)"),
}).strict();
export type DeviceAddress = z.output<typeof DeviceAddress>;

export const PointAddress = z.object({
  node: NodeIdText.optional(),
  browse: z.string().min(1).optional()
    .describe("path of browse names from the device's root, e.g. /Objects/Plant/Chiller1/CHWSetpoint; '2:Name' names a namespace"),
  // a number is accepted too: the hub hands adapters their addresses as this schema parsed them
  sampling: z.union([z.number().min(0), Ms], { error: "must be like 500ms, 10s, 5m, 1h, an ISO 8601 duration, or milliseconds" }).optional().describe("monitored-item sampling interval for subscribed points (500ms, 1s, or milliseconds)"),
  deadband: z.number().min(0).optional().describe("absolute deadband for subscribed numeric points, in raw units"),
}).strict().refine((a) => (a.node === undefined) !== (a.browse === undefined), "give exactly one of node or browse");
export type PointAddress = z.output<typeof PointAddress>;

/** The security a device's connection uses: its own settings over the adapter's defaults. */
export function effectiveSecurity(config: AdapterConfig, device: DeviceAddress): Security {
  const mode = device.security?.mode ?? config.security.mode ?? "SignAndEncrypt";
  const fallback = config.security.policy && config.security.policy !== "None" ? config.security.policy : "Basic256Sha256";
  const policy = mode === "None" ? "None" : device.security?.policy ?? fallback;
  const user = device.security?.user ?? config.security.user;
  return { mode, policy, ...(user ? { user } : {}) };
}
