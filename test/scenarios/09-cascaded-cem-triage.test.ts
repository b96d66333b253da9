/**
 * Scenario 9: Cascaded CEM with triage (JWG2001, Model 2).
 * Devices on the memory adapter: two BACnet-shaped AHUs (priority array) with the customer's priorities and
 * declared flexibility (400 W and 300 W).
 * Northbound stand-in: the upper CEM (Actor A) as the grid adapter would publish its messages to this building's
 * CEM: the triage proposals (AdjustmentProposals) and the reduction request against the selected plan
 * (LoadGenerationManagement with baseline.planRef).
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import type { Hub } from "../../src/hub/hub.ts";
import type { PowerProfile } from "../../src/model/index.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { fromGrid, iso, memoryAdapter, north, ofType, record, root, startHub, until, W } from "./support.ts";

const plan = (watts: number): PowerProfile => ({
  kind: "triage", scope: { kind: "building", id: "clinic-9" },
  sequences: [{ id: "s", direction: "consumption", slots: [{ duration: "PT2H", power: W(watts) }] }],
});
const eur = (value: number) => ({ amount: { value, unit: "currency" as const, currency: "EUR" }, basis: "acting" as const });

describe("scenario 9: cascaded CEM with triage", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const upper = { source: "openadr:upper-cem", targets: [{ kind: "cem" as const, id: "clinic-9" }] };

  before(async () => {
    memory.reset();
    for (const d of ["ahu-1", "ahu-2"]) {
      memory.set(d, "av3", 22, 16);
      memory.set(d, "ao1", 55, 16);
    }
    hub = await startHub({
      site: { id: "clinic-9" },
      mappings: [resolve(root, "test/fixtures/mappings")],
      adapters: { mem: { package: memoryAdapter } },
      devices: [
        { id: "ahu-1", adapter: "mem", table: "ahu/memory", address: { id: "ahu-1" } },
        { id: "ahu-2", adapter: "mem", table: "ahu/memory", address: { id: "ahu-2" } },
      ],
      cem: {
        policies: { cascade: {} },
        devices: { "ahu-1": { priority: 3, decreaseW: 400, ratedPowerW: 3000 }, "ahu-2": { priority: 5, decreaseW: 300, ratedPowerW: 2000 } },
      },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("sends priorities and the estimated profile up, selects a triage proposal, then reduces and reports the suppression performance", async () => {
    await until(() => ["Priorities", "PowerProfile", "BuildingInfo"].every((t) => north(seen, "clinic-9").some((m) => m.type === t)), 6000, "the upstream picture");
    assert.deepEqual(ofType(north(seen, "clinic-9"), "Priorities")[0].body.items.map((i) => [i.scope.kind === "device" && i.scope.id, i.priority]), [["ahu-1", 3], ["ahu-2", 5]]);
    const estimate = ofType(north(seen, "clinic-9"), "PowerProfile")[0].body;
    assert.deepEqual([estimate.kind, estimate.sequences[0].slots[0].power.value], ["estimated", 5000]);

    const proposals = await fromGrid(hub, "AdjustmentProposals", { triage: true, proposals: [
      { id: "p1", plan: plan(4000), incentive: eur(50) }, { id: "p2", plan: plan(4500), incentive: eur(20) }, { id: "p3", plan: plan(4800), incentive: eur(5) },
    ] }, upper);
    await until(() => ofType(north(seen, "clinic-9"), "ProposalSelection").length > 0, 6000, "the manager's choice");
    const choice = ofType(north(seen, "clinic-9"), "ProposalSelection")[0];
    assert.deepEqual([choice.body.proposalId, choice.correlationId], ["p2", proposals.id], "p1 cuts 1000 W (over the 700 W flexibility); p2 pays more than p3");
    const selected = ofType(north(seen, "clinic-9"), "PowerProfile").find((m) => m.body.kind === "selected")!;
    assert.equal(selected.body.sequences[0].slots[0].power.value, 4500);

    const start = Date.now();
    const reduce = await fromGrid(hub, "LoadGenerationManagement", {
      scope: { kind: "building", id: "clinic-9" }, direction: "consumption", request: "decrease", urgency: "high", mandatory: true,
      baseline: { planRef: "p2" }, slots: [{ duration: "PT1S", power: W(500) }],
    }, { ...upper, validity: { start: iso(start), end: iso(start + 1000) } });
    await until(() => memory.point("ahu-1", "av3").priorities[9] === 24 && memory.point("ahu-2", "av3").priorities[9] === 24, 6000, "the control of both AHUs (setpoint +2 K at priority 9)");
    await until(() => ofType(north(seen, "clinic-9"), "LogInfo").some((m) => m.correlationId === reduce.id), 6000, "the suppression performance report");
    const report = ofType(north(seen, "clinic-9"), "LogInfo").find((m) => m.correlationId === reduce.id)!;
    assert.equal(report.body.kind, "suppression-performance");
    assert.deepEqual(report.body.entries.map((e) => [e.device, e.event, e.value?.value]), [["ahu-1", "reduced", 400], ["ahu-2", "reduced", 100]]);
    const result = ofType(north(seen, "clinic-9"), "Result").find((m) => m.correlationId === reduce.id)!;
    assert.deepEqual([result.body.outcome, result.body.achieved?.value], ["successful", 500]);
    await until(() => memory.point("ahu-1", "av3").priorities[9] === undefined && memory.point("ahu-2", "av3").priorities[9] === undefined, 6000, "relinquished at the end");
  });
});
