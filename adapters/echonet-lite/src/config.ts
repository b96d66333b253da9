/** The adapter's configuration, device addresses and mapping-table point addresses. */
import { isIP } from "node:net";
import { z } from "zod";
import { ECHONET_PORT } from "./protocol/constants.ts";
import { parseEoj } from "./protocol/frame.ts";

const Port = z.number().int().min(0).max(65535);
const Byte = z.number().int().min(0).max(255);
const Epc = z.number().int().min(0x80, "EPCs are 0x80..0xFF").max(0xff, "EPCs are 0x80..0xFF");
/** IPv4 or IPv6; an IPv6 link-local address may carry its zone ("fe80::1%eth0") */
const Ip = z.string().refine((s) => isIP(s.replace(/%[\w.-]+$/, "")) !== 0, "must be an IPv4 or IPv6 address");
const Eoj = z.union([z.string(), z.number()]).refine((v) => {
  try {
    parseEoj(v);
    return true;
  } catch {
    return false;
  }
}, "must be an EOJ of 3 bytes, e.g. \"0x027D01\" (class group, class, instance)");

export const AdapterConfig = z.object({
  bind: z.object({
    address: Ip.default("0.0.0.0").describe("local address; \"::\" or an IPv6 address for IPv6 (Route B)"),
    port: Port.default(ECHONET_PORT).describe("local port; requests leave from it and answers come back to it"),
  }).strict().prefault({}),
  peerPort: Port.default(ECHONET_PORT).describe("destination port of devices whose address names none"),
  multicast: z.object({
    enabled: z.boolean().default(true),
    group: Ip.optional().describe("default 224.0.23.0, or ff02::1 when bound to IPv6"),
    interface: z.string().optional().describe("IPv4: local interface address; IPv6: interface name (the scope of ff02::1)"),
    ttl: z.number().int().min(1).max(255).default(1),
    loopback: z.boolean().default(true).describe("also deliver our multicast to nodes on this host (simulators)"),
  }).strict().prefault({}),
  discovery: z.object({
    targets: z.array(z.object({ host: Ip, port: Port.optional() }).strict()).default([])
      .describe("nodes asked by unicast as well as by multicast (networks where multicast does not reach)"),
  }).strict().prefault({}),
  request: z.object({
    timeoutMs: z.number().int().min(10).max(60_000).default(2000),
    retries: z.number().int().min(0).max(10).default(2),
    maxProperties: z.number().int().min(1).max(255).default(16).describe("properties per request; larger reads are split"),
  }).strict().prefault({}),
  checkPropertyMaps: z.boolean().default(true)
    .describe("read each object's Get/Set property maps (0x9F/0x9E) once and refuse points the object does not have"),
  controllerEoj: Eoj.default("0x05FF01"),
}).strict();
export type AdapterConfig = z.infer<typeof AdapterConfig>;

export const DeviceAddress = z.object({
  host: Ip,
  port: Port.optional().describe("default: the adapter's peerPort (3610)"),
  eoj: Eoj,
  interface: z.string().optional().describe("zone of an IPv6 link-local host, e.g. the Wi-SUN interface of a Route B meter"),
}).strict();
export type DeviceAddress = z.infer<typeof DeviceAddress>;

export const PointAddress = z.object({
  epc: Epc,
  size: z.number().int().min(1).max(255).optional().describe("bytes of an enum/bitfield/string value (fixed by the type otherwise)"),
  offset: z.number().int().min(0).max(254).optional().describe("the value is the field at this byte offset of the EDT (needs a fixed width)"),
  noData: z.array(z.number().int()).optional().describe("raw codes meaning 'no data' (0xFFFFFFFE, 0x7E, ...): read as null, quality uncertain"),
  multiplier: z.object({
    unitEpc: Epc.optional().describe("EPC of a unit code (0x00 = 1, 0x01 = 0.1, ... 0x0A = 10 ...), e.g. 0xE1 of the smart meter"),
    coefficientEpc: Epc.optional().describe("EPC of an integer coefficient, e.g. 0xD3 of the smart meter (1 when the object lacks it)"),
  }).strict().refine((m) => m.unitEpc !== undefined || m.coefficientEpc !== undefined, "a multiplier needs unitEpc or coefficientEpc").optional()
    .describe("the raw value is EDT × coefficient × unit, both read from the object once"),
  series: z.object({
    offset: z.number().int().min(0).max(254),
    size: z.union([z.literal(1), z.literal(2), z.literal(4)]),
    count: z.number().int().min(1).max(255),
  }).strict().optional().describe("a run of unsigned values (e.g. 48 half-hour readings of 0xE2); read as a JSON array text"),
  trueCode: Byte.optional().describe("byte of a bool point's true (default 0x41)"),
  falseCode: Byte.optional().describe("byte of a bool point's false (default 0x42)"),
}).strict().refine((a) => !(a.series && a.offset !== undefined), "use either `offset` or `series`, not both");
export type PointAddress = z.infer<typeof PointAddress>;
