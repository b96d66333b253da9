/** A hub with memory devices (the core's test fixtures) and one VEN talking to a TestVtn. */
import { resolve } from "node:path";
import { pino } from "pino";
import { Hub } from "../../../../src/hub/hub.ts";
import type { HubConfigInput } from "../../../../src/config/schema.ts";
import type { VenAdapter } from "../../src/ven/adapter.ts";
import type { TestPki } from "./ven-pki.ts";

const REPO = resolve(import.meta.dirname, "../../../..");
export const FIXTURE_MAPPINGS = resolve(REPO, "test/fixtures/mappings");

export interface VenHubOptions {
  pki: TestPki;
  vtnUrl: string;
  /** store file (":memory:" by default) */
  store?: string;
  /** VEN config fields over the test defaults */
  ven?: Record<string, unknown>;
  devices?: HubConfigInput["devices"];
}

export const DEVICES: NonNullable<HubConfigInput["devices"]> = [
  { id: "ahu-1", adapter: "mem", table: "ahu/memory", address: { id: "ahu-1" }, groups: ["hvac"] },
  { id: "ahu-2", adapter: "mem", table: "ahu/memory", address: { id: "ahu-2" }, groups: ["hvac"] },
  { id: "battery-1", adapter: "mem", table: "storage-battery/memory", address: { id: "battery-1" }, groups: ["storage"] },
  { id: "pv-1", adapter: "mem", table: "inverter/memory", address: { id: "pv-1" } },
];

export function venHubConfig(o: VenHubOptions): HubConfigInput {
  return {
    site: { id: "ven-site" },
    log: { level: "silent" },
    store: { path: o.store ?? ":memory:" },
    api: { enabled: false },
    mappings: [FIXTURE_MAPPINGS, resolve(REPO, "mappings/openadr")],
    adapters: {
      mem: { package: resolve(REPO, "test/fixtures/memory-adapter.ts") },
      ven: {
        package: "@gridhub/openadr",
        config: {
          role: "ven", vtnUrl: o.vtnUrl, venName: "ven-test", tls: o.pki.tls("ven1"), pollInterval: "200ms",
          mappings: [FIXTURE_MAPPINGS], retry: { initial: "100ms", max: "400ms" }, http: { timeout: "3s" }, ...o.ven,
        },
      },
    },
    devices: o.devices ?? DEVICES,
  };
}

export async function startVenHub(o: VenHubOptions): Promise<{ hub: Hub; ven: VenAdapter }> {
  const hub = await Hub.start(venHubConfig(o), { baseDir: REPO, logger: pino({ level: "silent" }) });
  return { hub, ven: hub.adapters.get("ven")!.adapter as VenAdapter };
}
