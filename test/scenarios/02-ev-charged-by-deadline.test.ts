/**
 * Scenario 2: EV charged by 08:00 at the cheapest price (JWG2; 004 §3.4.4 Fig. 20-22).
 * Devices: an ECHONET Lite EV charger/discharger (0x027E) on the adapter's simulator, over UDP on loopback.
 * Northbound stand-ins: the 2030.5 TariffProfile (hourly TimeTariffIntervals, 12 h binding + 12 h forecast) as the
 * PriceEnvironmentProfile the 2030.5 client would publish, and the EV's FlowReservationRequest as a
 * FlexibleStartOffer (20 kWh, latest end 08:00, programme "cheapest").
 * Time compressed: 1 h = 200 ms, so the EV's 3 kW for three "hours" is 0.5 Wh; planner steps of 100 ms.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import type { Envelope } from "../../src/model/index.ts";
import { alignedStart, freeUdpPort, fromGrid, iso, ofType, perKwh, record, startHub, toDevice, until, W } from "./support.ts";

const HOUR = 200;

describe("scenario 2: EV charged by 08:00 at the cheapest price", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  let port: number;
  const sets = () => (hub.simulators.get("el-sim")!.info().sets as { epc: string; edt: string; eoj: string }[]).filter((s) => s.eoj === "0x027E01");

  before(async () => {
    port = await freeUdpPort();
    hub = await startHub({
      site: { id: "home-2" },
      mappings: ["mappings/echonet-lite"],
      simulators: { "el-sim": { package: "@gridhub/echonet-lite", config: { port, multicast: { enabled: false }, tickMs: 100, nodes: [{ address: "127.0.0.72", objects: [{ eoj: "0x027E01", params: { capacityWh: 40000, socPercent: 30, maxChargeW: 3000 } }] }] } } },
      adapters: { el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } } },
      devices: [{ id: "evse-1", adapter: "el", table: "evse/echonet-lite", address: { host: "127.0.0.72", eoj: "0x027E01" } }],
      cem: { planner: { step: "PT0.1S" }, site: { importLimitW: 10000 } },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  function windows(): { start: number; end: number; w: number }[] {
    const live = new Map<string, Envelope<"LoadGenerationManagement">>();
    for (const m of ofType(toDevice(seen, "evse-1"), "LoadGenerationManagement")) live.set(m.origin!.ref, m);
    return [...live.values()].filter((m) => Date.parse(m.validity!.end!) > Date.parse(m.created))
      .map((m) => ({ start: Date.parse(m.validity!.start), end: Date.parse(m.validity!.end!), w: m.body.slots[0].power!.value }))
      .sort((a, b) => a.start - b.start);
  }

  it("charges only in the cheapest hours, reaches the energy by the deadline, and re-plans within it on a price update", async () => {
    const t0 = alignedStart(1500);
    const deadline = t0 + 10 * HOUR;
    const prices = [0.30, 0.25, 0.12, 0.28, 0.08, 0.09, 0.27, 0.26, 0.31, 0.29];
    const forecast = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
    const tariff = (p: number[]) => [...p, ...forecast].map((v, i) => ({ duration: `PT${HOUR / 1000}S`, binding: i < 12 ? "binding" as const : "forecast" as const, price: perKwh(v) }));
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: tariff(prices) }, { source: "ieee2030-5:client", validity: { start: iso(t0) } });
    const energyWh = (3000 * 3 * HOUR) / 3_600_000;
    const offer = await fromGrid(hub, "FlexibleStartOffer", {
      device: "evse-1", earliestStart: iso(Date.now()), latestEnd: iso(deadline), duration: "PT2S", incentiveProgramme: "cheapest",
      profile: { kind: "forecast", scope: { kind: "device", id: "evse-1" }, sequences: [{ id: "ev", direction: "consumption", slots: [{ duration: "PT2S", power: W(3000), powerMax: W(3000), energy: { value: energyWh, unit: "Wh" } }] }] },
    }, { source: "ieee2030-5:client", targets: [{ kind: "cem", id: "home-2" }] });

    await until(() => windows().length === 2, 6000, "the charging windows");
    assert.deepEqual(windows(), [{ start: t0 + 2 * HOUR, end: t0 + 3 * HOUR, w: 3000 }, { start: t0 + 4 * HOUR, end: t0 + 6 * HOUR, w: 3000 }], "the three cheapest hours before 08:00");
    assert.ok(ofType(toDevice(seen, "evse-1"), "LoadGenerationManagement").every((m) => m.correlationId === offer.id));

    // the utility lowers hour 7 before charging starts: the plan moves there, still before the deadline
    prices[7] = 0.01;
    await fromGrid(hub, "PriceEnvironmentProfile", { tariffKind: "hourly", flow: "import", slots: tariff(prices) }, { source: "ieee2030-5:client", validity: { start: iso(t0) } });
    await until(() => windows().length === 2 && windows()[1].start === t0 + 7 * HOUR, 6000, "the re-plan");
    const plan = windows();
    assert.deepEqual(plan, [{ start: t0 + 4 * HOUR, end: t0 + 6 * HOUR, w: 3000 }, { start: t0 + 7 * HOUR, end: t0 + 8 * HOUR, w: 3000 }]);
    const planned = plan.reduce((a, w) => a + (w.w * (w.end - w.start)) / 3_600_000, 0);
    assert.ok(Math.abs(planned - energyWh) < 1e-9, `planned ${planned} Wh of ${energyWh} Wh`);
    assert.ok(plan.every((w) => w.end <= deadline));

    await until(() => sets().filter((s) => s.epc === "0xDA").length >= 4, 8000, "both windows charged and ended");
    assert.deepEqual(sets().filter((s) => s.epc === "0xDA").map((s) => s.edt), ["42", "44", "42", "44"], "charge, back to standby, charge, back to standby");
    assert.ok(sets().some((s) => s.epc === "0xEB" && s.edt === "00000bb8"), "charging power 3000 W");
    const why = hub.cem!.decisions({ target: "evse-1" })[0];
    assert.equal(why.action, "charge windows");
    assert.equal(why.numbers.energyWh, energyWh);
  });
});
