/**
 * A stand-alone 2030.5 utility server for tests and the demo: the server role with its own in-memory store,
 * preloaded with DER programs, default controls and events (starting `in` from now), all assigned to every
 * device. Clients enrol themselves (open enrolment by default). Paths in `tls` are taken as given (absolute, or
 * relative to the working directory).
 */
import { resolve } from "node:path";
import type { Logger } from "pino";
import { pino } from "pino";
import { z } from "zod";
import type { AdapterContext } from "gridhub/hub";
import { Interval, intervalMs } from "gridhub/mapping";
import { TlsFiles } from "gridhub/security";
import { scopedStore, SqliteStore } from "gridhub/store";
import { ServerConfig } from "../config.ts";
import { createServer } from "../server/adapter.ts";

const Control = z.object({
  in: Interval.default("0s").describe("start, from when the simulator starts"),
  duration: z.number().int().min(1).describe("seconds"),
  description: z.string().max(32).optional(),
  responseRequired: z.string().regex(/^[0-9A-Fa-f]{2}$/).default("03"),
  randomizeStart: z.number().int().min(-3600).max(3600).optional(),
  randomizeDuration: z.number().int().min(-3600).max(3600).optional(),
  base: z.record(z.string(), z.unknown()).describe("DERControlBase, 2030.5 units (opModMaxLimW in hundredths of a percent)"),
}).strict();

export const SimulatorConfig = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0).describe("0: any free port (see info().url)"),
  tls: TlsFiles,
  pollRate: z.number().int().min(1).default(60),
  enrolment: z.enum(["preregistered", "open"]).default("open"),
  devices: ServerConfig.shape.devices,
  programs: z.array(z.object({
    description: z.string().max(32).optional(),
    primacy: z.number().int().min(0).max(255).default(1),
    default: z.record(z.string(), z.unknown()).optional().describe("DefaultDERControl's DERControlBase"),
    controls: z.array(Control).default([]),
  }).strict()).default([]),
}).strict();

export interface SepSimulator {
  stop(): Promise<void>;
  info(): Record<string, unknown>;
}

export async function startSimulator(config: unknown, logger: Logger = pino({ level: "silent" })): Promise<SepSimulator> {
  const parsed = SimulatorConfig.safeParse(config);
  if (!parsed.success) {
    throw new Error(`ieee2030-5 simulator config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`);
  }
  const c = parsed.data;
  const store = new SqliteStore({ path: ":memory:" });
  const ctx: AdapterContext = {
    name: "utility-sim", logger, store: scopedStore(store, "utility-sim"), clock: { now: () => new Date() },
    bus: { publish: async () => ({ id: "", duplicate: false, delivered: 0 }), subscribe: () => () => undefined },
    counters: { inc: () => undefined, observe: () => undefined }, signal: new AbortController().signal,
    devices: () => [], allDevices: () => [], readPoints: async () => [],
    gridTable: (id) => { throw new Error(`the simulator has no grid table ${id}`); },
    resolvePath: (p) => resolve(p), dataDir: resolve("."), setHealth: () => undefined,
  };
  const server = createServer(ServerConfig.parse({
    role: "server", host: c.host, port: c.port, tls: c.tls, pollRate: c.pollRate, enrolment: c.enrolment, devices: c.devices,
  }), ctx);
  await server.start();
  try {
    const op = server.operator;
    const programs: string[] = [];
    const start = Math.floor(Date.now() / 1000);
    for (const p of c.programs) {
      const id = (await op.addDerProgram({ primacy: p.primacy, ...(p.description ? { description: p.description } : {}) }, "simulator")).id;
      programs.push(id);
      if (p.default) await op.setDefault(id, { base: p.default }, "simulator");
      for (const ctl of p.controls) {
        const { in: delay, ...rest } = ctl;
        await op.addDerControl(id, { ...rest, start: start + Math.round(intervalMs(delay) / 1000) }, "simulator");
      }
    }
    await op.putFsa({ description: "simulated utility", derPrograms: programs, drPrograms: [], tariffs: [] }, "simulator");
  } catch (err) {
    await server.stop();
    await store.close();
    throw err;
  }
  logger.info({ url: server.url() }, "2030.5 server simulator started");
  return {
    info: () => ({ url: server.url(), dcap: `${server.url()}/dcap`, ...server.healthDetail!() }),
    async stop() {
      await server.stop();
      await store.close();
    },
  };
}
