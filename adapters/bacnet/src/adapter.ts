/** The BACnet/IP southbound adapter: the parts below wired to the hub's contract, health and counters. */
import type {
  AdapterContext, DiscoveredDevice, DiscoverProgress, PointRef, PointValue, PointWrite, SouthboundAdapter, Unsubscribe,
} from "gridhub/hub";
import { AdapterError } from "gridhub/hub";
import { DeviceAddress, type AdapterConfig } from "./config.ts";
import { CovManager } from "./cov.ts";
import { Directory } from "./directory.ts";
import { Discovery } from "./discovery.ts";
import { ForeignDevice } from "./foreign-device.ts";
import { Reader } from "./reader.ts";
import { BacnetStack } from "./stack.ts";
import { normalizeAddress } from "./transport.ts";
import { Writer } from "./writer.ts";

interface Parts {
  stack: BacnetStack;
  directory: Directory;
  reader: Reader;
  writer: Writer;
  cov: CovManager;
  discovery: Discovery;
  foreign?: ForeignDevice;
}

export class BacnetAdapter implements SouthboundAdapter {
  readonly role = "southbound" as const;
  private parts?: Parts;
  private stopped = false;

  constructor(private readonly config: AdapterConfig, private readonly ctx: AdapterContext) {}

  async start(): Promise<void> {
    const { config, ctx } = this;
    ctx.setHealth("starting");
    const stack = await BacnetStack.open({
      address: config.interface, port: config.port, broadcastAddress: config.broadcastAddress, apduTimeoutMs: config.apduTimeoutMs,
      retries: config.retries, maxConcurrent: config.maxConcurrentRequests, maxPerDevice: config.maxRequestsPerDevice, logger: ctx.logger,
    });
    const now = () => ctx.clock.now();
    const foreign = config.foreignDevice
      ? new ForeignDevice(stack, normalizeAddress(config.foreignDevice.bbmd), config.foreignDevice.ttlSeconds, ctx.logger, now, () => this.updateHealth())
      : undefined;
    const directory = new Directory(stack, {
      broadcast: config.discovery.broadcast, targets: config.discovery.targets.map(normalizeAddress), bbmd: () => foreign?.bbmd,
    }, config.discovery.resolveTimeoutMs, now);
    for (const d of ctx.devices()) {
      const a = DeviceAddress.safeParse(d.address);
      if (a.success && a.data.address) directory.configure(a.data.deviceInstance, normalizeAddress(a.data.address));
    }
    directory.on("offline", (instance, err) => {
      ctx.logger.warn({ device: instance, err: err.message }, "BACnet device stopped answering");
      this.updateHealth(err);
    });
    directory.on("online", (instance) => {
      ctx.logger.info({ device: instance }, "BACnet device answers again");
      ctx.counters.inc("reconnects");
      this.updateHealth();
    });
    const reader = new Reader(stack, directory, {
      readPropertyMultiple: config.readPropertyMultiple, maxPropertiesPerRequest: config.maxPropertiesPerRequest,
    });
    this.parts = {
      stack, directory, reader, foreign,
      writer: new Writer(stack, directory, config.defaultPriority),
      cov: new CovManager(stack, directory, reader, config.cov, ctx.logger),
      discovery: new Discovery(directory, reader, config.discovery.ranges),
    };
    ctx.logger.info({ local: stack.localAddress }, "BACnet/IP adapter bound");
    await foreign?.start();
    this.updateHealth();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const p = this.parts;
    if (p) {
      p.foreign?.stop();
      await p.cov.stop();
      p.directory.close();
      p.stack.close();
    }
    this.ctx.setHealth("stopped");
  }

  private get running(): Parts {
    if (!this.parts || this.stopped) throw new AdapterError("UNREACHABLE", "the BACnet adapter is not running");
    return this.parts;
  }

  private updateHealth(lastError?: AdapterError) {
    if (this.stopped || !this.parts) return;
    const offline = this.parts.directory.all().filter((d) => d.state === "offline");
    const fd = this.parts.foreign?.state;
    if (fd && !fd.registered) return this.ctx.setHealth("degraded", `not registered with BBMD ${fd.bbmd}: ${fd.lastError ?? "pending"}`);
    if (offline.length) {
      return this.ctx.setHealth("degraded", lastError ?? `devices not answering: ${offline.map((d) => d.instance).join(", ")}`);
    }
    this.ctx.setHealth("up");
  }

  private count(values: PointValue[], started: number, what: "reads" | "writes") {
    const { counters } = this.ctx;
    counters.inc(what, values.length);
    counters.observe("latencyMs", Date.now() - started);
    const bad = values.filter((v) => v.quality === "bad");
    if (bad.length) counters.inc("errors", bad.length);
    const timeouts = bad.filter((v) => v.error?.code === "TIMEOUT").length;
    if (timeouts) counters.inc("timeouts", timeouts);
    return values;
  }

  async read(points: PointRef[]): Promise<PointValue[]> {
    const started = Date.now();
    return this.count(await this.running.reader.read(points), started, "reads");
  }

  async write(writes: PointWrite[]): Promise<PointValue[]> {
    const started = Date.now();
    return this.count(await this.running.writer.write(writes), started, "writes");
  }

  async relinquish(points: PointRef[]): Promise<PointValue[]> {
    const started = Date.now();
    return this.count(await this.running.writer.relinquish(points), started, "writes");
  }

  subscribe(points: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe> {
    return this.running.cov.subscribe(points, onChange);
  }

  discover(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice> {
    return this.running.discovery.run(opts);
  }

  healthDetail(): Record<string, unknown> {
    if (!this.parts) return {};
    const { stack, directory, cov, foreign } = this.parts;
    return {
      local: stack.localAddress,
      devices: directory.all().map(({ instance, address, state, maxApdu, rpm, failures, lastSeen, lastError }) =>
        ({ instance, address, state, maxApdu, readPropertyMultiple: rpm, failures, lastSeen, lastError })),
      foreignDevice: foreign?.state,
      cov: cov.counts(),
      droppedFrames: stack.drops,
    };
  }
}
