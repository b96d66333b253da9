/**
 * Scenario 5: Emergency blackout prevention (JWG8, WGSP2122).
 * Devices: ECHONET Lite storage battery and air conditioner (simulator, UDP), a BACnet/IP AHU (simulator, UDP), a
 * SunSpec inverter over Modbus TCP (simulator), and a gas boiler on the memory adapter that the contract profile
 * exempts.
 * Northbound stand-in: the OpenADR SIMPLE level 3 event as the VEN publishes it (Emergency to all, origin = the
 * eventID), then its end of emergency message (Emergency phase end).
 */
import assert from "node:assert/strict";
import type { BacnetSimulator } from "@gridhub/bacnet/simulator";
import type { ModbusSimulator } from "@gridhub/modbus/simulator";
import type { Hub } from "../../src/hub/hub.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { freeTcpPort, freeUdpPort, fromGrid, iso, memoryAdapter, north, ofType, record, scenarioMappings, startHub, until } from "./support.ts";

type Objects = Record<string, Record<string, number>>;

describe("scenario 5: emergency blackout prevention", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  let elPort: number;
  const el = (eoj: string) => (hub.simulators.get("el-sim")!.info().objects as Objects)[`127.0.0.75:${elPort}/${eoj}`];
  const ahu = () => (hub.simulators.get("bacnet-sim") as unknown as BacnetSimulator).device(4105);
  const slot9 = (object: string) => ahu().point(object).priorityArray()![8];
  const inverter = () => (hub.simulators.get("modbus-sim") as unknown as ModbusSimulator).sunspec(1);

  before(async () => {
    elPort = await freeUdpPort();
    const bacPort = await freeUdpPort();
    const mbPort = await freeTcpPort();
    memory.reset();
    memory.set("boiler-1", "status", 1);
    hub = await startHub({
      site: { id: "plant-5" },
      mappings: ["mappings/echonet-lite", "mappings/bacnet", "mappings/modbus", scenarioMappings],
      simulators: {
        "el-sim": { package: "@gridhub/echonet-lite", config: { port: elPort, multicast: { enabled: false }, tickMs: 100, nodes: [{ address: "127.0.0.75", objects: [{ eoj: "0x027D01" }, { eoj: "0x013001" }] }] } },
        "bacnet-sim": { package: "@gridhub/bacnet", config: { devices: [{ instance: 4105, port: bacPort, preset: "ahu" }] } },
        "modbus-sim": { package: "@gridhub/modbus", config: { tcp: { host: "127.0.0.1", port: mbPort }, devices: [{ kind: "sunspec-inverter", unitId: 1 }] } },
      },
      adapters: {
        el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: elPort, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } },
        bac: { package: "@gridhub/bacnet", config: { interface: "127.0.0.1", port: 0, apduTimeoutMs: 2000, discovery: { broadcast: false } } },
        mb: { package: "@gridhub/modbus", config: { timeoutMs: 2000, retries: 2 } },
        mem: { package: memoryAdapter },
      },
      devices: [
        { id: "battery-1", adapter: "el", table: "storage-battery/echonet-lite", address: { host: "127.0.0.75", eoj: "0x027D01" } },
        { id: "ac-1", adapter: "el", table: "air-conditioner/echonet-lite", address: { host: "127.0.0.75", eoj: "0x013001" } },
        { id: "ahu-1", adapter: "bac", table: "ahu/bacnet", address: { deviceInstance: 4105, address: `127.0.0.1:${bacPort}` } },
        { id: "pv-1", adapter: "mb", table: "inverter/sunspec-modbus", address: { host: "127.0.0.1", port: mbPort, unitId: 1 } },
        { id: "boiler-1", adapter: "mem", table: "gas-boiler/memory", address: { id: "boiler-1" } },
      ],
      cem: { devices: { "boiler-1": { exempt: true } } },
    });
    seen = record(hub);
    // the user put the battery in auto on its own panel before the emergency (a write straight through the adapter)
    const mode = hub.devices.find((d) => d.id === "battery-1")!.points.find((p) => p.point === "operation_mode")!;
    await hub.southbound("el").write([{ ref: mode, value: 0x46 }]);
    await until(() => el("0x027D01").operationMode === 0x46, 6000, "battery in auto");
  });
  after(() => hub?.stop());

  it("puts every device but the exempt boiler to its emergency state, confirms once, and restores at the end", async () => {
    const start = await fromGrid(hub, "Emergency", { phase: "start", mode: "emergency-connected-off", level: 3, confirmationRequested: true },
      { validity: { start: iso(Date.now()), end: iso(Date.now() + 60_000) }, origin: { protocol: "openadr", ref: "evt-simple-3" } });

    await until(() => el("0x027D01").operationMode === 0x44 && el("0x013001").operationStatus === 0x31 && slot9("multi-state-value:1") === 3 && inverter().get(123, "Conn") === 0,
      5000, "every device in its emergency state");
    assert.equal(slot9("analog-value:2"), 40, "AHU fan held to 40 % at priority 9");
    assert.equal(memory.writes.filter((w) => w.device === "boiler-1").length, 0, "the exempt boiler is untouched");
    assert.equal(memory.point("boiler-1", "status").value, 1);

    await until(() => ofType(north(seen, "plant-5"), "Result").some((r) => r.correlationId === start.id), 8000, "the confirmation");
    const confirmations = ofType(north(seen, "plant-5"), "Result").filter((r) => r.correlationId === start.id);
    assert.equal(confirmations.length, 1, "one confirmation for the whole site");
    assert.deepEqual([confirmations[0].body.of, confirmations[0].body.outcome], ["Emergency", "successful"]);
    const pv = hub.cem!.decisions({ target: "pv-1" })[0];
    assert.equal(pv.action, "command off", "no Emergency rule in the inverter's table: switched off by command");

    const end = await fromGrid(hub, "Emergency", { phase: "end", mode: "emergency-connected-off" }, { origin: { protocol: "openadr", ref: "evt-simple-3-end" } });
    await until(() => el("0x027D01").operationMode === 0x46 && el("0x013001").operationStatus === 0x30 && slot9("multi-state-value:1") === null && inverter().get(123, "Conn") === 1,
      5000, "the prior states back");
    assert.equal(slot9("analog-value:2"), null, "slot 9 relinquished");
    await until(() => ofType(north(seen, "plant-5"), "Result").some((r) => r.correlationId === end.id), 8000, "the end confirmed");
  });
});
