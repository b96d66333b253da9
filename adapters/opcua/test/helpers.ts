/** Test fixtures: temporary PKI folders, a plant server on an ephemeral loopback port, and a minimal adapter context. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import type { z } from "zod";
import type { AdapterContext, CounterName, DataType, DeviceBinding, HealthState, PointRef, PointValue } from "gridhub/hub";
import type { AdapterStore } from "gridhub/store";
import opcua, { AdapterConfig, type OpcUaAdapter } from "../src/index.ts";
import { ensureOwnCertificate, openPki, defaultApplicationUri } from "../src/pki.ts";
import { PlantServer, SimulatorConfig } from "../src/simulator/index.ts";

export const logger = pino({ level: process.env.GRIDHUB_TEST_LOG ?? "silent" });

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `gridhub-opcua-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

let fixtures: string | undefined;
/**
 * A PKI folder shared by the test files of this run: generating an RSA key takes about a second, so the plain
 * server and client stores are made once. Removed when the process exits.
 */
export function sharedPki(name: "server" | "client"): string {
  if (!fixtures) {
    const root = mkdtempSync(join(tmpdir(), "gridhub-opcua-fixtures-"));
    process.once("exit", () => rmSync(root, { recursive: true, force: true }));
    fixtures = root;
  }
  return join(fixtures, name);
}

/** Creates a client PKI with its application certificate, as the adapter will find it. */
export async function clientCertificate(root: string, applicationName = "gridhub"): Promise<string> {
  const cm = await openPki({ root, acceptUnknownCertificates: false, trust: [] });
  const own = await ensureOwnCertificate(cm, applicationName, defaultApplicationUri(applicationName));
  await cm.dispose();
  return own.certificateFile;
}

export function startPlant(config: z.input<typeof SimulatorConfig>): Promise<PlantServer> {
  return PlantServer.start(SimulatorConfig.parse({ port: 0, tick: "0s", ...config }), logger);
}

export interface TestContext extends AdapterContext {
  health: { state: HealthState; error?: string }[];
  counts: Record<CounterName, number>;
}

const unusedStore = new Proxy({}, {
  get: (_t, name) => () => Promise.reject(new Error(`the OPC UA adapter does not use the store (${String(name)})`)),
}) as AdapterStore;

export function makeContext(devices: DeviceBinding[], dataDir = resolve("data")): TestContext {
  const counts: Record<CounterName, number> = { messagesIn: 0, messagesOut: 0, errors: 0, reads: 0, writes: 0, reconnects: 0, timeouts: 0 };
  const health: TestContext["health"] = [];
  return {
    name: "opcua", logger, store: unusedStore, clock: { now: () => new Date() }, signal: new AbortController().signal,
    bus: { publish: () => Promise.reject(new Error("a southbound adapter has nothing to publish here")), subscribe: () => () => undefined },
    counters: { inc: (name, by = 1) => void (counts[name] += by), observe: () => undefined },
    devices: () => devices, allDevices: () => devices,
    readPoints: () => Promise.reject(new Error("not used")),
    gridTable: () => {
      throw new Error("the OPC UA adapter has no grid tables");
    },
    resolvePath: (p) => resolve(p),
    dataDir,
    setHealth: (state, error) => void health.push({ state, ...(error ? { error: typeof error === "string" ? error : error.message } : {}) }),
    health, counts,
  };
}

export function createAdapter(config: unknown, devices: DeviceBinding[], dataDir?: string): { adapter: OpcUaAdapter; ctx: TestContext } {
  const ctx = makeContext(devices, dataDir);
  return { adapter: opcua.create(AdapterConfig.parse(config), ctx) as OpcUaAdapter, ctx };
}

export function binding(id: string, address: Record<string, unknown>, points: PointRef[] = []): DeviceBinding {
  return { id, adapter: "opcua", address, groups: [], points };
}

export function pointRef(device: DeviceBinding, point: string, address: Record<string, unknown>, type: DataType = "float64", access: PointRef["access"] = "rw"): PointRef {
  return { device: device.id, deviceAddress: device.address, point, address, type, access };
}

/** Polls until `probe` returns something, at most `ms`; tests never hang on a missing event. */
export async function waitFor<T>(probe: () => T, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects change notifications per point. */
export class Changes {
  readonly values: PointValue[] = [];
  readonly push = (vs: PointValue[]) => void this.values.push(...vs);
  of(point: string): PointValue[] {
    return this.values.filter((v) => v.point === point);
  }
  last(point: string): PointValue | undefined {
    return this.of(point).at(-1);
  }
}

/** A self-signed certificate for an X.509 user identity, with its private key. */
export async function userCertificate(root: string, userName = "operator"): Promise<{ certificate: string; privateKey: string }> {
  const cm = await openPki({ root, acceptUnknownCertificates: false, trust: [] });
  const certificate = join(cm.rootDir, "own", "certs", `${userName}.pem`);
  await cm.createSelfSignedCertificate({
    applicationUri: `urn:gridhub:user:${userName}`, subject: `/CN=${userName}/O=gridhub`, dns: [], startDate: new Date(), validity: 30, outputFile: certificate,
  });
  const privateKey = cm.privateKey;
  await cm.dispose();
  return { certificate, privateKey };
}
