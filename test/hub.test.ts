import assert from "node:assert/strict";
import { resolve } from "node:path";
import { Hub, HubStartError } from "../src/hub/hub.ts";
import { makeMessage, type LoadGenerationManagement, type Envelope } from "../src/model/index.ts";
import { memory } from "./fixtures/memory-adapter.ts";
import { collect, fixtures, inMs, memoryHubConfig, quiet, startMemoryHub, tempDir, until } from "./helpers.ts";

const W = (value: number) => ({ value, unit: "W" as const });
function lgm(body: Partial<LoadGenerationManagement>, validity: { start: string; end?: string }, extra: Partial<Envelope> = {}) {
  return makeMessage("LoadGenerationManagement", {
    scope: { kind: "building", id: "test-site" }, direction: "consumption", request: "decrease", urgency: "high", mandatory: false,
    slots: [{ duration: "PT1H" }], ...body,
  } as LoadGenerationManagement, { source: "openadr:ven", validity, ...extra } as never);
}

describe("hub: neutral message -> point writes -> restore, per protocol family", function () {
  let hub: Hub;
  beforeEach(async () => {
    memory.reset();
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    memory.set("ahu-1", "ao1", 55, 16);
    memory.set("ahu-2", "ao1", 55, 16);
    memory.set("pv-1", "WMaxLimPct", 1000);
    memory.set("pv-1", "WMaxLim_Ena", 0);
    memory.set("battery-1", "0xDA", 0x46);
    memory.set("battery-1", "0xEC", 0);
    memory.set("chiller-1", "ns=2;s=Plant.Chiller1.CHWSetpoint", 7);
    hub = await startMemoryHub();
  });
  afterEach(() => hub.stop());

  it("BACnet-shaped: setpoint +2 K at priority 9, fan 70 %, relinquished at the end, other priorities untouched", async () => {
    const results = collect(hub, ["Result"]);
    await hub.bus.publish(lgm({}, { start: inMs(0), end: inMs(2000) }));
    const p = memory.point("ahu-1", "av3");
    assert.equal(p.priorities[9], 24);
    assert.equal(p.value, 24);
    assert.equal(memory.point("ahu-1", "ao1").priorities[9], 70);
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 23);
    await until(() => results.length >= 2, 2000, "results");
    assert.ok(results.every((r) => r.type === "Result" && r.body.outcome === "successful"));
    await until(() => p.priorities[9] === undefined, 8000, "relinquish at the end");
    assert.equal(p.value, 22);
    assert.equal(p.priorities[16], 22);
    assert.ok(memory.writes.some((w) => w.device === "ahu-1" && w.point === "av3" && w.relinquish && w.priority === 9));
    assert.equal(hub.actuator.active().length, 0);
  });

  it("BACnet-shaped: an operator override at a higher priority is never written or relinquished by us", async () => {
    memory.set("ahu-1", "av3", 26, 8);
    await hub.bus.publish(lgm({}, { start: inMs(0), end: inMs(2000) }));
    const p = memory.point("ahu-1", "av3");
    assert.equal(p.priorities[9], 28, "offset from the present value, clamped to 28");
    assert.equal(p.value, 26, "the operator's priority 8 still commands");
    await until(() => p.priorities[9] === undefined, 8000, "relinquish");
    assert.equal(p.priorities[8], 26);
    assert.equal(p.priorities[16], 22);
    assert.ok(memory.writes.every((w) => w.priority !== 8));
  });

  it("Modbus/SunSpec-shaped: limit generation to 50 % (+ enable), disabled at the end", async () => {
    await hub.bus.publish(lgm({ direction: "generation", request: "limit", slots: [{ duration: "PT1H", relative: 50 }] }, { start: inMs(0), end: inMs(2000) }));
    assert.equal(memory.point("pv-1", "WMaxLimPct").value, 500);
    assert.equal(memory.point("pv-1", "WMaxLim_Ena").value, 1);
    await until(() => memory.point("pv-1", "WMaxLim_Ena").value === 0, 8000, "disable at the end");
    assert.equal(memory.point("pv-1", "WMaxLimPct").value, 500, "explicit restore touches only the points it names");
  });

  it("ECHONET-Lite-shaped: discharge 2 kW during the window, previous mode and power restored", async () => {
    await hub.bus.publish(lgm({ direction: "generation", request: "increase", slots: [{ duration: "PT1H", power: { value: 2, multiplier: 3, unit: "W" } }] },
      { start: inMs(0), end: inMs(2000) }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x43);
    assert.equal(memory.point("battery-1", "0xEC").value, 2000);
    // mode and power are restored by two writes: wait for both
    await until(() => memory.point("battery-1", "0xDA").value === 0x46 && memory.point("battery-1", "0xEC").value === 0, 8000, "restore");
  });

  it("OPC-UA-shaped: a temperature profile is held slot by slot, then the previous setpoint returns", async () => {
    const key = "ns=2;s=Plant.Chiller1.CHWSetpoint";
    const start = inMs(0);
    await hub.bus.publish(makeMessage("TemperatureProfile", {
      scope: { kind: "device", id: "chiller-1" },
      slots: [{ duration: "PT1.5S", setpoint: { value: 9, unit: "degC" } }, { duration: "PT1.5S", setpoint: { value: 14, unit: "degC" } }],
    }, { source: "cem:test-site", targets: [{ kind: "device", id: "chiller-1" }], validity: { start } }));
    assert.equal(memory.point("chiller-1", key).value, 9);
    await until(() => memory.point("chiller-1", key).value === 12, 8000, "second slot (clamped to 12)");
    await until(() => memory.point("chiller-1", key).value === 7, 8000, "restore after the last slot");
  });

  it("one-shot commands are written once and not restored", async () => {
    await hub.bus.publish(makeMessage("Command", { device: "battery-1", command: { action: "standby" } },
      { source: "cem:test-site", targets: [{ kind: "device", id: "battery-1" }] }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x44);
    assert.equal(hub.actuator.active().length, 1, "held until superseded; no restore for set");
  });

  it("a later event restores to the value a one-shot command wrote, not to the value before the command", async () => {
    await hub.bus.publish(makeMessage("Command", { device: "battery-1", command: { action: "standby" } },
      { source: "cem:test-site", targets: [{ kind: "device", id: "battery-1" }] }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x44);
    await hub.bus.publish(lgm({ direction: "generation", request: "increase", slots: [{ duration: "PT1H", power: W(1000) }] }, { start: inMs(0), end: inMs(1500) }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x43);
    await until(() => memory.point("battery-1", "0xDA").value === 0x44, 8000, "back to standby, as the command left it");
  });

  it("a higher-priority claim holds the point; when it ends the lower one is written back, not the snapshot", async () => {
    await hub.bus.publish(lgm({ direction: "generation", request: "increase", slots: [{ duration: "PT1H", power: W(1500) }] }, { start: inMs(0), end: inMs(6000) }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x43);
    await hub.bus.publish(makeMessage("Emergency", { phase: "start", mode: "network-standby" }, { source: "openadr:ven", validity: { start: inMs(0), end: inMs(1500) } }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x44, "emergency (priority 90) wins");
    await until(() => memory.point("battery-1", "0xDA").value === 0x43, 8000, "back to discharge after the emergency");
    await until(() => memory.point("battery-1", "0xDA").value === 0x46, 10000, "then the snapshot");
  });

  it("Emergency end releases emergency claims at once", async () => {
    await hub.bus.publish(makeMessage("Emergency", { phase: "start", mode: "network-standby" }, { source: "openadr:ven" }));
    assert.equal(memory.point("ahu-1", "ao1").priorities[9], 0);
    await hub.bus.publish(makeMessage("Emergency", { phase: "end", mode: "network-standby" }, { source: "openadr:ven" }));
    assert.equal(memory.point("ahu-1", "ao1").priorities[9], undefined);
    assert.equal(memory.point("battery-1", "0xDA").value, 0x46);
  });

  it("a modification with the same origin supersedes, and an end in the past cancels", async () => {
    const origin = { protocol: "openadr", ref: "evt-1" };
    await hub.bus.publish(lgm({ urgency: "normal" }, { start: inMs(0), end: inMs(60_000) }, { origin }));
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 23);
    await hub.bus.publish(lgm({ urgency: "high" }, { start: inMs(0), end: inMs(60_000) }, { origin }));
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 24);
    assert.equal(hub.actuator.active().filter((a) => a.device === "ahu-1").length, 1);
    await hub.bus.publish(lgm({ urgency: "high" }, { start: inMs(-60_000), end: inMs(-1) }, { origin }));
    assert.equal(memory.point("ahu-1", "av3").priorities[9], undefined);
    assert.equal(hub.actuator.active().length, 0);
  });

  it("routes by target: a group reaches its members only", async () => {
    await hub.bus.publish(lgm({}, { start: inMs(0), end: inMs(60_000) }, { targets: [{ kind: "group", id: "hvac" }] }));
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 24);
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 23);
    assert.equal(memory.point("battery-1", "0xDA").value, 0x46);
    hub.groups.remove("hvac", "ahu-2");
    await hub.bus.publish(lgm({ urgency: "normal" }, { start: inMs(0), end: inMs(60_000) }, { targets: [{ kind: "group", id: "hvac" }], origin: { protocol: "t", ref: "2" } }));
    assert.equal(memory.point("ahu-2", "av3").priorities[9], 23, "ahu-2 left the group: untouched by the second message");
  });

  it("acknowledges a retransmission without acting twice", async () => {
    const m = makeMessage("Command", { device: "battery-1", command: { action: "standby" } }, { source: "cem:test-site", targets: [{ kind: "device", id: "battery-1" }] });
    const a = await hub.bus.publish(m);
    const b = await hub.bus.publish(m);
    assert.equal(a.duplicate, false);
    assert.equal(b.duplicate, true);
    assert.equal(memory.writes.filter((w) => w.point === "0xDA").length, 1);
  });

  it("refuses a grid command naming a device that is not externally controllable, and audits it", async () => {
    await hub.bus.publish(makeMessage("Command", { device: "battery-1", command: { action: "standby" } }, { source: "openadr:ven", targets: [{ kind: "device", id: "battery-1" }] }));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x46);
    const refused = await hub.store.queryAudit({ outcome: "refused" });
    assert.equal(refused[0].action, "device.command");
  });

  it("answers a message the table has no rule for with an unsuccessful Result, when the device was named", async () => {
    const results = collect(hub, ["Result"]);
    const m = makeMessage("TemperatureProfile", { scope: { kind: "device", id: "pv-1" }, slots: [{ duration: "PT1H", setpoint: { value: 20, unit: "degC" } }] },
      { source: "cem:test-site", targets: [{ kind: "device", id: "battery-1" }] });
    await hub.bus.publish(m);
    assert.equal(results.length, 0, "battery table has no TemperatureProfile rule, so it did not even subscribe");
    const lgmDirect = lgm({ request: "setpoint" }, { start: inMs(0), end: inMs(1000) }, { targets: [{ kind: "device", id: "battery-1" }], source: "cem:test-site" });
    await hub.bus.publish(lgmDirect);
    await until(() => results.length === 1, 2000, "result");
    assert.equal(results[0].type === "Result" && results[0].body.outcome, "unsuccessful");
    assert.equal(results[0].correlationId, lgmDirect.id);
  });

  it("reports an offset from the current value as failed when the device cannot be read first", async () => {
    memory.offline.add("ahu-1");
    const results = collect(hub, ["Result"]);
    await hub.bus.publish(lgm({}, { start: inMs(0), end: inMs(60_000) }));
    const r = await until(() => results.find((x) => x.source === "device:ahu-1"), 5000, "ahu-1 result");
    assert.ok(r.type === "Result");
    assert.equal(r.body.outcome, "unsuccessful");
    assert.match(r.body.reason ?? "", /zone_setpoint_c: its current value is unknown/);
  });

  it("reports a write that fails as an unsuccessful Result naming the point", async () => {
    memory.offline.add("pv-1");
    const results = collect(hub, ["Result"]);
    const m = lgm({ direction: "generation", request: "limit", slots: [{ duration: "PT1H", relative: 30 }] }, { start: inMs(0), end: inMs(60_000) });
    await hub.bus.publish(m);
    const r = results.find((x) => x.source === "device:pv-1");
    assert.ok(r && r.type === "Result");
    assert.equal(r.body.outcome, "unsuccessful");
    assert.match(r.body.reason ?? "", /w_max_lim_pct: pv-1 did not answer/);
  });
});

