/**
 * The hub: opens the store, loads mapping tables, starts simulators and adapters from the config, binds devices,
 * routes neutral messages to the actuator, runs the telemetry pipeline and the API. Start/stop in that order.
 */
import { resolve } from "node:path";
import { pino, type Logger } from "pino";
import type { HubConfig, HubConfigInput } from "../config/schema.ts";
import { dataDirOf, HubConfig as HubConfigSchema, storeConfigOf } from "../config/schema.ts";
import { MappingErrors } from "../mapping/errors.ts";
import { zodErrors } from "../mapping/locate.ts";
import { loadAllTableDirs, type LoadedGridTable, type LoadedTable } from "../mapping/loader.ts";
import { MappingError } from "../mapping/errors.ts";
import type { NeutralMessage } from "../model/index.ts";
import { openStore } from "../store/index.ts";
import { scopedStore, type Store } from "../store/types.ts";
import { Actuator } from "./actuator.ts";
import { bindDevices, type BoundDevice } from "./bindings.ts";
import { Bus } from "./bus.ts";
import type { Adapter, AdapterModule, DeviceBinding, Health, SouthboundAdapter } from "./contract.ts";
import { AdapterStats } from "./counters.ts";
import { AdapterError } from "./errors.ts";
import { GroupRegistry } from "./groups.ts";
import type { PointRef, PointValue } from "./points.ts";
import { badValue } from "./points.ts";
import { loadAdapterModule, loadSimulatorModule, type SimulatorHandle } from "./registry.ts";
import { TelemetryPipeline } from "./telemetry.ts";
import { Cem } from "../cem/cem.ts";

export class HubStartError extends Error {}

export interface HubOptions {
  /** directory that relative paths in the config are resolved against */
  baseDir?: string;
  logger?: Logger;
}

interface RunningAdapter {
  name: string;
  module: AdapterModule;
  adapter: Adapter;
  stats: AdapterStats;
  abort: AbortController;
}

export class Hub {
  readonly bus: Bus;
  readonly groups = new GroupRegistry();
  readonly adapters = new Map<string, RunningAdapter>();
  readonly simulators = new Map<string, SimulatorHandle>();
  devices: BoundDevice[] = [];
  tables = new Map<string, LoadedTable>();
  gridTables = new Map<string, LoadedGridTable>();
  actuator!: Actuator;
  telemetry!: TelemetryPipeline;
  /** the Customer Energy Manager, when the config has a `cem:` section */
  cem?: Cem;
  private unsubs: (() => void)[] = [];
  private stopping?: Promise<void>;

  private constructor(readonly config: HubConfig, readonly store: Store, readonly logger: Logger, readonly baseDir: string) {
    this.bus = new Bus(this.groups, logger.child({ part: "bus" }));
  }

