/**
 * The CEM inside the hub: which grid messages it claims (the rest keep the direct path through the device tables),
 * its config checks, its explanations; and the pure helpers it relies on (times of day, restore commands).
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { DeviceBook } from "../../src/cem/devices.ts";
import { deadlineOf, nextTimeOfDay } from "../../src/cem/clock.ts";
import type { CemHost } from "../../src/cem/host.ts";
import { Overrides } from "../../src/cem/overrides.ts";
import { marginalPrice, PriceBook } from "../../src/cem/prices.ts";
import type { Hub } from "../../src/hub/hub.ts";
import { loadTableDirs } from "../../src/mapping/index.ts";
import { makeMessage } from "../../src/model/index.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { collect, inMs, startMemoryHub, until } from "../helpers.ts";

const root = resolve(import.meta.dirname, "../..");

describe("cem: claims and the direct path", () => {
  let hub: Hub;
  beforeEach(async () => {
    memory.reset();
    for (const d of ["ahu-1", "ahu-2"]) {
      memory.set(d, "av3", 22, 16);
      memory.set(d, "ao1", 55, 16);
    }
    hub = await startMemoryHub({ cem: { handles: ["LoadGenerationManagement"], devices: { "ahu-1": { decreaseW: 300 } } } });
  });
  afterEach(() => hub.stop());

  const lgm = (source: string, targets?: never[], urgency: "normal" | "high" = "normal") => makeMessage("LoadGenerationManagement", {
    scope: { kind: "building", id: "test-site" }, direction: "consumption", request: "decrease", urgency, mandatory: false, slots: [{ duration: "PT1H", power: { value: 500, unit: "W" } }],
  }, { source, validity: { start: inMs(0), end: inMs(60_000) }, ...(targets ? { targets } : {}) });

  it("decides a claimed grid message itself: only the devices it chooses are written, and the answer goes north", async () => {
    const results = collect(hub, ["Result"]);
    const m = lgm("openadr:ven");
    await hub.bus.publish(m);
    await until(() => results.some((r) => r.source === "cem:test-site" && r.correlationId === m.id), 3000, "the CEM's answer");
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 23, "ahu-1 was given its share");
    assert.equal(memory.point("ahu-2", "av3").priorities[9], undefined, "ahu-2 has no declared flexibility: the grid message never reached it");
    const r = results.find((x) => x.source === "cem:test-site")!;
    assert.ok(r.type === "Result" && r.body.outcome === "partial" && r.body.achieved?.value === 300);
    assert.deepEqual(hub.cem!.describe().claims, ["LoadGenerationManagement"]);
  });

  it("turns a relative request into watts of the candidates' baseline", async () => {
    await hub.stop();
    hub = await startMemoryHub({ cem: { devices: { "ahu-1": { decreaseW: 300, ratedPowerW: 1000 } } } });
    const results = collect(hub, ["Result"]);
    const m = makeMessage("LoadGenerationManagement", {
      scope: { kind: "building", id: "test-site" }, direction: "consumption", request: "decrease", urgency: "normal", mandatory: false, slots: [{ duration: "PT1H", relative: -20 }],
    }, { source: "openadr:ven", validity: { start: inMs(0), end: inMs(60_000) } });
    await hub.bus.publish(m);
    await until(() => results.some((r) => r.source === "cem:test-site"), 3000, "the answer");
    const r = results.find((x) => x.source === "cem:test-site")!;
    assert.ok(r.type === "Result" && r.body.outcome === "successful" && r.body.achieved?.value === 200, "20 % of the 1000 W the AHU draws");
  });

  it("leaves unclaimed types, messages for a group, and the operator's messages on the direct path", async () => {
    await hub.bus.publish(makeMessage("Emergency", { phase: "start", mode: "network-standby" }, { source: "openadr:ven" }));
    assert.equal(memory.point("ahu-2", "ao1").priorities[9], 0, "Emergency is not claimed here: the table acted");
    await hub.bus.publish(lgm("openadr:ven", [{ kind: "group", id: "hvac" }] as never[]));
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 23, "a group target does not reach the CEM");
    await hub.bus.publish(lgm("operator", undefined, "high"));
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 24, "the operator's message went to the tables");
  });

  it("explains its decisions: audit log and the recent decisions by device and policy", async () => {
    const m = lgm("openadr:ven");
    await hub.bus.publish(m);
    await hub.cem!.idle();
    const d = hub.cem!.decisions({ target: "ahu-1", policy: "load-management" })[0];
    assert.deepEqual([d.action, d.event?.id, d.numbers.requestedW, d.numbers.shareW], ["reduce", m.id, 500, 300]);
    assert.equal(hub.cem!.decisions({ target: "ahu-1", since: inMs(60_000) }).length, 0);
    const audit = await hub.store.queryAudit({ actor: "cem:load-management" });
    assert.ok(audit.some((a) => a.target === "ahu-1" && (a.detail as { event: { id: string } }).event.id === m.id));
  });
});

describe("cem: configuration", () => {
  it("refuses device settings for devices the config does not bind", async () => {
    await assert.rejects(startMemoryHub({ cem: { devices: { ghost: { priority: 1 } } } }), /cem\.devices names devices the config does not bind: ghost/);
  });

  it("runs no CEM without a cem section, or when it is disabled", async () => {
    for (const cem of [undefined, { enabled: false }]) {
      const hub = await startMemoryHub(cem ? { cem } : {});
      assert.equal(hub.cem, undefined);
      await hub.stop();
    }
  });
});

describe("cem: prices", () => {
  it("reads tiers in any energy unit and prices the next Wh by the energy already drawn", () => {
    const book = new PriceBook();
    const info = book.update(makeMessage("PriceEnvironmentProfile", { tariffKind: "time-of-use", flow: "import", slots: [{
      start: "2026-06-01T00:00:00Z", duration: "PT6H", binding: "binding", price: { value: 0.2, unit: "currency/kWh" },
      tiers: [{ aboveEnergy: { value: 2, multiplier: 3, unit: "Wh" }, price: { value: 0.35, unit: "currency/kWh" } }],
    }] }, { source: "openadr:ven" }))!;
    assert.deepEqual(info.slots[0].tiers, [{ aboveWh: 2000, price: 0.35 }]);
    assert.equal(marginalPrice(info.slots[0], 1999), 0.2);
    assert.equal(marginalPrice(info.slots[0], 2000), 0.35);
    assert.equal(book.get("export"), undefined);
  });
});

describe("cem: times of day", () => {
  it("finds the next occurrence of a time of day in the site's zone, across a daylight saving change", () => {
    const after = Date.parse("2026-03-29T00:30:00Z");
    assert.equal(new Date(nextTimeOfDay("07:00", "Europe/Berlin", after)).toISOString(), "2026-03-29T05:00:00.000Z", "CEST from 02:00 local");
    assert.equal(new Date(nextTimeOfDay("00:15", "UTC", after)).toISOString(), "2026-03-30T00:15:00.000Z", "already past today: tomorrow");
    assert.equal(new Date(nextTimeOfDay("20:00", "Asia/Tokyo", after)).toISOString(), "2026-03-29T11:00:00.000Z");
  });

  it("reads a device's deadline as a time of day, an ISO date-time or epoch seconds, and nothing else", () => {
    const after = Date.parse("2026-06-01T10:00:00Z");
    assert.equal(deadlineOf("12:30", "UTC", after), Date.parse("2026-06-01T12:30:00Z"));
    assert.equal(deadlineOf("2026-06-01T18:00:00+09:00", "UTC", after), Date.parse("2026-06-01T09:00:00Z"));
    assert.equal(deadlineOf(1_780_000_000, "UTC", after), 1_780_000_000_000);
    assert.equal(deadlineOf("soon", "UTC", after), undefined);
    assert.equal(deadlineOf(true, "UTC", after), undefined);
    assert.throws(() => nextTimeOfDay("25:00", "UTC", after), /not a time of day/);
  });
});

describe("cem: restore commands", () => {
  const tables = loadTableDirs([resolve(root, "mappings/echonet-lite"), resolve(root, "mappings/modbus")], root);
  const bind = (id: string, table: string) => ({ id, adapter: "x", address: {}, groups: [], points: [], loaded: tables.get(table)!, externallyControllable: false });
  const host = { devices: [bind("battery-1", "storage-battery/echonet-lite"), bind("ac-1", "air-conditioner/echonet-lite"), bind("pv-1", "inverter/sunspec-modbus")],
    telemetry: { live: new Map() }, groups: { has: () => false } } as unknown as CemHost;
  const overrides = new Overrides(new DeviceBook(host, {}), "cem:t", Date.now);

  it("finds, per point, the command whose table rule writes the old value back", () => {
    const rapid = overrides.writes("battery-1", { action: "charge", rapid: true });
    assert.deepEqual(rapid, { operation_mode: "rapid_charge" });
    assert.deepEqual(overrides.restoreFor("battery-1", { operation_mode: "auto" }, rapid).commands, [{ action: "setMode", mode: "auto" }]);
    assert.deepEqual(overrides.restoreFor("ac-1", { operation_status: "on" }, overrides.writes("ac-1", { action: "off" })).commands, [{ action: "on" }]);
    assert.deepEqual(overrides.restoreFor("pv-1", { connection: "connected" }, overrides.writes("pv-1", { action: "off" })).commands, [{ action: "on" }]);
  });

  it("says which points it cannot give back", () => {
    const r = overrides.restoreFor("battery-1", { operation_mode: "other", charge_power_w: null }, { operation_mode: "charge", charge_power_w: 1000 });
    assert.deepEqual(r.commands, []);
    assert.deepEqual(r.unrestorable, ['operation_mode (no command writes "other")', "charge_power_w (its value before could not be read)"]);
  });
});