describe("hub: durability of actuation across a restart", () => {
  it("a hub stopped mid-event restores the device after the end, from the store", async () => {
    const tmp = tempDir();
    try {
      memory.reset();
      memory.set("battery-1", "0xDA", 0x46);
      memory.set("battery-1", "0xEC", 100);
      const cfg = memoryHubConfig({ store: { path: resolve(tmp.dir, "hub.db") } });
      let hub = await Hub.start(cfg, { baseDir: fixtures, logger: quiet });
      await hub.bus.publish(makeMessage("LoadGenerationManagement", {
        scope: { kind: "building", id: "x" }, direction: "generation", request: "increase", urgency: "normal", mandatory: false,
        slots: [{ duration: "PT1H", power: W(1800) }],
      }, { source: "openadr:ven", validity: { start: inMs(0), end: inMs(2000) } }));
      assert.equal(memory.point("battery-1", "0xDA").value, 0x43);
      await hub.stop();
      assert.equal(memory.point("battery-1", "0xDA").value, 0x43, "a stop does not restore: the event is still on");
      await new Promise((ok) => setTimeout(ok, 2200));
      hub = await Hub.start(cfg, { baseDir: fixtures, logger: quiet });
      assert.equal(memory.point("battery-1", "0xDA").value, 0x46, "restored on start, the event having ended meanwhile");
      assert.equal(memory.point("battery-1", "0xEC").value, 100);
      assert.equal(hub.actuator.active().length, 0);
      await hub.stop();
    } finally {
      tmp.cleanup();
    }
  });

  it("an event still running after a restart is resumed and restored at its end", async () => {
    const tmp = tempDir();
    try {
      memory.reset();
      memory.set("pv-1", "WMaxLim_Ena", 0);
      const cfg = memoryHubConfig({ store: { path: resolve(tmp.dir, "hub.db") } });
      let hub = await Hub.start(cfg, { baseDir: fixtures, logger: quiet });
      await hub.bus.publish(makeMessage("LoadGenerationManagement", {
        scope: { kind: "building", id: "x" }, direction: "generation", request: "limit", urgency: "normal", mandatory: false,
        slots: [{ duration: "PT1H", relative: 40 }],
      }, { source: "openadr:ven", validity: { start: inMs(0), end: inMs(3000) } }));
      await hub.stop();
      hub = await Hub.start(cfg, { baseDir: fixtures, logger: quiet });
      assert.equal(hub.actuator.active().length, 1);
      assert.equal(memory.point("pv-1", "WMaxLim_Ena").value, 1);
      await until(() => memory.point("pv-1", "WMaxLim_Ena").value === 0, 8000, "restore after the resumed end");
      await hub.stop();
    } finally {
      tmp.cleanup();
    }
  });
});

