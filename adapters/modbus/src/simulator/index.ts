/**
 * The Modbus device simulator for tests and the demo: SunSpec inverters and meters, and plain register maps,
 * served over Modbus TCP and/or RTU (a serial device such as one end of a pty pair).
 */
import type { Logger } from "pino";
import { z } from "zod";
import { buildUnit, SimDevice } from "./devices.ts";
import { ModbusSimulator } from "./server.ts";

export { ModbusSimulator, type RequestRecord } from "./server.ts";
export type { SunSpecImage } from "./sunspec-image.ts";

export const SimulatorConfig = z.object({
  tcp: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(0).describe("0: any free port (see info().tcp.port)"),
  }).strict().optional(),
  rtu: z.object({
    path: z.string().min(1),
    baudRate: z.number().int().min(300).max(921600).default(9600),
    parity: z.enum(["none", "even", "odd"]).default("none"),
  }).strict().optional(),
  devices: z.array(SimDevice).min(1),
}).strict()
  .refine((c) => c.tcp || c.rtu, "give tcp, rtu or both")
  .refine((c) => new Set(c.devices.map((d) => d.unitId)).size === c.devices.length, "unit ids must be unique");
export type SimulatorConfig = z.input<typeof SimulatorConfig>;

export async function startSimulator(config: unknown, logger?: Logger): Promise<ModbusSimulator> {
  const parsed = SimulatorConfig.safeParse(config);
  if (!parsed.success) {
    throw new Error(`modbus simulator config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`);
  }
  const c = parsed.data;
  const sim = new ModbusSimulator(new Map(c.devices.map((d) => [d.unitId, buildUnit(d)])), logger);
  try {
    if (c.tcp) await sim.listenTcp(c.tcp);
    if (c.rtu) await sim.listenSerial(c.rtu);
  } catch (e) {
    await sim.stop();
    throw e;
  }
  logger?.info(sim.info(), "modbus simulator started");
  return sim;
}
