/**
 * Scenario 14: Negawatt bid (JWG22).
 * Devices: an ECHONET Lite air conditioner (800 W of flexibility: power-saving operation) and water heater (700 W:
 * stop heating) on the adapter's simulator, over UDP on loopback.
 * Northbound stand-in: the aggregator's day-ahead NegawattRequest and its BidResult (no native OpenADR/2030.5
 * object: a program convention), as the grid adapter would publish them to the CEM. The event window is seconds
 * ahead instead of tomorrow.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { freeUdpPort, fromGrid, iso, north, ofType, record, startHub, toDevice, until } from "./support.ts";

type SetRecord = { epc: string; edt: string; eoj: string };

describe("scenario 14: negawatt bid", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const aggregator = { source: "openadr:aggregator", targets: [{ kind: "cem" as const, id: "home-14" }] };
  const sets = (eoj: string, epc: string) => (hub.simulators.get("el-sim")!.info().sets as SetRecord[]).filter((s) => s.eoj === eoj && s.epc === epc).map((s) => s.edt);

  before(async () => {
    const port = await freeUdpPort();
    hub = await startHub({
      site: { id: "home-14" },
      mappings: ["mappings/echonet-lite"],
      simulators: { "el-sim": { package: "@gridhub/echonet-lite", config: { port, multicast: { enabled: false }, tickMs: 100, nodes: [{ address: "127.0.0.80", objects: [{ eoj: "0x013001" }, { eoj: "0x026B01" }] }] } } },
      adapters: { el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } } },
      devices: [
        { id: "ac-1", adapter: "el", table: "air-conditioner/echonet-lite", address: { host: "127.0.0.80", eoj: "0x013001" } },
        { id: "water-heater-1", adapter: "el", table: "water-heater/echonet-lite", address: { host: "127.0.0.80", eoj: "0x026B01" } },
      ],
      cem: { policies: { negawatt: { price: 0.45 } }, devices: { "ac-1": { decreaseW: 800, priority: 2 }, "water-heater-1": { decreaseW: 700, priority: 1 } } },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("bids the 1.5 kW of flexible load and reduces only once the bid is accepted", async () => {
    const start = Date.now() + 800;
    const request = await fromGrid(hub, "NegawattRequest", { eventDate: iso(start).slice(0, 10), window: { start: iso(start), end: iso(start + 800) }, areaAmount: { value: 5, multiplier: 3, unit: "W" } }, aggregator);
    await until(() => ofType(north(seen, "home-14"), "NegawattBid").length > 0, 6000, "the bid");
    const bid = ofType(north(seen, "home-14"), "NegawattBid")[0];
    assert.deepEqual([bid.body.requestId, bid.body.reduction, bid.body.price.value], [request.id, { value: 1.5, multiplier: 3, unit: "W" }, 0.45]);
    await hub.cem!.idle();
    assert.equal(toDevice(seen, "ac-1").length + toDevice(seen, "water-heater-1").length, 0, "nothing scheduled before the bid result");

    const other = await fromGrid(hub, "NegawattRequest", { eventDate: iso(start).slice(0, 10), window: { start: iso(start), end: iso(start + 800) }, areaAmount: { value: 1, multiplier: 3, unit: "W" } }, aggregator);
    await until(() => ofType(north(seen, "home-14"), "NegawattBid").some((b) => b.body.requestId === other.id), 6000, "the second bid");
    const lost = ofType(north(seen, "home-14"), "NegawattBid").find((b) => b.body.requestId === other.id)!;
    await fromGrid(hub, "BidResult", { bidId: lost.id, accepted: false }, aggregator);
    await hub.cem!.idle();
    assert.equal(toDevice(seen, "ac-1").length + toDevice(seen, "water-heater-1").length, 0, "a rejected bid schedules nothing");

    const won = await fromGrid(hub, "BidResult", { bidId: bid.id, accepted: true, awarded: { value: 1.5, multiplier: 3, unit: "W" } }, aggregator);
    await until(() => sets("0x013001", "0x8F").length >= 1 && sets("0x026B01", "0xB0").length >= 1, 8000, "the reductions in the window");
    assert.deepEqual([sets("0x013001", "0x8F")[0], sets("0x026B01", "0xB0")[0]], ["41", "43"], "power saving; heating stopped");
    await until(() => ofType(north(seen, "home-14"), "Result").some((r) => r.correlationId === won.id), 6000, "the result");
    assert.deepEqual(ofType(north(seen, "home-14"), "Result").find((r) => r.correlationId === won.id)!.body.achieved, { value: 1500, unit: "W" });
    await until(() => sets("0x013001", "0x8F").length >= 2 && sets("0x026B01", "0xB0").length >= 2, 8000, "restored after the window");
    assert.deepEqual([sets("0x013001", "0x8F")[1], sets("0x026B01", "0xB0")[1]], ["42", "41"]);
  });
});
