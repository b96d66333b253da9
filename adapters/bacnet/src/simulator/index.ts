/**
 * The BACnet/IP device simulator: devices (presets AHU, VAV, chiller, lighting, or objects of your own) each on
 * its own UDP port, optionally a BBMD, all on one simulated segment. The hub starts it from its `simulators:`
 * section; tests start it directly.
 */
import pino, { type Logger } from "pino";
import { Bbmd } from "./bbmd.ts";
import { SimulatorConfig } from "./config.ts";
import { SimDevice } from "./device.ts";
import { LoopbackSegment } from "./segment.ts";

export { SimulatorConfig } from "./config.ts";
export type { SimDevice } from "./device.ts";
export type { Bbmd } from "./bbmd.ts";

export class BacnetSimulator {
  private timer?: NodeJS.Timeout;

  constructor(readonly devices: SimDevice[], readonly bbmd: Bbmd | undefined, tickMs: number) {
    if (tickMs > 0) {
      this.timer = setInterval(() => {
        for (const d of devices) if (d.running) d.tick(tickMs / 1000);
      }, tickMs);
    }
  }

  device(instance: number): SimDevice {
    const d = this.devices.find((x) => x.instance === instance);
    if (!d) throw new Error(`the simulator has no device ${instance}`);
    return d;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.devices.map((d) => d.stop()));
    this.bbmd?.stop();
  }

  info(): Record<string, unknown> {
    return {
      ...(this.bbmd ? { bbmd: this.bbmd.address, foreignDevices: this.bbmd.table() } : {}),
      devices: this.devices.map((d) => d.info()),
    };
  }
}

export async function startSimulator(config: unknown, logger?: Logger): Promise<BacnetSimulator> {
  const parsed = SimulatorConfig.safeParse(config);
  if (!parsed.success) {
    throw new Error(`bad BACnet simulator config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const c = parsed.data;
  const log = logger ?? pino({ level: "silent" });
  const segment = new LoopbackSegment();
  const bbmd = c.bbmd ? new Bbmd(c.host, c.bbmd.port, c.bbmd.acceptForeignDevices, segment, log) : undefined;
  const devices = c.devices.map((d) => new SimDevice(d, c.host, segment, log));
  try {
    await bbmd?.start();
    for (const d of devices) await d.start();
  } catch (e) {
    await Promise.all(devices.map((d) => d.stop()));
    bbmd?.stop();
    throw e;
  }
  return new BacnetSimulator(devices, bbmd, c.tickMs);
}
