/**
 * The OPC UA southbound adapter: one connection per device, reads and writes batched per device, change
 * notifications through monitored items, browsing for the UI, discovery through FindServers/GetEndpoints.
 */
import { join } from "node:path";
import type { OPCUACertificateManager } from "node-opcua";
import {
  AdapterError, badValue,
  type AdapterContext, type DiscoveredDevice, type DiscoverProgress, type HealthState, type PointRef, type PointValue,
  type PointWrite, type SouthboundAdapter, type Unsubscribe,
} from "gridhub/hub";
import type { Router } from "express";
import { browseChildren, type BrowseEntry } from "./browse.ts";
import { DeviceAddress, effectiveSecurity, type AdapterConfig, type Security } from "./config.ts";
import { DeviceConnection } from "./device-connection.ts";
import { discoverServers } from "./discover.ts";
import { routeLibraryLog } from "./library-log.ts";
import { DeviceMonitor } from "./monitor.ts";
import { parseNodeId } from "./node-address.ts";
import { defaultApplicationUri, ensureOwnCertificate, openPki, type OwnCertificate } from "./pki.ts";
import { readPoints, writePoints, type DeviceIo } from "./point-io.ts";
import { NodeResolver } from "./resolver.ts";
import { browseRoutes } from "./routes.ts";
import { failureError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

interface Device {
  io: DeviceIo;
  monitor: DeviceMonitor;
  security: string;
}

/** Items grouped by device, remembering their positions in the caller's batch. */
function byDevice<T>(items: T[], deviceOf: (t: T) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((t, i) => {
    const d = deviceOf(t);
    out.set(d, [...(out.get(d) ?? []), i]);
  });
  return out;
}

export class OpcUaAdapter implements SouthboundAdapter {
  readonly role = "southbound" as const;
  private readonly devices = new Map<string, Device>();
  private pki?: { cm: OPCUACertificateManager; own: OwnCertificate };
  private releaseLog?: () => void;
  private stopped = false;

  constructor(private readonly config: AdapterConfig, private readonly ctx: AdapterContext) {}

  async start() {
    this.releaseLog = routeLibraryLog(this.ctx.logger);
    const { pki } = this.config;
    const root = pki.root ? this.ctx.resolvePath(pki.root) : join(this.ctx.dataDir, "certs", "opcua", this.ctx.name);
    const trust = pki.trust.map((f) => this.ctx.resolvePath(f));
    const cm = await openPki({ root, acceptUnknownCertificates: pki.acceptUnknownCertificates, trust }).catch((e) => {
      throw e instanceof AdapterError ? e : new AdapterError("CONFIG", `PKI ${root}: ${(e as Error).message}`, false, { cause: e });
    });
    const applicationUri = this.config.applicationUri ?? defaultApplicationUri(this.config.applicationName);
    this.pki = { cm, own: await ensureOwnCertificate(cm, this.config.applicationName, applicationUri) };
    this.ctx.logger.info({ pki: cm.rootDir, certificate: this.pki.own.certificateFile }, "OPC UA client certificate ready");
    for (const d of this.ctx.devices()) this.device(d.id, d.address);
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.devices.values()].map((d) => d.io.connection.stop()));
    this.devices.clear();
    await this.pki?.cm.dispose();
    this.releaseLog?.();
  }

  async read(points: PointRef[]): Promise<PointValue[]> {
    this.ctx.counters.inc("reads", points.length);
    return this.perDevice(points, (p) => p, (io, refs) => readPoints(io, refs));
  }

  async write(writes: PointWrite[]): Promise<PointValue[]> {
    this.ctx.counters.inc("writes", writes.length);
    return this.perDevice(writes, (w) => w.ref, (io, batch) => writePoints(io, batch));
  }

  async subscribe(points: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe> {
    const unsubscribes: Unsubscribe[] = [];
    const bad: PointValue[] = [];
    for (const indexes of byDevice(points, (p) => p.device).values()) {
      const refs = indexes.map((i) => points[i]);
      try {
        unsubscribes.push(await this.device(refs[0].device, refs[0].deviceAddress).monitor.add(refs, onChange));
      } catch (e) {
        const error = failureError(refs[0].device, e);
        bad.push(...refs.map((r) => badValue(r, error)));
      }
    }
    if (bad.length) onChange(bad);
    return () => unsubscribes.forEach((u) => u());
  }

  async *discover(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice> {
    const pki = this.requirePki();
    const urls = [...this.config.discovery, ...this.ctx.devices().map((d) => String(d.address.endpoint))];
    yield* discoverServers({
      urls, timeoutMs: opts.timeoutMs, applicationName: this.config.applicationName, own: pki.own, certificateManager: pki.cm,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      onError: (url, err) => this.ctx.logger.info({ url, err }, "OPC UA discovery URL did not answer"),
    });
  }

  /** Children of a node (default: the Objects folder) on a bound device. */
  async browse(deviceId: string, node?: string): Promise<BrowseEntry[]> {
    const device = this.devices.get(deviceId);
    if (!device) throw new AdapterError("NOT_FOUND", `no OPC UA device ${JSON.stringify(deviceId)} on adapter ${this.ctx.name}`);
    const info = await device.io.connection.ready(this.config.requestTimeout);
    let nodeId;
    try {
      nodeId = parseNodeId(node ?? "ObjectsFolder", info.namespaces);
    } catch (e) {
      throw e instanceof AdapterError ? e : new AdapterError("CONFIG", `${JSON.stringify(node)} is not a NodeId`);
    }
    return withTimeout(browseChildren(info, nodeId), this.config.requestTimeout, `${deviceId}: browse ${node ?? "ObjectsFolder"}`)
      .catch((e) => { throw failureError(deviceId, e); });
  }

  routes(): Router {
    return browseRoutes((device, node) => this.browse(device, node));
  }

  healthDetail(): Record<string, unknown> {
    return {
      pki: this.pki?.cm.rootDir,
      certificate: this.pki?.own.certificateFile,
      devices: Object.fromEntries([...this.devices].map(([id, d]) => [id, {
        endpoint: d.io.connection.opts.endpoint, security: d.security, state: d.io.connection.state,
        ...(d.io.connection.lastError ? { lastError: d.io.connection.lastError.message } : {}),
        nodes: d.io.resolver.size, subscriptions: d.monitor.count,
      }])),
    };
  }

  private requirePki() {
    if (!this.pki || this.stopped) throw new AdapterError("UNREACHABLE", `adapter ${this.ctx.name} is not running`);
    return this.pki;
  }

  /** The device's connection, created on first use (devices bound later, or named only by their points). */
  private device(id: string, address: Record<string, unknown>): Device {
    const known = this.devices.get(id);
    if (known) return known;
    const pki = this.requirePki();
    const parsed = DeviceAddress.safeParse(address);
    if (!parsed.success) {
      throw new AdapterError("CONFIG", `${id}: bad OPC UA device address: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
    }
    const security = this.withResolvedFiles(effectiveSecurity(this.config, parsed.data));
    const { config, ctx } = this;
    const connection = new DeviceConnection({
      device: id, endpoint: parsed.data.endpoint, security, applicationName: config.applicationName, own: pki.own,
      certificateManager: pki.cm, requestTimeoutMs: config.requestTimeout, connectTimeoutMs: config.connectTimeout,
      keepAliveMs: config.keepAlive, reconnect: { initialDelayMs: config.reconnect.initialDelay, maxDelayMs: config.reconnect.maxDelay },
      logger: ctx.logger,
    });
    const io: DeviceIo = { device: id, connection, resolver: new NodeResolver(id, parsed.data), timeoutMs: config.requestTimeout };
    const device: Device = {
      io, security: `${security.mode}/${security.policy}`,
      monitor: new DeviceMonitor(io, { publishingIntervalMs: config.publishingInterval, defaultSamplingMs: config.sampling, logger: ctx.logger }),
    };
    connection.on("state", () => this.reportHealth());
    connection.on("restored", () => ctx.counters.inc("reconnects"));
    this.devices.set(id, device);
    connection.start();
    return device;
  }

  /** Certificate files of an X.509 user identity are named relative to the config file. */
  private withResolvedFiles(security: Security): Security {
    const user = security.user;
    if (!user || !("certificate" in user)) return security;
    return { ...security, user: { certificate: this.ctx.resolvePath(user.certificate), privateKey: this.ctx.resolvePath(user.privateKey) } };
  }

  private async perDevice<T>(items: T[], refOf: (t: T) => PointRef, run: (io: DeviceIo, batch: T[]) => Promise<PointValue[]>): Promise<PointValue[]> {
    const out: PointValue[] = new Array(items.length);
    await Promise.all([...byDevice(items, (t) => refOf(t).device)].map(async ([id, indexes]) => {
      const batch = indexes.map((i) => items[i]);
      let values: PointValue[];
      const started = Date.now();
      try {
        values = await run(this.device(id, refOf(batch[0]).deviceAddress).io, batch);
        this.ctx.counters.observe("latencyMs", Date.now() - started);
      } catch (e) {
        const error = failureError(id, e);
        values = batch.map((t) => badValue(refOf(t), error));
      }
      indexes.forEach((i, k) => (out[i] = values[k]));
    }));
    const bad = out.filter((v) => v.quality === "bad");
    if (bad.length) this.ctx.counters.inc("errors", bad.length);
    const timeouts = bad.filter((v) => v.error?.code === "TIMEOUT").length;
    if (timeouts) this.ctx.counters.inc("timeouts", timeouts);
    return out;
  }

  /** up when every device is up; degraded when some are; down when none is. Devices still on their first attempt do not count yet. */
  private reportHealth() {
    if (this.stopped) return;
    const settled = [...this.devices.values()].map((d) => d.io.connection).filter((c) => c.state !== "connecting");
    if (!settled.length) return;
    const up = settled.filter((c) => c.state === "up").length;
    const state: HealthState = up === settled.length ? "up" : up > 0 ? "degraded" : "down";
    const failing = settled.find((c) => c.state !== "up");
    this.ctx.setHealth(state, failing?.lastError);
  }
}