  static async start(input: HubConfigInput | HubConfig, opts: HubOptions = {}): Promise<Hub> {
    const parsed = HubConfigSchema.safeParse(input);
    if (!parsed.success) {
      throw new HubStartError(`invalid config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    const config = parsed.data;
    const baseDir = opts.baseDir ?? process.cwd();
    const logger = opts.logger ?? pino({ level: config.log.level, base: { site: config.site.id } });
    const store = await openStore(storeConfigOf(config, baseDir), (err) => logger.warn({ err }, "store connection error"));
    const hub = new Hub(config, store, logger, baseDir);
    try {
      await hub.boot();
    } catch (e) {
      await hub.stop();
      throw e;
    }
    return hub;
  }

  private async boot() {
    const { config, baseDir } = this;
    try {
      const all = loadAllTableDirs(config.mappings.map((d) => resolve(baseDir, d)), baseDir);
      this.tables = all.device;
      this.gridTables = all.grid;
    } catch (e) {
      if (e instanceof MappingErrors) throw new HubStartError(`mapping tables:\n${e.message}`);
      throw e;
    }
    for (const [name, sim] of Object.entries(config.simulators)) {
      if (!sim.enabled) continue;
      const mod = await loadSimulatorModule(sim.package, baseDir);
      this.simulators.set(name, await mod.startSimulator(sim.config, this.logger.child({ simulator: name })));
    }
    const modules = new Map<string, AdapterModule>();
    const configs = new Map<string, unknown>();
    const problems: string[] = [];
    for (const [name, a] of Object.entries(config.adapters)) {
      if (!a.enabled) continue;
      const mod = await loadAdapterModule(a.package, baseDir);
      const c = mod.manifest.config.safeParse(a.config);
      if (!c.success) {
        problems.push(...c.error.issues.map((i) => `adapters.${name}.config.${i.path.join(".")}: ${i.message}`));
        continue;
      }
      modules.set(name, mod);
      configs.set(name, c.data);
    }
    const { devices, errors } = bindDevices(config, this.tables, modules);
    problems.push(...errors);
    if (problems.length) throw new HubStartError(`config:\n${problems.join("\n")}`);
    this.devices = devices;
    for (const d of devices) for (const g of d.groups) this.groups.add(g, d.id);
    for (const [g, members] of Object.entries(config.groups)) for (const m of members) this.groups.add(g, m);
    for (const d of devices) {
      const prior = await this.store.getDevice(d.id);
      await this.store.upsertDevice({
        id: d.id, adapter: d.adapter, address: d.address, groups: d.groups, discovered: false,
        ...(d.table ? { table: d.table } : {}), ...(d.deviceClass ? { deviceClass: d.deviceClass } : {}),
        ...(prior?.lastSeen ? { lastSeen: prior.lastSeen } : {}),
      });
    }

    for (const [name, mod] of modules) this.adapters.set(name, this.instantiate(name, mod, configs.get(name)));
    const byId = new Map(devices.map((d) => [d.id, d]));
    this.actuator = new Actuator(byId, (d) => this.southbound(d.adapter), this.store, this.bus, this.logger.child({ part: "actuator" }), config.site.id);
    this.telemetry = new TelemetryPipeline(devices, (d) => this.southbound(d.adapter), this.store, this.bus, this.logger.child({ part: "telemetry" }), config.site.id);

    for (const d of devices) {
      if (!d.loaded) continue;
      const triggers = Object.keys(d.loaded.table.on ?? {}).map((t) => t.split(".")[0]);
      this.unsubs.push(this.bus.subscribe({ types: [...new Set(triggers)] as NeutralMessage["type"][], endpoint: { kind: "device", id: d.id } },
        (m) => this.deliver(d, m as NeutralMessage)));
    }
    this.cem = Cem.create(this);
    this.cem?.listen();
    // southbound first, so that the actuator and the grid side find their devices up
    const ordered = [...this.adapters.values()].sort((a, b) => Number(a.adapter.role === "northbound") - Number(b.adapter.role === "northbound"));
    for (const r of ordered) {
      try {
        await r.adapter.start();
        if (r.stats.state === "starting") r.stats.setState("up");
      } catch (e) {
        r.stats.setState("down", e as Error);
        throw new HubStartError(`adapter ${r.name} failed to start: ${(e as Error).message}`, { cause: e });
      }
    }
    await this.actuator.resume();
    await this.telemetry.start();
    await this.cem?.start();
    this.logger.info({ adapters: [...this.adapters.keys()], devices: devices.length, tables: this.tables.size }, "hub started");
  }

  /**
   * Grid messages are device-independent (004 §3.2.5): one that names a single device directly is accepted only for
   * devices configured as externally controllable; broadcast, group and building messages go to every device
   * whose table answers them.
   */
  private async deliver(d: BoundDevice, m: NeutralMessage) {
    const direct = m.targets.every((t) => t.kind === "device");
    const fromGrid = !m.source.startsWith("cem:") && !m.source.startsWith("device:") && m.source !== "operator";
    // grid messages the CEM decides reach devices only as the CEM's own messages
    if (fromGrid && this.cem?.claims(m)) return;
    if (direct && fromGrid && m.type === "Command" && !d.externallyControllable) {
      await this.store.audit({ actor: m.source, action: "device.command", target: d.id, outcome: "refused",
        detail: { reason: "device is not externally controllable", messageId: m.id } });
      return;
    }
    await this.actuator.handle(d.id, m);
  }

  private instantiate(name: string, module: AdapterModule, config: unknown): RunningAdapter {
    const stats = new AdapterStats();
    const abort = new AbortController();
    const logger = this.logger.child({ adapter: name });
    const adapter = module.create(config, {
      name, logger, bus: this.bus, store: scopedStore(this.store, name), clock: { now: () => new Date() }, counters: stats,
      signal: abort.signal,
      devices: () => this.bindings().filter((d) => d.adapter === name),
      allDevices: () => this.bindings(),
      readPoints: (points) => this.readPoints(points),
      gridTable: (id) => this.gridTable(id, module),
      resolvePath: (p) => resolve(this.baseDir, p),
      dataDir: dataDirOf(this.config, this.baseDir),
      setHealth: (state, err) => stats.setState(state, err),
    });
    if (adapter.role !== module.manifest.role) throw new HubStartError(`adapter ${name}: created a ${adapter.role} adapter, manifest says ${module.manifest.role}`);
    return { name, module, adapter, stats, abort };
  }

  private gridTable(id: string, module: AdapterModule): unknown {
    const t = this.gridTables.get(id);
    if (!t) {
      throw new MappingErrors([new MappingError("(config)", 1, 1, "", `no grid table ${id} (known: ${[...this.gridTables.keys()].join(", ") || "none"})`)]);
    }
    if (t.table.protocol !== module.manifest.protocol) {
      const { line, col } = t.locate(["protocol"]);
      throw new MappingErrors([new MappingError(t.file, line, col, "protocol", `table ${id} is for ${t.table.protocol}, not ${module.manifest.protocol}`)]);
    }
    if (!module.manifest.gridTable) return t.table.map;
    const r = module.manifest.gridTable.safeParse(t.table.map);
    if (r.success) return r.data;
    throw new MappingErrors(zodErrors(t.file, r.error, (path) => t.locate(["map", ...path])).map((e) =>
      new MappingError(e.file, e.line, e.col, `map.${e.field}`, e.detail)));
  }

  bindings(): DeviceBinding[] {
    return this.devices.map(({ loaded: _l, externallyControllable: _e, ...b }) => b);
  }

  southbound(name: string): SouthboundAdapter {
    const r = this.adapters.get(name);
    if (!r || r.adapter.role !== "southbound") throw new Error(`no southbound adapter ${name}`);
    return r.adapter;
  }

  /** Reads points through their owning adapters, one batch per adapter. */
  async readPoints(points: PointRef[]): Promise<PointValue[]> {
    const byAdapter = new Map<string, PointRef[]>();
    for (const p of points) {
      const dev = this.devices.find((d) => d.id === p.device);
      if (!dev) continue;
      byAdapter.set(dev.adapter, [...(byAdapter.get(dev.adapter) ?? []), p]);
    }
    const out: PointValue[] = [];
    for (const [name, refs] of byAdapter) {
      try {
        out.push(...await this.southbound(name).read(refs));
      } catch (e) {
        out.push(...refs.map((r) => badValue(r, e instanceof AdapterError ? e : new AdapterError("UNREACHABLE", (e as Error).message))));
      }
    }
    return out;
  }

  health(): Record<string, Health & { role: string; protocol: string }> {
    return Object.fromEntries([...this.adapters].map(([name, r]) => [name, {
      ...r.stats.snapshot(r.adapter.healthDetail?.()), role: r.adapter.role, protocol: r.module.manifest.protocol,
    }]));
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const u of this.unsubs) u();
      await this.cem?.stop();
      await this.telemetry?.stop();
      await this.actuator?.stop();
      const ordered = [...this.adapters.values()].sort((a, b) => Number(b.adapter.role === "northbound") - Number(a.adapter.role === "northbound"));
      for (const r of ordered) {
        r.abort.abort();
        try {
          await r.adapter.stop();
        } catch (err) {
          this.logger.warn({ err, adapter: r.name }, "adapter stop failed");
        }
        r.stats.setState("stopped");
      }
      for (const [name, s] of this.simulators) {
        try {
          await s.stop();
        } catch (err) {
          this.logger.warn({ err, simulator: name }, "simulator stop failed");
        }
      }
      await this.store.close();
    })();
    return this.stopping;
  }
}
