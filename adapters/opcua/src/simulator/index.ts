/** Simulator entry point the hub loads for `simulators:` (package export ./simulator). */
import { pino, type Logger } from "pino";
import { SimulatorConfig } from "./config.ts";
import { PlantServer } from "./plant-server.ts";

export { SimulatorConfig } from "./config.ts";
export { PlantServer } from "./plant-server.ts";

/** Starts the plant; the handle is the PlantServer itself (stop(), info(), and nodes for tests and demos). */
export async function startSimulator(config: unknown, logger: Logger = pino({ level: "silent" })): Promise<PlantServer> {
  const parsed = SimulatorConfig.safeParse(config ?? {});
  if (!parsed.success) {
    throw new Error(`opcua simulator config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return PlantServer.start(parsed.data, logger);
}
