/**
 * Scenario 7: Peak shift by battery aggregation (JWG17, JWG2023-2027), and the battery dispatch variant
 * (JWG2121/WGSP2121, JWG1130).
 * Devices: an ECHONET Lite storage battery (0x027D, operation mode EPC 0xDA) on the adapter's simulator, over UDP.
 * The variant drives the same battery: the Modbus simulator has no SunSpec storage model (124) to drive.
 * Northbound stand-ins: the battery SCADA's messages (OpenADR VTN over XMPP: request for schedule, inquiry,
 * execution notification, request for current status) and the 2030.5 DERControl opModTargetW schedule, as the
 * neutral messages the grid adapters would publish to the CEM.
 * Time compressed: 30-minute slots as 300 ms.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { freeUdpPort, fromGrid, iso, north, ofType, record, startHub, until, W } from "./support.ts";

type SetRecord = { epc: string; edt: string };

describe("scenario 7: peak shift by battery aggregation", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const scada = { source: "openadr:battery-scada", targets: [{ kind: "cem" as const, id: "home-7" }] };
  const sets = () => hub.simulators.get("el-sim")!.info().sets as SetRecord[];
  const modes = () => sets().filter((s) => s.epc === "0xDA").map((s) => s.edt);
  const answer = <T extends "BatterySchedule" | "InquiryAnswer" | "BatteryStatus" | "BatteryDispatchInfo">(type: T, to: string) =>
    ofType(north(seen, "home-7"), type).find((m) => m.correlationId === to);

  before(async () => {
    const port = await freeUdpPort();
    hub = await startHub({
      site: { id: "home-7" },
      mappings: ["mappings/echonet-lite"],
      simulators: { "el-sim": { package: "@gridhub/echonet-lite", config: { port, multicast: { enabled: false }, tickMs: 100, nodes: [{ address: "127.0.0.77", objects: [{ eoj: "0x027D01", params: { capacityWh: 10000, socPercent: 60 } }] }] } } },
      adapters: { el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } } },
      devices: [{ id: "battery-1", adapter: "el", table: "storage-battery/echonet-lite", address: { host: "127.0.0.77", eoj: "0x027D01" } }],
      cem: { policies: { peakShift: { battery: "battery-1", capacityWh: 10000, socMin: 20, socMax: 90, maxChargeW: 3000, maxDischargeW: 3000, slot: "PT0.3S", slots: 4 } } },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("returns the detail schedule for the next day with the initial SoC and the customer's limits", async () => {
    const req = await fromGrid(hub, "ScheduleRequest", { day: "next-day" }, scada);
    await until(() => answer("BatterySchedule", req.id), 6000, "the schedule");
    const s = answer("BatterySchedule", req.id)!.body;
    assert.deepEqual([s.form, s.day, s.initialSoc, s.slots.length], ["detail", "next-day", 60, 4]);
    assert.deepEqual([s.slots[0].maxCharge?.value, s.slots[0].maxDischarge?.value, s.slots[0].socMin, s.slots[0].socMax], [3000, 3000, 20, 90]);
  });

  it("accepts an inquiry within the limits, rejects one beyond them, and executes the accepted one slot by slot", async () => {
    const start = Date.now() + 500;
    const within = await fromGrid(hub, "Inquiry", { slots: [{ start: iso(start), duration: "PT0.3S", surplus: W(2000), direction: "generation" }, { duration: "PT0.3S", surplus: W(1500), direction: "consumption" }] }, scada);
    const beyond = await fromGrid(hub, "Inquiry", { slots: [{ start: iso(start), duration: "PT0.3S", surplus: W(5000), direction: "generation" }] }, scada);
    await until(() => answer("InquiryAnswer", within.id) && answer("InquiryAnswer", beyond.id), 6000, "both answers");
    assert.equal(answer("InquiryAnswer", within.id)!.body.accepted, true);
    assert.equal(answer("InquiryAnswer", beyond.id)!.body.accepted, false);
    assert.match(answer("InquiryAnswer", beyond.id)!.body.reason ?? "", /5000 W is above the maximum discharge 3000 W/);
    assert.equal(modes().length, 0, "nothing is written before the execution notification");

    const exec = await fromGrid(hub, "ExecutionNotification", { inquiryId: within.id }, scada);
    await until(() => modes().includes("42") && modes().at(-1) === "44", 8000, "discharge, charge, then back");
    assert.deepEqual(modes().filter((m) => m !== "44"), ["43", "42"], "discharge 2 kW, then charge 1.5 kW (a standby may fall between the two windows)");
    assert.ok(sets().some((s) => s.epc === "0xEC" && s.edt === "000007d0") && sets().some((s) => s.epc === "0xEB" && s.edt === "000005dc"));
    await until(() => ofType(north(seen, "home-7"), "Result").some((r) => r.correlationId === exec.id && r.body.outcome === "successful"), 6000, "the execution result");
  });

  it("answers the status request with power, SoC and condition", async () => {
    const objects = () => Object.values(hub.simulators.get("el-sim")!.info().objects as Record<string, Record<string, number>>)[0];
    await until(() => objects().workingStatus === 0x44, 6000, "the battery settled in standby");
    await hub.telemetry.poll(hub.devices[0], ["working_status", "soc_percent", "power_w"]);
    const req = await fromGrid(hub, "BatteryStatusRequest", {}, scada);
    await until(() => answer("BatteryStatus", req.id), 6000, "the status");
    const s = answer("BatteryStatus", req.id)!.body;
    assert.ok(s.soc > 0 && s.soc <= 100);
    assert.equal(s.activePower.unit, "W");
    assert.equal(s.condition, "standby");
  });

  it("drives a day-ahead dispatch slot by slot and reports the energy delivered and the SoC", async () => {
    const before = modes().length;
    const start = Date.now() + 300;
    const req = await fromGrid(hub, "BatteryDispatchRequest", { dayAhead: true, slots: [{ start: iso(start), duration: "PT0.3S", power: W(1800), direction: "generation" }] },
      { source: "ieee2030-5:client", targets: [{ kind: "cem", id: "home-7" }] });
    await until(() => answer("BatteryDispatchInfo", req.id) && modes().length >= before + 2, 8000, "the dispatch info and the end of the slot");
    assert.deepEqual(modes().slice(before), ["43", "44"]);
    const info = answer("BatteryDispatchInfo", req.id)!.body;
    assert.deepEqual(info.delivered, { value: 0.15, unit: "Wh" }, "1.8 kW for 300 ms");
    assert.ok(info.soc !== undefined);
  });
});
