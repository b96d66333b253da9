/**
 * End to end over real Modbus TCP on loopback: the hub starts the SunSpec simulator and the Modbus adapter from its
 * config; a neutral "limit generation to 50 %" becomes the SunSpec model 123 writes WMaxLimPct (scaled by
 * WMaxLimPct_SF) then WMaxLim_Ena = 1, the simulated inverter throttles, and at the end both come back.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { pino } from "pino";
import type { ModbusSimulator } from "@gridhub/modbus/simulator";
import { Hub } from "../../src/hub/hub.ts";
import { makeMessage, type Envelope } from "../../src/model/index.ts";
import { until } from "../helpers.ts";

const PORT = 15021;
const root = resolve(import.meta.dirname, "../..");


describe("e2e: LoadGenerationManagement -> SunSpec inverter over Modbus TCP (simulator)", function () {
  let hub: Hub;
  const sim = () => hub.simulators.get("modbus-sim") as unknown as ModbusSimulator;
  const inverter = () => sim().sunspec(1);

  before(async () => {
    const address = (unitId: number) => ({ host: "127.0.0.1", port: PORT, unitId });
    hub = await Hub.start({
      site: { id: "e2e-modbus" },
      log: { level: "silent" },
      store: { path: ":memory:" },
      api: { enabled: false },
      mappings: ["mappings/modbus"],
      simulators: {
        "modbus-sim": {
          package: "@gridhub/modbus",
          config: {
            tcp: { host: "127.0.0.1", port: PORT },
            devices: [{ kind: "sunspec-inverter", unitId: 1, ratedW: 5000, availableW: 4000 }, { kind: "sunspec-meter", unitId: 2, w: -1800 }],
          },
        },
      },
      adapters: { mb: { package: "@gridhub/modbus", config: { timeoutMs: 500, retries: 1 } } },
      devices: [
        { id: "pv-1", adapter: "mb", table: "inverter/sunspec-modbus", address: address(1), groups: ["pv"] },
        { id: "meter-1", adapter: "mb", table: "meter/sunspec-modbus", address: address(2) },
      ],
    }, { baseDir: root, logger: pino({ level: "silent" }) });
  });
  after(() => hub?.stop());

  it("limits the inverter to 50 % through WMaxLimPct + WMaxLim_Ena and restores both at the end", async () => {
    assert.equal(inverter().get(123, "WMaxLim_Ena"), 0);
    assert.equal(inverter().get(103, "W"), 4000);
    const results: Envelope<"Result">[] = [];
    hub.bus.subscribe({ types: ["Result"] }, (m) => void results.push(m));
    const writesBefore = sim().requests.filter((r) => r.op === "write").length;

    const start = new Date();
    const msg = makeMessage("LoadGenerationManagement", {
      scope: { kind: "group", id: "pv" }, direction: "generation", request: "limit", urgency: "normal", mandatory: true,
      slots: [{ duration: "PT1H", relative: 50 }],
    }, { source: "openadr:ven-e2e", targets: [{ kind: "group", id: "pv" }], validity: { start: start.toISOString(), end: new Date(start.getTime() + 2500).toISOString() } });
    await hub.bus.publish(msg);

    await until(() => inverter().get(123, "WMaxLim_Ena") === 1, 5000, "WMaxLim_Ena enabled");
    assert.equal(inverter().get(123, "WMaxLimPct"), 50);
    assert.deepEqual(sim().unit(1).readWords("holding", inverter().address(123, "WMaxLimPct"), 1), [500], "50 % at WMaxLimPct_SF = -1");
    assert.equal(inverter().get(103, "W"), 2500, "the inverter throttles to 50 % of WMax");
    const writes = sim().requests.filter((r) => r.op === "write").slice(writesBefore).map((r) => r.start);
    assert.deepEqual(writes, [inverter().address(123, "WMaxLimPct"), inverter().address(123, "WMaxLim_Ena")], "limit first, then enable");
    const result = await until(() => results.find((r) => r.correlationId === msg.id), 5000, "Result");
    assert.equal(result.body.outcome, "successful");

    await until(() => inverter().get(123, "WMaxLim_Ena") === 0 && inverter().get(123, "WMaxLimPct") === 100, 5000, "limit disabled and restored");
    assert.equal(inverter().get(103, "W"), 4000);
    assert.equal(hub.actuator.active().length, 0);
  });

  it("polls the inverter and the meter into telemetry", async () => {
    const power = await until(() => hub.telemetry.live.get("pv-1")?.ac_power_w, 5000, "inverter power");
    assert.equal(power.quality, "good");
    assert.equal(typeof power.value, "number");
    const state = await until(() => hub.telemetry.live.get("pv-1")?.operating_state, 5000, "operating state");
    assert.ok(["mppt", "throttled"].includes(String(state.value)));
    const exported = await until(() => hub.telemetry.live.get("meter-1")?.export_power_w, 5000, "meter power");
    assert.equal(exported.value, 1800);
    const stored = await hub.store.queryTelemetry({ device: "meter-1", point: "import_wh" });
    assert.ok(stored.length >= 1 && stored[0].value === 1_000_000);
  });
});
