/**
 * End to end over real BACnet/IP on loopback: the hub starts the BACnet simulator (an AHU controller) and the
 * BACnet adapter from its config. An OpenADR SIMPLE level 2 event, as the VEN publishes it, becomes the AHU
 * table's writes at priority 9 (zone cooling setpoint 2 K warmer, supply fan held to 70 %); at the end of the
 * event slot 9 is relinquished (NULL), while an operator's override at priority 8 stays untouched throughout.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { pino } from "pino";
import type { BacnetSimulator } from "@gridhub/bacnet/simulator";
import type { PointRef } from "../../src/hub/points.ts";
import { Hub } from "../../src/hub/hub.ts";
import { makeMessage, type Envelope } from "../../src/model/index.ts";
import { until } from "../helpers.ts";

/** this suite's fixed port (BACnet e2e range 47950-47959); the adapter takes an ephemeral one */
const PORT = 47951;
const root = resolve(import.meta.dirname, "../..");


describe("e2e: OpenADR SIMPLE level 2 -> BACnet AHU at priority 9, relinquished at the end (simulator)", function () {
  let hub: Hub;
  const ahu = () => (hub.simulators.get("bacnet-sim") as unknown as BacnetSimulator).device(4001);
  const slots = (object: string) => ahu().point(object).priorityArray()!;

  before(async () => {
    hub = await Hub.start({
      site: { id: "e2e-bacnet" },
      log: { level: "silent" },
      store: { path: ":memory:" },
      api: { enabled: false },
      mappings: ["mappings/bacnet"],
      simulators: {
        "bacnet-sim": { package: "@gridhub/bacnet", config: { devices: [{ instance: 4001, port: PORT, preset: "ahu" }] } },
      },
      adapters: {
        bac: { package: "@gridhub/bacnet", config: { interface: "127.0.0.1", port: 0, apduTimeoutMs: 500, discovery: { broadcast: false } } },
      },
      devices: [
        { id: "ahu-1", adapter: "bac", table: "ahu/bacnet", address: { deviceInstance: 4001, address: `127.0.0.1:${PORT}` }, groups: ["hvac"] },
      ],
    }, { baseDir: root, logger: pino({ level: "silent" }) });
  });
  after(() => hub?.stop());

  it("writes the offset setpoint and the fan limit into slot 9, and relinquishes slot 9 at the end", async () => {
    // an operator holds the setpoint at 21 °C from priority 8 before the event
    ahu().localWrite("analog-value:1", 21, 8);
    const results: Envelope<"Result">[] = [];
    hub.bus.subscribe({ types: ["Result"] }, (m) => void results.push(m));

    const start = new Date();
    const msg = makeMessage("LoadGenerationManagement", {
      scope: { kind: "building", id: "e2e-bacnet" }, direction: "consumption", request: "decrease", urgency: "high", mandatory: false,
      slots: [{ duration: "PT3S" }],
    }, {
      source: "openadr:ven", targets: [{ kind: "all" }], origin: { protocol: "openadr", ref: "evt-simple-2" },
      validity: { start: start.toISOString(), end: new Date(start.getTime() + 2500).toISOString() },
    });
    await hub.bus.publish(msg);

    await until(() => slots("analog-value:1")[8] !== null && slots("analog-value:2")[8] !== null, 8000, "the writes at priority 9");
    assert.equal(slots("analog-value:1")[8], 23, "slot 9 holds the operator's 21 °C + 2 K (from: current)");
    assert.equal(slots("analog-value:1")[7], 21, "slot 8 is the operator's");
    assert.equal(ahu().point("analog-value:1").presentValue, 21, "the operator's higher priority still wins");
    assert.equal(slots("analog-value:2")[8], 70);
    assert.equal(ahu().point("analog-value:2").presentValue, 70);
    // the same, read over the wire through the hub's adapter
    const device = hub.devices.find((d) => d.id === "ahu-1")!;
    const slot = (object: string, index: number): PointRef => ({
      device: "ahu-1", deviceAddress: device.address, point: `${object}[${index}]`, address: { object, property: "priority-array", index }, type: "float32", access: "r",
    });
    const wire = await hub.southbound("bac").read([slot("analog-value:1", 9), slot("analog-value:1", 8), slot("analog-value:2", 9)]);
    assert.deepEqual(wire.map((v) => v.value), [23, 21, 70]);
    const result = await until(() => results.find((r) => r.correlationId === msg.id), 8000, "the device Result");
    assert.equal(result.body.outcome, "successful");

    await until(() => slots("analog-value:1")[8] === null && slots("analog-value:2")[8] === null, 8000, "slot 9 relinquished at the end");
    assert.equal(slots("analog-value:1")[7], 21, "the operator's value at priority 8 is untouched");
    assert.equal(ahu().point("analog-value:1").presentValue, 21);
    assert.equal(ahu().point("analog-value:2").presentValue, 100, "back to the relinquish default");
    const relinquished = hub.actuator.recent.filter((r) => r.action === "relinquish" && r.device === "ahu-1");
    assert.deepEqual([...new Set(relinquished.map((r) => r.point))].sort(), ["fan_speed_limit_pct", "zone_cooling_setpoint_c"]);
    assert.ok(relinquished.every((r) => r.ok), JSON.stringify(relinquished));
    assert.equal(hub.actuator.active().length, 0);
    ahu().localWrite("analog-value:1", null, 8);
  });

  it("follows the subscribed zone temperature by COV into the hub's telemetry", async () => {
    const zone = await until(() => hub.telemetry.live.get("ahu-1")?.zone_temp_c, 8000, "the zone temperature");
    assert.equal(zone.quality, "good");
    assert.equal(zone.value, 23.2);
    ahu().sense("analog-input:1", 24.5);
    await until(() => hub.telemetry.live.get("ahu-1")?.zone_temp_c?.value === 24.5, 8000, "the COV notification");
  });
});
