/** The VEN's `config:` block (adapters.<name>.config with `role: ven`). Paths are resolved with ctx.resolvePath. */
import { z } from "zod";
import { Interval } from "gridhub/mapping";
import { TlsFiles } from "gridhub/security";

/** An OpenADR xcal duration in whole units (the 2.0b schema has no fractional seconds). */
export const OadrDuration = z.string().regex(/^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/,
  "must be an ISO 8601 duration in whole days/hours/minutes/seconds, e.g. PT1M");

const PowerAttributes = z.object({
  hertz: z.number().positive().default(50),
  voltage: z.number().positive().default(230),
  ac: z.boolean().default(true),
}).strict();

export const VenConfig = z.object({
  role: z.literal("ven"),
  vtnUrl: z.url({ protocol: /^https$/, error: "must be an https:// URL (the VTN's base URL, without /OpenADR2/...)" }),
  venName: z.string().min(1),
  venID: z.string().min(1).optional().describe("venID proposed at registration; default: the certificate's OpenADR fingerprint"),
  vtnFingerprint: z.string().regex(/^([0-9A-Fa-f]{2}:){9}[0-9A-Fa-f]{2}$/, "the OpenADR fingerprint: 10 colon-separated hex bytes")
    .optional().describe("pins the VTN's certificate (besides chain validation); default: the one first seen"),
  tls: TlsFiles,
  pollInterval: Interval.optional().describe("oadrPoll period (pull mode); default: the VTN's requestedOadrPollFreq, else 10s"),
  push: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(0),
    url: z.url({ protocol: /^https$/ }).optional().describe("transport address announced to the VTN; default https://host:port"),
  }).strict().optional().describe("push mode: the VTN posts to this endpoint and the VEN does not poll"),
  signalTable: z.string().default("openadr/default").describe("grid table (mappings/openadr) for signals -> neutral messages"),
  mappings: z.array(z.string()).default(["mappings"])
    .describe("directories of the device mapping tables (as in the hub config), read for the units of METADATA reports"),
  targets: z.object({
    resourceIDs: z.array(z.string().min(1)).optional().describe("resourceIDs this VEN answers; default: the hub's device ids"),
    groupIDs: z.array(z.string().min(1)).optional().describe("groupIDs this VEN answers; default: the hub's device groups"),
  }).strict().prefault({}),
  marketContexts: z.array(z.string().min(1)).optional().describe("market contexts served; events of others are refused"),
  reports: z.object({
    minPeriod: OadrDuration.default("PT1S"),
    maxPeriod: OadrDuration.default("PT1H"),
    powerAttributes: PowerAttributes.prefault({}),
  }).strict().prefault({}),
  http: z.object({
    timeout: Interval.default("10s"),
    maxBodyBytes: z.number().int().min(1024).default(1024 * 1024),
  }).strict().prefault({}),
  retry: z.object({
    initial: Interval.default("1s"),
    max: Interval.default("60s"),
  }).strict().prefault({}),
}).strict();
export type VenConfig = z.infer<typeof VenConfig>;