describe("hub: telemetry and reachability", () => {
  it("polls points, publishes Telemetry and report messages, and flags a silent device unreachable", async () => {
    memory.reset();
    memory.set("ahu-1", "ai1", 14.5);
    memory.set("pv-1", "W", 320);
    const hub = await Hub.start(memoryHubConfig({
      devices: [
        { id: "ahu-1", adapter: "mem", table: "ahu/memory", address: { id: "ahu-1" } },
        { id: "pv-1", adapter: "mem", table: "inverter/memory", address: { id: "pv-1" } },
      ],
    }), { baseDir: fixtures, logger: quiet });
    try {
      const seen = collect(hub, ["Telemetry", "DeviceStatus", "Warning", "InstantaneousPower"]);
      const d = hub.devices.find((x) => x.id === "pv-1")!;
      await hub.telemetry.poll(d, ["ac_power_w"]);
      const ip = seen.find((m) => m.type === "InstantaneousPower");
      assert.ok(ip && ip.type === "InstantaneousPower");
      assert.deepEqual(ip.body.power, { value: 3200, unit: "W" });
      assert.equal(ip.body.direction, "generation");
      await until(() => seen.some((m) => m.type === "Telemetry" && m.body.device === "ahu-1"), 3000, "first poll of ahu-1");
      const rows = await hub.store.queryTelemetry({ device: "ahu-1", point: "supply_temp_c" });
      assert.equal(rows[0].value, 14.5);
      memory.offline.add("pv-1");
      await hub.telemetry.poll(d, ["ac_power_w"]);
      await hub.telemetry.poll(d, ["ac_power_w"]);
      const status = seen.find((m) => m.type === "DeviceStatus" && m.body.state === "unreachable");
      assert.ok(status, "DeviceStatus unreachable after two failed polls");
      assert.ok(seen.some((m) => m.type === "Warning" && m.body.kind === "disconnect"));
      assert.equal(hub.telemetry.live.get("pv-1")!.ac_power_w.quality, "bad");
    } finally {
      await hub.stop();
    }
  });
});

