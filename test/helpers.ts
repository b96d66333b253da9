import { mkdtempSync, rmSync } from "node:fs";
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

/** Polls a condition (bounded: gives up after `ms`) — for waiting on asynchronous effects, never for timing assertions. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
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
