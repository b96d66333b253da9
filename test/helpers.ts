import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import type { HubConfigInput } from "../src/config/schema.ts";
import { Hub } from "../src/hub/hub.ts";
import type { NeutralMessage } from "../src/model/index.ts";

export const fixtures = resolve(import.meta.dirname, "fixtures");
export const quiet = pino({ level: "silent" });

export function tempDir(prefix = "gridhub-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Polls a condition until it gives a truthy value, and returns that value (bounded: gives up after `ms`).
 * For waiting on asynchronous effects, never for timing assertions.
 */
export async function until<T>(cond: () => T | Promise<T>, ms = 5000, what = "condition"): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v as Exclude<T, false | 0 | "" | null | undefined>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

/** A port free on loopback now (other suites run at the same time: never a fixed port). */
export async function freePort(kind: "tcp" | "udp" = "tcp"): Promise<number> {
  if (kind === "udp") {
    const s = createSocket("udp4");
    await new Promise<void>((ok, fail) => {
      s.once("error", fail);
      s.bind(0, "127.0.0.1", () => ok());
    });
    const { port } = s.address();
    await new Promise<void>((ok) => s.close(() => ok()));
    return port;
  }
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise((ok) => srv.close(ok));
  return port;
}

export function memoryHubConfig(overrides: Partial<HubConfigInput> = {}): HubConfigInput {
  return {
    site: { id: "test-site" },
    log: { level: "silent" },
    store: { path: ":memory:" },
    api: { enabled: false },
    mappings: ["mappings"],
    adapters: { mem: { package: "./memory-adapter.ts" } },
    devices: [
      { id: "ahu-1", adapter: "mem", table: "ahu/memory", address: { id: "ahu-1" }, groups: ["hvac"] },
      { id: "ahu-2", adapter: "mem", table: "ahu/memory", address: { id: "ahu-2" }, groups: ["hvac"] },
      { id: "pv-1", adapter: "mem", table: "inverter/memory", address: { id: "pv-1" } },
      { id: "battery-1", adapter: "mem", table: "storage-battery/memory", address: { id: "battery-1" }, groups: ["storage"] },
      { id: "chiller-1", adapter: "mem", table: "chiller/memory", address: { id: "chiller-1" } },
    ],
    ...overrides,
  };
}

export function startMemoryHub(overrides: Partial<HubConfigInput> = {}) {
  return Hub.start(memoryHubConfig(overrides), { baseDir: fixtures, logger: quiet });
}

/** Collects bus messages of some types. */
export function collect(hub: Hub, types?: NeutralMessage["type"][]): NeutralMessage[] {
  const seen: NeutralMessage[] = [];
  hub.bus.subscribe(types ? { types } : {}, (m) => void seen.push(m as NeutralMessage));
  return seen;
}

export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
