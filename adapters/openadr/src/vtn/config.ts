/** The VTN's `config:` block (adapter with `role: vtn`). Paths are relative to the hub config file. */
import { z } from "zod";
import { TlsFiles } from "gridhub/security";
import { Duration } from "./lexical.ts";

const Ids = z.array(z.string().min(1)).default([]);

/** A VEN known in advance: its certificate fingerprint decides its venID and what it belongs to. */
export const VenProvision = z.object({
  fingerprint: z.string().regex(/^([0-9A-F]{2}:){9}[0-9A-F]{2}$/i, "the OpenADR fingerprint: last 29 characters of the colon-separated SHA-256")
    .transform((f) => f.toUpperCase()),
  venID: z.string().min(1).optional().describe("venID to issue; derived from the fingerprint when absent"),
  venName: z.string().optional(),
  groups: Ids.describe("groupIDs the VEN belongs to (event targets)"),
  parties: Ids.describe("partyIDs the VEN stands for (event targets)"),
  resources: Ids.describe("resourceIDs beside those its METADATA reports name"),
}).strict();
export type VenProvision = z.infer<typeof VenProvision>;

/** A report the VTN asks every VEN for as soon as the VEN registers a matching METADATA report. */
export const AutoReport = z.object({
  reportName: z.enum(["TELEMETRY_USAGE", "TELEMETRY_STATUS", "HISTORY_USAGE"]),
  granularity: Duration.default("PT1M"),
  reportBackDuration: Duration.default("PT1M"),
}).strict();

export const VtnConfig = z.object({
  role: z.literal("vtn"),
  vtnID: z.string().min(1),
  listen: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8443),
  }).strict().default({ host: "127.0.0.1", port: 8443 }),
  tls: TlsFiles.describe("VTN certificate and key; `ca`/`crl` decide which VEN certificates are accepted"),
  maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  pollFrequency: Duration.default("PT10S").describe("oadrRequestedOadrPollFreq sent at registration"),
  marketContext: z.string().url().default("http://gridhub.invalid/market/default").describe("default market context of new events"),
  openRegistration: z.boolean().default(true)
    .describe("let any VEN whose certificate the TLS layer accepts register (venID derived from its fingerprint); false: only `vens`"),
  vens: z.array(VenProvision).default([]),
  reports: z.array(AutoReport).default([]).describe("reports requested automatically when a VEN registers their METADATA"),
  push: z.object({
    timeoutMs: z.number().int().min(100).default(10_000),
    retryMs: z.number().int().min(100).default(30_000).describe("how often undelivered payloads of push VENs are pushed again"),
  }).strict().default({ timeoutMs: 10_000, retryMs: 30_000 }),
  sweepMs: z.number().int().min(100).default(60_000).describe("how often event states (far/near/active/completed) are refreshed in the store"),
}).strict().superRefine((c, ctx) => {
  const seen = { fingerprint: new Set<string>(), venID: new Set<string>() };
  c.vens.forEach((v, i) => {
    for (const field of ["fingerprint", "venID"] as const) {
      const value = v[field];
      if (value === undefined) continue;
      if (seen[field].has(value)) ctx.addIssue({ code: "custom", path: ["vens", i, field], message: `${field} ${value} appears twice` });
      seen[field].add(value);
    }
  });
});
export type VtnConfig = z.infer<typeof VtnConfig>;