describe("hub: start-up errors are specific", () => {
  it("names a missing table, a wrong address and an unknown adapter", async () => {
    await assert.rejects(Hub.start(memoryHubConfig({
      devices: [
        { id: "a", adapter: "mem", table: "nope/memory", address: { id: "a" } },
        { id: "b", adapter: "mem", table: "ahu/memory", address: { host: "x" } },
        { id: "c", adapter: "ghost", table: "ahu/memory", address: { id: "c" } },
      ],
    }), { baseDir: fixtures, logger: quiet }), (e: Error) => {
      assert.ok(e instanceof HubStartError);
      assert.match(e.message, /devices\[0\] \(a\)\.table: no mapping table nope\/memory/);
      assert.match(e.message, /devices\[1\] \(b\)\.address: id: .*; \(address\): Unrecognized key: "host"|devices\[1\] \(b\)\.address: /);
      assert.match(e.message, /devices\[2\] \(c\): no enabled adapter named ghost/);
      return true;
    });
  });

  it("names an adapter package that cannot be loaded and a bad adapter config", async () => {
    await assert.rejects(Hub.start(memoryHubConfig({ adapters: { mem: { package: "@gridhub/does-not-exist" } }, devices: [] }), { baseDir: fixtures, logger: quiet }),
      /cannot load adapter package @gridhub\/does-not-exist/);
    await assert.rejects(Hub.start(memoryHubConfig({ adapters: { mem: { package: "./memory-adapter.ts", config: { latencyMs: -1 } } }, devices: [] }), { baseDir: fixtures, logger: quiet }),
      /adapters\.mem\.config\.latencyMs: /);
  });
});
