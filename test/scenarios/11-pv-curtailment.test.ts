/**
 * Scenario 11: PV curtailment (JWG4, WGSP2121 exported power reduction, JWG2041 decelerate).
 * Devices: a SunSpec inverter (model 123) on the Modbus adapter's simulator, over Modbus TCP on loopback.
 * Northbound stand-in: the generation limit as the 2030.5 client (DERControl opModMaxLimW, as a share of WMax) or
 * the OpenADR VEN (LOAD_DISPATCH on generation) would publish it: LoadGenerationManagement limit, generation.
 * Run twice: on the direct path (the site's CEM does not decide LoadGenerationManagement: the inverter's table
 * acts on the grid message itself) and through the CEM (load management hands it to the devices whose tables act).
 */
import assert from "node:assert/strict";
import type { ModbusSimulator } from "@gridhub/modbus/simulator";
import type { Hub } from "../../src/hub/hub.ts";
import type { CemConfigInput } from "../../src/cem/config.ts";
import { freeTcpPort, fromGrid, iso, north, ofType, record, startHub, toDevice, until } from "./support.ts";

for (const path of ["direct", "cem"] as const) {
  describe(`scenario 11: PV curtailment (${path === "direct" ? "direct path" : "through the CEM"})`, function () {
    let hub: Hub;
    let seen: ReturnType<typeof record>;
    const inverter = () => (hub.simulators.get("modbus-sim") as unknown as ModbusSimulator).sunspec(1);
    const site = `pv-site-${path}`;

    before(async () => {
      const port = await freeTcpPort();
      const cem: CemConfigInput = path === "direct" ? { handles: ["Emergency", "GridStatus"] } : {};
      hub = await startHub({
        site: { id: site },
        mappings: ["mappings/modbus"],
        simulators: { "modbus-sim": { package: "@gridhub/modbus", config: { tcp: { host: "127.0.0.1", port }, devices: [{ kind: "sunspec-inverter", unitId: 1, ratedW: 5000, availableW: 4000 }] } } },
        adapters: { mb: { package: "@gridhub/modbus", config: { timeoutMs: 2000, retries: 2 } } },
        devices: [{ id: "pv-1", adapter: "mb", table: "inverter/sunspec-modbus", address: { host: "127.0.0.1", port, unitId: 1 } }],
        cem,
      });
      seen = record(hub);
    });
    after(() => hub?.stop());

    it("writes WMaxLimPct (scaled by WMaxLimPct_SF) and WMaxLim_Ena=1, telemetry shows the limit held, and it is disabled at the end", async () => {
      const start = Date.now();
      const limit = await fromGrid(hub, "LoadGenerationManagement", {
        scope: { kind: "building", id: site }, direction: "generation", request: "limit", urgency: "normal", mandatory: true, slots: [{ duration: "PT1.5S", relative: 40 }],
      }, { source: "ieee2030-5:client", validity: { start: iso(start), end: iso(start + 1500) }, origin: { protocol: "ieee2030-5", ref: "dercontrol-11" } });

      await until(() => inverter().get(123, "WMaxLim_Ena") === 1, 8000, "the limit enabled");
      assert.equal(inverter().get(123, "WMaxLimPct"), 40);
      const sim = hub.simulators.get("modbus-sim") as unknown as ModbusSimulator;
      assert.deepEqual(sim.unit(1).readWords("holding", inverter().address(123, "WMaxLimPct"), 1), [400], "40 % at WMaxLimPct_SF = -1");
      await hub.telemetry.poll(hub.devices[0], ["ac_power_w"]);
      const held = ofType(seen, "Telemetry").filter((t) => t.body.device === "pv-1").map((t) => t.body.points.ac_power_w).at(-1);
      assert.deepEqual(held, { value: 2000, unit: "W" }, "40 % of WMax 5000 W");

      if (path === "direct") {
        assert.equal(toDevice(seen, "pv-1").length, 0, "the CEM did not take it");
        await until(() => ofType(seen, "Result").some((r) => r.correlationId === limit.id && r.source === "device:pv-1"), 6000, "the device's own Result");
      } else {
        assert.equal(ofType(toDevice(seen, "pv-1"), "LoadGenerationManagement")[0].body.scope.kind, "device");
        await until(() => ofType(north(seen, site), "Result").some((r) => r.correlationId === limit.id), 6000, "the CEM's Result");
        assert.equal(hub.cem!.decisions({ target: "pv-1" })[0].action, "relay limit generation");
      }
      await until(() => inverter().get(123, "WMaxLim_Ena") === 0, 8000, "disabled at the end");
      assert.equal(inverter().get(103, "W"), 4000);
    });
  });
}
