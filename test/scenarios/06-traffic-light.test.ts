/**
 * Scenario 6: Traffic light (004 §3.4.5.1, WGSP2112).
 * Devices on the memory adapter: a washer with a programme (flexible start), two BACnet-shaped AHUs (priority
 * array; one under a DSM contract), and an exempt gas boiler.
 * Northbound stand-in: GridStatus as a grid adapter would publish it (no native OpenADR object: a per-VTN
 * convention, e.g. SIMPLE 0/1-2/3 = green/yellow/red) and the VEN's PriceEnvironmentProfile.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import type { Hub } from "../../src/hub/hub.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { alignedStart, fromGrid, iso, memoryAdapter, north, ofType, record, root, scenarioMappings, slotsOf, startHub, timeOfDay, toDevice, until } from "./support.ts";

describe("scenario 6: traffic light", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const prio9 = (device: string, key: string) => memory.point(device, key).priorities[9];
  const assignments = () => ofType(toDevice(seen, "washer-1"), "StartTimeAssignment");

  before(async () => {
    memory.reset();
    for (const d of ["hvac-1", "hvac-2"]) {
      memory.set(d, "av3", 22, 16);
      memory.set(d, "ao1", 55, 16);
    }
    memory.set("washer-1", "0xE3", 0);
    memory.set("boiler-1", "status", 1);
    hub = await startHub({
      site: { id: "home-6" },
      mappings: [resolve(root, "test/fixtures/mappings"), scenarioMappings],
      adapters: { mem: { package: memoryAdapter } },
      devices: [
        { id: "washer-1", adapter: "mem", table: "washing-machine/memory", address: { id: "washer-1" } },
        { id: "hvac-1", adapter: "mem", table: "ahu/memory", address: { id: "hvac-1" } },
        { id: "hvac-2", adapter: "mem", table: "ahu/memory", address: { id: "hvac-2" } },
        { id: "boiler-1", adapter: "mem", table: "gas-boiler/memory", address: { id: "boiler-1" } },
      ],
      cem: {
        planner: { step: "PT0.1S" },
        devices: {
          "washer-1": { programme: { profile: [{ duration: "PT0.4S", powerW: 2000 }], latestEnd: { point: "end_by" } } },
          "hvac-1": { contracted: true, decreaseW: 500 },
          "hvac-2": { decreaseW: 300 },
          "boiler-1": { exempt: true },
        },
      },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("green plans by price, yellow reduces only contracted devices, red runs the emergency path, green again leaves nothing behind", async () => {
    const t0 = alignedStart(3000);
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: slotsOf(200, [0.3, 0.3, 0.2, 0.2, 0.3, 0.3, 0.05, 0.05, 0.3]) }, { validity: { start: iso(t0) } });
    memory.set("washer-1", "0x92", timeOfDay(t0 + 1800));
    memory.set("washer-1", "0xE3", 1);
    await until(() => assignments().length === 1, 6000, "the market-driven start");
    assert.equal(assignments()[0].body.startAt, iso(t0 + 1200));

    const yellow = await fromGrid(hub, "GridStatus", { trafficLight: "yellow" });
    await until(() => prio9("hvac-1", "av3") === 24, 6000, "the contracted AHU reduced");
    const dsm = ofType(toDevice(seen, "hvac-1"), "LoadGenerationManagement")[0];
    assert.deepEqual([dsm.body.mandatory, dsm.body.request, dsm.correlationId], [true, "decrease", yellow.id]);
    assert.equal(toDevice(seen, "hvac-2").length, 0, "no contract, no reduction");
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: slotsOf(200, [0.3, 0.3, 0.01, 0.01, 0.3, 0.3, 0.05, 0.05, 0.3]) }, { validity: { start: iso(t0) } });
    await hub.cem!.idle();
    assert.equal(assignments().length, 1, "no market planning at yellow");
    assert.ok(hub.cem!.decisions({ policy: "flexible-start" }).some((d) => d.action === "pause"));

    const red = await fromGrid(hub, "GridStatus", { trafficLight: "red" });
    await until(() => prio9("hvac-1", "ao1") === 0 && prio9("hvac-2", "ao1") === 0, 6000, "the emergency path");
    assert.equal(prio9("hvac-1", "av3"), undefined, "the yellow reduction was taken back");
    assert.equal(memory.point("boiler-1", "status").value, 1, "the exempt boiler stays on");
    await until(() => ofType(north(seen, "home-6"), "Result").some((r) => r.correlationId === red.id), 6000, "red confirmed");

    await fromGrid(hub, "GridStatus", { trafficLight: "green" });
    await until(() => assignments().length === 2, 6000, "market planning resumed");
    assert.equal(assignments()[1].body.startAt, iso(t0 + 400), "the price that came during yellow now counts");
    for (const d of ["hvac-1", "hvac-2"]) {
      assert.equal(prio9(d, "ao1"), undefined, `${d}: no red action left`);
      assert.equal(prio9(d, "av3"), undefined, `${d}: no yellow action left`);
    }
    assert.deepEqual(hub.actuator.active().filter((a) => a.device.startsWith("hvac")), []);
    assert.equal(hub.cem!.decisions({ policy: "traffic-light" })[0].action, "green");
  });
});
