/**
 * Scenario 4: Direct load control, reduce by X W (JWG14, JWG212x, WGSP2121).
 * Devices: a BACnet/IP AHU controller on the BACnet adapter's simulator (preset ahu), over UDP on loopback.
 * Northbound stand-in: the OpenADR event "reduce 300 W" 12:00-14:00 as the VEN publishes it (LoadGenerationManagement
 * to all, origin = the eventID), compressed to 1.2 s.
 * The customer declared 200 W of flexibility for the AHU: 300 W is out of reach, so the answer is partial, 200 W.
 */
import assert from "node:assert/strict";
import type { BacnetSimulator } from "@gridhub/bacnet/simulator";
import type { Hub } from "../../src/hub/hub.ts";
import { freeUdpPort, fromGrid, iso, north, ofType, record, startHub, toDevice, until, W } from "./support.ts";

describe("scenario 4: direct load control, reduce by X W", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const ahu = () => (hub.simulators.get("bacnet-sim") as unknown as BacnetSimulator).device(4104);
  const slot9 = (object: string) => ahu().point(object).priorityArray()![8];

  before(async () => {
    const port = await freeUdpPort();
    hub = await startHub({
      site: { id: "office-4" },
      mappings: ["mappings/bacnet"],
      simulators: { "bacnet-sim": { package: "@gridhub/bacnet", config: { devices: [{ instance: 4104, port, preset: "ahu" }] } } },
      adapters: { bac: { package: "@gridhub/bacnet", config: { interface: "127.0.0.1", port: 0, apduTimeoutMs: 2000, discovery: { broadcast: false } } } },
      devices: [{ id: "ahu-1", adapter: "bac", table: "ahu/bacnet", address: { deviceInstance: 4104, address: `127.0.0.1:${port}` } }],
      cem: { devices: { "ahu-1": { priority: 2, decreaseW: 200 } } },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("orders the AHU's share at priority 9, answers partial with 200 W, relinquishes at the end and reports the load curve", async () => {
    const start = Date.now() + 200;
    const event = await fromGrid(hub, "LoadGenerationManagement", {
      scope: { kind: "building", id: "office-4" }, direction: "consumption", request: "decrease", urgency: "high", mandatory: true,
      slots: [{ duration: "PT1.2S", power: W(300) }],
    }, { validity: { start: iso(start), end: iso(start + 1200) }, origin: { protocol: "openadr", ref: "evt-4" } });

    await until(() => toDevice(seen, "ahu-1").length === 1, 6000, "the order of load adjustment");
    const order = ofType(toDevice(seen, "ahu-1"), "LoadGenerationManagement")[0];
    assert.equal(order.correlationId, event.id);
    assert.equal(order.body.slots[0].power?.value, 200, "the AHU's share");

    await until(() => slot9("analog-value:1") !== null && slot9("analog-value:2") !== null, 8000, "the writes at priority 9");
    assert.equal(slot9("analog-value:1"), 25, "zone setpoint 23 + 2 K");
    assert.equal(slot9("analog-value:2"), 70, "supply fan held to 70 %");

    await until(() => north(seen, "office-4").some((m) => m.type === "Result" && m.correlationId === event.id), 8000, "the load adjustment feedback");
    const feedback = ofType(north(seen, "office-4"), "Result").find((m) => m.correlationId === event.id)!;
    assert.equal(feedback.body.outcome, "partial");
    assert.deepEqual(feedback.body.achieved, { value: 200, unit: "W" });
    assert.match(feedback.body.reason ?? "", /200 W of the 300 W requested/);

    await hub.telemetry.poll(hub.devices.find((d) => d.id === "ahu-1")!, ["fan_power_kw"]);
    await until(() => slot9("analog-value:1") === null && slot9("analog-value:2") === null, 8000, "end of load adjustment: slot 9 relinquished");
    await until(() => ofType(north(seen, "office-4"), "Metering").length > 0, 6000, "the load curve");
    const curve = ofType(north(seen, "office-4"), "Metering")[0];
    assert.equal(curve.body.kind, "load-curve");
    assert.equal(curve.body.meter, "ahu-1");
    assert.ok(curve.body.readings.every((r) => r.power?.unit === "W"));

    const why = hub.cem!.decisions({ target: "ahu-1" }).find((d) => d.action === "reduce")!;
    assert.deepEqual([why.policy, why.event?.id, why.numbers.requestedW, why.numbers.shareW], ["load-management", event.id, 300, 200]);
    const audit = await hub.store.queryAudit({ actor: "cem:load-management" });
    assert.ok(audit.some((a) => a.action === "reduce" && a.target === "ahu-1"));
  });
});
