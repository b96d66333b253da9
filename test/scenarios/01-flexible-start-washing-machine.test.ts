/**
 * Scenario 1: Flexible start, washing machine (JWG1; JWG1100/1101/SPUC1102/1103).
 * Devices: an ECHONET-Lite-shaped washer (class 0x03C5) on the memory adapter (our ECHONET Lite adapter has no
 * washer class); its table has the timer points, its 2 h programme profile is in cem.devices.
 * Northbound stand-in: today's OpenADR ELECTRICITY_PRICE as the VEN publishes it (PriceEnvironmentProfile to all).
 * Time compressed: price slots of 200 ms, planner steps of 100 ms, the 2 h programme as 400 ms.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { alignedStart, fromGrid, iso, memoryAdapter, ofType, record, scenarioMappings, slotsOf, startHub, timeOfDay, toDevice, until } from "./support.ts";

describe("scenario 1: flexible start, washing machine", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record> = [];

  before(async () => {
    memory.reset();
    memory.set("washer-1", "0xE3", 0);
    hub = await startHub({
      site: { id: "home-1" },
      mappings: [scenarioMappings],
      adapters: { mem: { package: memoryAdapter } },
      devices: [{ id: "washer-1", adapter: "mem", table: "washing-machine/memory", address: { id: "washer-1" } }],
      cem: {
        planner: { step: "PT0.1S" },
        devices: {
          "washer-1": { programme: { profile: [{ duration: "PT0.2S", powerW: 2000 }, { duration: "PT0.2S", powerW: 500 }], latestEnd: { point: "end_by" }, execute: "timer" } },
        },
      },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("offers the programme when the washer waits, assigns the cheapest start, re-sends it on a new price before the start, not after", async () => {
    const t0 = alignedStart(1500);
    const endBy = t0 + 1800;
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: slotsOf(200, [0.3, 0.3, 0.1, 0.1, 0.3, 0.3, 0.05, 0.05, 0.3]) },
      { validity: { start: iso(t0) }, origin: { protocol: "openadr", ref: "price-day-1" } });

    memory.set("washer-1", "0x92", timeOfDay(endBy));
    memory.set("washer-1", "0xE3", 1);
    await until(() => ofType(seen, "FlexibleStartOffer").length > 0, 6000, "the FlexibleStartOffer");
    const offer = ofType(seen, "FlexibleStartOffer")[0];
    assert.equal(offer.body.device, "washer-1");
    assert.equal(offer.body.latestEnd, iso(endBy), "latest end from the washer's timer");
    assert.deepEqual(offer.body.profile.sequences[0].slots.map((s) => s.power.value), [2000, 500], "estimated consumption from the declared profile");

    await until(() => ofType(toDevice(seen, "washer-1"), "StartTimeAssignment").length === 1, 6000, "the start time");
    const first = ofType(toDevice(seen, "washer-1"), "StartTimeAssignment")[0];
    assert.equal(first.body.startAt, iso(t0 + 1200), "the 0.05 slots, the cheapest 400 ms before the end");
    assert.equal(first.correlationId, offer.id);
    await until(() => memory.point("washer-1", "0x91").value === iso(t0 + 1200), 6000, "the timer written");

    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: slotsOf(200, [0.3, 0.3, 0.01, 0.01, 0.3, 0.3, 0.05, 0.05, 0.3]) },
      { validity: { start: iso(t0) }, origin: { protocol: "openadr", ref: "price-day-1-update" } });
    await until(() => ofType(toDevice(seen, "washer-1"), "StartTimeAssignment").length === 2, 6000, "the re-sent start time");
    const second = ofType(toDevice(seen, "washer-1"), "StartTimeAssignment")[1];
    assert.equal(second.body.startAt, iso(t0 + 400));
    assert.equal(second.correlationId, offer.id, "re-sent under the same correlationId");
    await until(() => memory.point("washer-1", "0x91").value === iso(t0 + 400), 6000, "the new timer written");

    memory.set("washer-1", "0xE3", 2);
    await until(() => hub.cem!.decisions({ target: "washer-1" }).some((d) => d.action === "started"), 6000, "the washer reported running");
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: slotsOf(200, [0.3, 0.3, 0.5, 0.5, 0.3, 0.3, 0.01, 0.01, 0.3]) },
      { validity: { start: iso(t0) }, origin: { protocol: "openadr", ref: "price-day-1-late" } });
    await hub.cem!.idle();
    assert.equal(ofType(toDevice(seen, "washer-1"), "StartTimeAssignment").length, 2, "a running programme is never moved");

    const why = hub.cem!.decisions({ target: "washer-1", policy: "flexible-start" }).find((d) => d.action === "assign start")!;
    assert.equal(why.numbers.startAt, iso(t0 + 400));
    assert.equal(why.event?.type, "PriceEnvironmentProfile");
  });
});
