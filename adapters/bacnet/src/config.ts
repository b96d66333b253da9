/** The adapter's configuration, mapping-table point addresses and device addresses, as zod schemas. */
import { z } from "zod";
import { ASN1_MAX_INSTANCE } from "./lib.ts";
import { NameError, parseObjectId, parsePropertyId } from "./names.ts";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d{1,5}))?$/;
const validIpv4 = (withPort: boolean) => (s: string) => {
  const m = IPV4.exec(s);
  return !!m && (withPort || m[5] === undefined) && m.slice(1, 5).every((o) => Number(o) <= 255) && (m[5] === undefined || Number(m[5]) <= 65535);
};
const HostPort = z.string().refine(validIpv4(true), "must be an IPv4 address with an optional port, like 192.168.1.20:47808");
const Instance = z.number().int().min(0).max(ASN1_MAX_INSTANCE - 1, `device instances go up to ${ASN1_MAX_INSTANCE - 1}`);

export const AdapterConfig = z.object({
  /** local address to bind; 0.0.0.0 receives broadcasts on every interface */
  interface: z.string().refine(validIpv4(false), "must be an IPv4 address").default("0.0.0.0"),
  /** local UDP port; 0 picks a free one (a foreign device needs no fixed port) */
  port: z.number().int().min(0).max(65535).default(47808),
  /** where broadcast Who-Is goes */
  broadcastAddress: HostPort.default("255.255.255.255"),
  apduTimeoutMs: z.number().int().min(50).max(60000).default(3000),
  /** further attempts after a timeout */
  retries: z.number().int().min(0).max(5).default(1),
  maxConcurrentRequests: z.number().int().min(1).max(200).default(32),
  /** confirmed requests in flight per device; small controllers serve one at a time */
  maxRequestsPerDevice: z.number().int().min(1).max(16).default(1),
  /** ReadPropertyMultiple when the device supports it; false reads one property per request */
  readPropertyMultiple: z.boolean().default(true),
  /** upper bound on properties per ReadPropertyMultiple; the device's max APDU bounds it further */
  maxPropertiesPerRequest: z.number().int().min(1).max(500).default(100),
  /** write priority for points whose table gives none (absent: the device's default, 16) */
  defaultPriority: z.number().int().min(1).max(16).optional(),
  discovery: z.object({
    /** device-instance ranges asked for in Who-Is; all devices when empty */
    ranges: z.array(z.object({ low: Instance, high: Instance }).refine((r) => r.low <= r.high, "low must not exceed high")).default([]),
    /** send Who-Is to the broadcast address */
    broadcast: z.boolean().default(true),
    /** also send Who-Is directly to these peers (where broadcast cannot reach, e.g. loopback) */
    targets: z.array(HostPort).default([]),
    /** how long to wait for I-Am when resolving a device that has no configured address */
    resolveTimeoutMs: z.number().int().min(100).max(60000).default(3000),
  }).prefault({}),
  /** register with a BBMD as a foreign device and discover through it */
  foreignDevice: z.object({
    bbmd: HostPort,
    /** seconds; we re-register at half of it */
    ttlSeconds: z.number().int().min(2).max(65535).default(300),
  }).optional(),
  cov: z.object({
    /** seconds asked for in SubscribeCOV; renewed at half of it */
    lifetimeSeconds: z.number().int().min(1).max(86400).default(300),
    confirmed: z.boolean().default(false),
    /** polling interval for subscribed points whose device refuses COV (or is down) */
    pollIntervalMs: z.number().int().min(100).max(3600000).default(10000),
  }).prefault({}),
}).strict();
export type AdapterConfig = z.infer<typeof AdapterConfig>;

function nameCheck(parse: () => unknown, ctx: z.RefinementCtx, path: string) {
  try {
    parse();
  } catch (e) {
    if (!(e instanceof NameError)) throw e;
    ctx.addIssue({ code: "custom", message: e.message, path: [path] });
  }
}

/** A mapping-table point: `{ object: analog-value:3, property: present-value, index?: 9 }`. */
export const PointAddress = z.object({
  object: z.string().min(1).describe("object type and instance, e.g. analog-value:3 (or 2:3)"),
  property: z.union([z.string().min(1), z.number().int()]).default("present-value").describe("property name or number"),
  index: z.number().int().min(0).max(0xfffffffe).optional().describe("array index (priority-array 1-16, object-list, state-text)"),
}).strict().superRefine((a, ctx) => {
  nameCheck(() => parseObjectId(a.object), ctx, "object");
  nameCheck(() => parsePropertyId(a.property), ctx, "property");
});
export type PointAddress = z.infer<typeof PointAddress>;

/** A device binding: `{ deviceInstance: 1001, address?: "127.0.0.1:47901" }`; without address, Who-Is finds it. */
export const DeviceAddress = z.object({
  deviceInstance: Instance,
  address: HostPort.optional(),
}).strict();
export type DeviceAddress = z.infer<typeof DeviceAddress>;
