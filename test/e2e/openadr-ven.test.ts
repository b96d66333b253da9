/**
 * End to end through two hubs: our VTN (operator API) -> SIMPLE level 2 -> our VEN in a site hub -> neutral
 * LoadGenerationManagement -> memory devices written -> optIn back at the VTN, TELEMETRY_USAGE data at the VTN,
 * devices restored at the event's end. Mutual TLS on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { pino } from "pino";
import { Hub } from "../../src/hub/hub.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { collect, tempDir, until } from "../helpers.ts";
import type { VenAdapter } from "../../adapters/openadr/src/ven/adapter.ts";
import { venHubConfig } from "../../adapters/openadr/test/support/ven-hub.ts";
import { makePki, operator, sqliteStores, startVtnHub, tlsFiles, vtnConfig, type VtnHub } from "../../adapters/openadr/test/support/vtn-fixtures.ts";

describe("e2e: OpenADR VTN -> VEN -> devices -> optIn and reports", function () {
  this.timeout(60_000);
  const tmp = tempDir("gridhub-e2e-openadr-");
  const pki = makePki();
  const venPki = { ...pki, tls: (leaf: string) => tlsFiles(pki, leaf, true) };
  let vtn: VtnHub;
  let site: Hub;
  let ven: VenAdapter;

  before(async () => {
    memory.reset();
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    memory.set("ahu-1", "ao1", 40, 16);
    memory.set("battery-1", "0xD3", 1500);
    vtn = await startVtnHub(await sqliteStores(tmp.dir).fresh(), vtnConfig(pki, {
      reports: [{ reportName: "TELEMETRY_USAGE", granularity: "PT1S", reportBackDuration: "PT1S" }],
    }));
    site = await Hub.start(venHubConfig({ pki: venPki, vtnUrl: vtn.url, store: resolve(tmp.dir, "site.db") }), { baseDir: resolve(import.meta.dirname, "../.."), logger: pino({ level: "silent" }) });
    ven = site.adapters.get("ven")!.adapter as VenAdapter;
  });
  after(async () => {
    await site?.stop();
    await vtn?.stop();
    pki.cleanup();
    tmp.cleanup();
  });

  it("a SIMPLE level 2 event drives the devices, is opted in, TELEMETRY_USAGE flows, and the devices are restored at its end", async () => {
    const venID = ven.identity.openadrFingerprint;
    const api = <T>(method: string, path: string, body?: unknown) => operator<T>(vtn.apiBase, method, path, body);
    await until(() => ven.registration() !== undefined, 15_000, "registered");
    const bus = collect(site, ["LoadGenerationManagement"]);
    const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toISOString();
    assert.equal((await api("POST", "/events", {
      eventID: "e2e-1", activePeriod: { dtstart: start, duration: "PT3S" },
      signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT3S", signalPayload: 2 }] }],
      targets: { venID: [venID] },
    })).status, 201);

    await until(() => memory.point("ahu-1", "av3").priorities[9] === 24 && memory.point("ahu-1", "ao1").priorities[9] === 70, 15_000,
      "ahu-1: setpoint +2 K and fan 70 % at priority 9");
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 23);
    const lgm = bus.find((m) => m.type === "LoadGenerationManagement");
    assert.ok(lgm && lgm.type === "LoadGenerationManagement");
    assert.deepEqual([lgm.origin, lgm.body.urgency, lgm.validity?.start], [{ protocol: "openadr", ref: "e2e-1" }, "high", start]);

    await until(async () => (await api<{ vens: { optState: string }[] }>("GET", "/events/e2e-1")).body.vens[0]?.optState === "optIn", 15_000, "optIn at the VTN");
    await until(async () => (await api<{ point: string; value: unknown }[]>("GET", `/vens/${encodeURIComponent(venID)}/reports/data`)).body
      .some((r) => r.point === "battery-1/instantaneous_w" && Number(r.value) === 1500), 15_000, "TELEMETRY_USAGE at the VTN");

    await until(() => memory.point("ahu-1", "av3").priorities[9] === undefined && memory.point("ahu-2", "av3").priorities[9] === undefined, 15_000, "restored at the end");
    assert.equal(memory.point("ahu-1", "av3").value, 22);
    assert.equal(memory.point("ahu-1", "ao1").value, 40);
    await until(() => ven.events()[0]?.status === "completed", 5000, "completed at the VEN");
  });
});
