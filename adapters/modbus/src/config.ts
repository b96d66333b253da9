/** The adapter's `config:` block in the hub config. */
import { z } from "zod";

export const ModbusConfig = z.object({
  timeoutMs: z.number().int().min(20).max(60_000).default(1000).describe("per request, from sending to the full answer"),
  retries: z.number().int().min(0).max(10).default(2).describe("extra attempts after a timeout or a busy/acknowledge exception"),
  retryDelayMs: z.number().int().min(0).max(60_000).default(100),
  reconnect: z.object({
    initialMs: z.number().int().min(10).default(500),
    maxMs: z.number().int().min(10).default(30_000),
  }).strict().refine((r) => r.initialMs <= r.maxMs, "initialMs must not exceed maxMs").default({ initialMs: 500, maxMs: 30_000 })
    .describe("backoff between connection attempts: doubles from initialMs up to maxMs"),
  maxRegisters: z.number().int().min(1).max(125).default(125).describe("largest register read (FC3/FC4 allow 125)"),
  maxBits: z.number().int().min(1).max(2000).default(2000).describe("largest coil/discrete input read"),
  maxGap: z.number().int().min(0).max(124).default(16).describe("unused registers one read may bridge to save a request"),
  rtuSilenceMs: z.number().int().min(0).max(1000).default(10).describe("quiet time between transactions on a serial line"),
  sunspec: z.object({
    bases: z.array(z.number().int().min(0).max(65535)).min(1).default([40000, 50000, 0])
      .describe("where to look for the 'SunS' marker, in order"),
  }).strict().default({ bases: [40000, 50000, 0] }),
  discovery: z.object({
    unitIds: z.array(z.number().int().min(0).max(255)).default([1, 2, 3, 4, 5])
      .describe("unit ids probed for SunSpec devices on each configured connection"),
  }).strict().default({ unitIds: [1, 2, 3, 4, 5] }),
}).strict();

export type ModbusConfig = z.infer<typeof ModbusConfig>;
