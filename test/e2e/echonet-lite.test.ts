/**
 * End to end over real UDP on loopback: the hub starts the ECHONET Lite simulator and adapter from its config, a
 * neutral LoadGenerationManagement "discharge the battery at 2 kW" (17:00-19:00, shortened to seconds) becomes
 * SetC frames on 0xDA/0xEC, the simulated battery discharges, and at the end the previous settings come back.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { pino } from "pino";
import { Hub } from "../../src/hub/hub.ts";
import { makeMessage, type Envelope } from "../../src/model/index.ts";
import { freePort, until } from "../helpers.ts";

const root = resolve(import.meta.dirname, "../..");

interface SetRecord { epc: string; edt: string; esv: string; accepted: boolean }
type Battery = Record<string, number>;



describe("e2e: LoadGenerationManagement -> ECHONET Lite storage battery (UDP, simulator)", function () {
  let hub: Hub;
  let PORT = 0;
  const sim = () => hub.simulators.get("el-sim")!;
  const battery = () => (sim().info().objects as Record<string, Battery>)[`127.0.0.70:${PORT}/0x027D01`];
  const sets = () => sim().info().sets as SetRecord[];

  before(async () => {
    PORT = await freePort("udp");
    hub = await Hub.start({
      site: { id: "e2e-el" },
      log: { level: "silent" },
      store: { path: ":memory:" },
      api: { enabled: false },
      mappings: ["mappings/echonet-lite"],
      simulators: {
        "el-sim": {
          package: "@gridhub/echonet-lite",
          config: {
            port: PORT, tickMs: 100, clock: { speed: 60 },
            nodes: [{ address: "127.0.0.70", objects: [{ eoj: "0x027D01", params: { socPercent: 80, capacityWh: 10000, maxDischargeW: 3000 } }] }],
          },
        },
      },
      adapters: {
        el: {
          package: "@gridhub/echonet-lite",
          config: { bind: { address: "127.0.0.1", port: PORT }, peerPort: PORT, multicast: { interface: "127.0.0.1" }, request: { timeoutMs: 500, retries: 1 } },
        },
      },
      devices: [{ id: "battery-1", adapter: "el", table: "storage-battery/echonet-lite", address: { host: "127.0.0.70", eoj: "0x027D01" }, groups: ["storage"] }],
    }, { baseDir: root, logger: pino({ level: "silent" }) });
  });
  after(() => hub?.stop());

  it("discharges at 2 kW for the event and restores the previous mode and power setting at its end", async () => {
    const before = battery();
    assert.equal(before.operationMode, 0x44, "standby before the event");
    assert.equal(before.dischargePowerW, 3000);
    const results: Envelope<"Result">[] = [];
    hub.bus.subscribe({ types: ["Result"] }, (m) => void results.push(m));

    const start = new Date();
    const msg = makeMessage("LoadGenerationManagement", {
      scope: { kind: "group", id: "storage" }, direction: "generation", request: "increase", urgency: "normal", mandatory: true,
      slots: [{ duration: "PT2H", power: { value: 2, multiplier: 3, unit: "W" } }],
    }, { source: "openadr:ven-e2e", targets: [{ kind: "group", id: "storage" }], validity: { start: start.toISOString(), end: new Date(start.getTime() + 2500).toISOString() } });
    await hub.bus.publish(msg);

    const during = await until(() => {
      const b = battery();
      return b.instantaneousPowerW === -2000 && b;
    }, 5000, "battery discharging at 2 kW");
    assert.equal(during.operationMode, 0x43);
    assert.equal(during.workingStatus, 0x43);
    assert.equal(during.dischargePowerW, 2000);
    const written = sets().filter((s) => s.esv === "SetC").map((s) => `${s.epc}=${s.edt}`);
    assert.ok(written.includes("0xDA=43") && written.includes("0xEC=000007d0"), `SetC frames seen: ${written.join(", ")}`);
    assert.ok(sets().every((s) => s.accepted));
    await until(() => battery().remainingWh < before.remainingWh, 5000, "state of charge falling");
    const result = await until(() => results.find((r) => r.correlationId === msg.id), 5000, "Result");
    assert.equal(result.body.outcome, "successful");

    const after = await until(() => {
      const b = battery();
      return b.operationMode === 0x44 && b.dischargePowerW === 3000 && b.instantaneousPowerW === 0 && b;
    }, 5000, "restore at the end of the event");
    assert.equal(after.workingStatus, 0x44);
    const restored = sets().map((s) => `${s.epc}=${s.edt}`);
    assert.ok(restored.includes("0xDA=44") && restored.includes("0xEC=00000bb8"), `restore frames: ${restored.join(", ")}`);
    assert.equal(hub.actuator.active().length, 0);
  });

  it("feeds the battery's telemetry back into the hub", async () => {
    const rows = await until(() => hub.telemetry.live.get("battery-1")?.soc_percent, 5000, "a polled state of charge");
    assert.equal(rows.quality, "good");
    assert.ok(typeof rows.value === "number" && rows.value > 0 && rows.value <= 80);
    const stored = await hub.store.queryTelemetry({ device: "battery-1", point: "soc_percent" });
    assert.ok(stored.length >= 1);
  });
});
