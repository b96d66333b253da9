/**
 * Scenario 13: Historical logs and telemetry (WGSP2114, JWG113x, JWG10, JWG3103, WGSP2121).
 * Devices: the Route B smart meter (ECHONET Lite 0x0288, EPC 0xE7) on the adapter's simulator (UDP), and a heat
 * pump on the memory adapter (ECHONET Lite has no heat pump class here) polled every 100 ms.
 * Northbound stand-ins: the OpenADR VEN's TELEMETRY_USAGE report takes InstantaneousPower from the bus (asserted
 * here as the neutral message it would carry: unit and multiplier); the VTN's HISTORY_USAGE request (or a 2030.5
 * LogEvent list request) as a LogRequest to the CEM.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { freeUdpPort, fromGrid, iso, memoryAdapter, north, ofType, record, scenarioMappings, startHub, until } from "./support.ts";

describe("scenario 13: historical logs and telemetry", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;

  before(async () => {
    const port = await freeUdpPort();
    memory.reset();
    memory.set("hp-1", "power", 1200);
    memory.set("hp-1", "flow", 45);
    hub = await startHub({
      site: { id: "home-13" },
      mappings: ["mappings/echonet-lite", scenarioMappings],
      simulators: { "el-sim": { package: "@gridhub/echonet-lite", config: { port, multicast: { enabled: false }, tickMs: 100, site: { baseLoadW: 400 }, nodes: [{ address: "127.0.0.79", objects: [{ eoj: "0x028801" }] }] } } },
      adapters: {
        el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } },
        mem: { package: memoryAdapter },
      },
      devices: [
        { id: "meter-1", adapter: "el", table: "smart-meter/echonet-lite", address: { host: "127.0.0.79", eoj: "0x028801" } },
        { id: "hp-1", adapter: "mem", table: "heat-pump/memory", address: { id: "hp-1" } },
      ],
      cem: {},
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("turns a poll of the Route B meter into InstantaneousPower with its unit and multiplier", async () => {
    // export_power_w (the signed reading InstantaneousPower is reported from) has no poll rate in the table: read it now
    await hub.telemetry.poll(hub.devices.find((d) => d.id === "meter-1")!, ["import_power_w", "export_power_w"]);
    const ip = ofType(seen, "InstantaneousPower").find((m) => m.body.scope.kind === "device" && m.body.scope.id === "meter-1")!;
    assert.deepEqual([ip.body.power.unit, ip.body.power.multiplier ?? 0, ip.body.direction], ["W", 0, "consumption"]);
    assert.equal(ip.body.power.value, 400, "the site's net draw, 0xE7");
  });

  it("answers a LogRequest for the heat pump's last 24 h from the history, and audits the access", async () => {
    memory.set("hp-1", "power", 1500);
    await until(async () => (await hub.store.queryTelemetry({ device: "hp-1", point: "power_w" })).some((r) => r.value === 1500), 6000, "a history");
    const now = Date.now();
    const req = await fromGrid(hub, "LogRequest", { scope: { kind: "device", id: "hp-1" }, deviceClass: "heat-pump", from: iso(now - 86_400_000), to: iso(now + 1000) },
      { source: "openadr:vtn", targets: [{ kind: "cem", id: "home-13" }] });
    await until(() => ofType(north(seen, "home-13"), "LogInfo").some((m) => m.correlationId === req.id), 6000, "the log");
    const log = ofType(north(seen, "home-13"), "LogInfo").find((m) => m.correlationId === req.id)!.body;
    assert.equal(log.kind, "device-log");
    const power = log.entries.filter((e) => e.event === "power_w").map((e) => e.value!);
    assert.ok(power.some((p) => p.value === 1200) && power.some((p) => p.value === 1500));
    assert.ok(power.every((p) => p.unit === "W"));
    assert.ok(log.entries.some((e) => e.event === "flow_temp_c" && e.value?.unit === "degC"));
    assert.ok(log.entries.every((e) => e.device === "hp-1"));
    const audit = await hub.store.queryAudit({ action: "log.read" });
    assert.deepEqual([audit[0].actor, audit[0].target, audit[0].outcome], ["openadr:vtn", "device:hp-1", "ok"]);
    assert.equal((audit[0].detail as { rows: number }).rows, log.entries.length);
  });
});
