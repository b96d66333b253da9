/** SunSpec over Modbus TCP: discovery, scale factors, controls, and what a device does not have. */
import { strict as assert } from "node:assert";
import type { DiscoveredDevice } from "gridhub/hub";
import { startSimulator, type ModbusSimulator } from "../src/simulator/index.ts";
import { eventually, ref, startAdapter, type Harness } from "./helpers.ts";

describe("SunSpec", function () {
  let sim: ModbusSimulator;
  let h: Harness;
  let at: (unitId: number) => Record<string, unknown>;

  before(async () => {
    sim = await startSimulator({
      tcp: { port: 0 },
      devices: [
        { kind: "sunspec-inverter", unitId: 1, ratedW: 6000, availableW: 5000, der: true },
        { kind: "sunspec-meter", unitId: 2, w: -1200 },
        { kind: "sunspec-inverter", unitId: 3, base: 50000, phases: 1 },
        { kind: "registers", unitId: 4, holding: { 0: [1] } },
      ],
    });
    at = (unitId) => ({ host: "127.0.0.1", port: sim.port, unitId });
    h = await startAdapter({ timeoutMs: 500, retries: 1, reconnect: { initialMs: 50, maxMs: 200 } });
  });

  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  it("finds the models behind 'SunS' and reads points with their scale factors", async () => {
    sim.sunspec(1).set(103, "Evt1", 0b100);
    const inv = at(1);
    const values = await h.adapter.read([
      ref("inv", inv, "w", { model: [101, 102, 103], point: "W" }),
      ref("inv", inv, "hz", { model: 103, point: "Hz" }),
      ref("inv", inv, "tmp", { model: 103, point: "TmpCab" }),
      ref("inv", inv, "wh", { model: 103, point: "WH" }),
      ref("inv", inv, "rating", { model: 120, point: "WRtg" }),
      ref("inv", inv, "sn", { model: 1, point: "SN" }, "string"),
      ref("inv", inv, "acDisconnect", { model: 103, point: "Evt1", bit: 2 }, "bool"),
      ref("inv", inv, "groundFault", { model: 103, point: "Evt1", bit: 0 }, "bool"),
    ]);
    assert.deepEqual(values.map((v) => v.value), [5000, 50, 35.5, 12_345_678, 6000, "INV-1", true, false]);
  });

  it("limits generation through model 123 (WMaxLimPct scaled by WMaxLimPct_SF, then WMaxLim_Ena)", async () => {
    const inv = at(1);
    const pct = ref("inv", inv, "pct", { model: 123, point: "WMaxLimPct" });
    const ena = ref("inv", inv, "ena", { model: 123, point: "WMaxLim_Ena" }, "enum");
    const res = await h.adapter.write([{ ref: pct, value: 50 }, { ref: ena, value: 1 }]);
    res.forEach((r) => assert.equal(r.quality, "good", r.error?.message));
    const img = sim.sunspec(1);
    assert.deepEqual(sim.unit(1).readWords("holding", img.address(123, "WMaxLimPct"), 1), [500]);
    assert.equal(img.get(123, "WMaxLim_Ena"), 1);
    const [w] = await h.adapter.read([ref("inv", inv, "w", { model: 103, point: "W" })]);
    assert.equal(w.value, 3000);
    await h.adapter.write([{ ref: ena, value: 0 }]);
  });

  it("limits generation through the DER model 704 as well", async () => {
    const inv = at(1);
    const res = await h.adapter.write([
      { ref: ref("inv", inv, "lim", { model: 704, point: "WMaxLimPct" }), value: 25 },
      { ref: ref("inv", inv, "limEna", { model: 704, point: "WMaxLimPctEna" }, "enum"), value: 1 },
    ]);
    res.forEach((r) => assert.equal(r.quality, "good", r.error?.message));
    const [w, throttle] = await h.adapter.read([ref("inv", inv, "w", { model: 701, point: "W" }), ref("inv", inv, "thr", { model: 701, point: "ThrotPct" })]);
    assert.deepEqual([w.value, throttle.value], [1500, 25]);
    await h.adapter.write([{ ref: ref("inv", inv, "limEna", { model: 704, point: "WMaxLimPctEna" }, "enum"), value: 0 }]);
  });

  it("reads a meter (model 203 of 201-204)", async () => {
    const m = at(2);
    const [w, imp, exp] = await h.adapter.read([
      ref("meter", m, "w", { model: [201, 202, 203, 204], point: "W" }),
      ref("meter", m, "imp", { model: [201, 202, 203, 204], point: "TotWhImp" }),
      ref("meter", m, "exp", { model: [201, 202, 203, 204], point: "TotWhExp" }),
    ]);
    assert.deepEqual([w.value, imp.value, exp.value], [-1200, 1_000_000, 250_000]);
  });

  it("looks for 'SunS' at the other usual bases", async () => {
    const [w] = await h.adapter.read([ref("inv3", at(3), "w", { model: [101, 103], point: "W" })]);
    assert.equal(w.value, 4000);
  });

  it("says clearly what a device does not have", async () => {
    const inv3 = at(3);
    const [noModel, notImpl, plain] = await h.adapter.read([
      ref("inv3", inv3, "der", { model: 704, point: "WMaxLimPct" }),
      ref("inv3", inv3, "va", { model: 101, point: "VA" }),
      ref("plain", at(4), "w", { model: 103, point: "W" }),
    ]);
    assert.equal(noModel.error?.code, "NOT_FOUND");
    assert.match(noModel.error!.message, /the device has no SunSpec model 704; it has 1, 101, 120, 121, 123/);
    assert.match(notImpl.error!.message, /SunSpec 101.VA is not implemented by the device/);
    assert.match(plain.error!.message, /no SunSpec marker 'SunS' at 40000, 50000, 0/);
  });

  it("refuses writes to read-only points and values beyond the register", async () => {
    const inv = at(1);
    const [ro, big] = await h.adapter.write([
      { ref: ref("inv", inv, "w", { model: 103, point: "W" }), value: 10 },
      { ref: ref("inv", inv, "pct", { model: 123, point: "WMaxLimPct" }), value: 7000 },
    ]);
    assert.equal(ro.error?.code, "NOT_WRITABLE");
    assert.match(ro.error!.message, /SunSpec 103.W is read-only/);
    assert.equal(big.error?.code, "OUT_OF_RANGE");
    assert.match(big.error!.message, /SunSpec 123.WMaxLimPct: 70000 is outside the uint16 range/);
  });

  it("discovers again after the device comes back", async () => {
    const w = ref("inv", at(1), "w", { model: 103, point: "W" });
    await h.adapter.read([w]);
    await sim.pauseTcp();
    await h.adapter.read([w]);
    await sim.resumeTcp();
    const before = sim.requests.length;
    await eventually(async () => ((await h.adapter.read([w]))[0].quality === "good" ? true : undefined));
    assert.ok(sim.requests.slice(before).some((r) => r.unit === 1 && r.start === 40000 && r.count === 2), "marker read again");
  });

  it("discover() probes the unit ids of the configured connections", async () => {
    const d = await startAdapter({ discovery: { unitIds: [1, 2, 4] } }, [
      { id: "inv", adapter: "m", address: at(1), groups: [], points: [] },
    ]);
    try {
      const found: DiscoveredDevice[] = [];
      const progress: number[] = [];
      for await (const dev of d.adapter.discover!({ timeoutMs: 5000, onProgress: (p) => progress.push(p.done) })) found.push(dev);
      assert.deepEqual(found.map((f) => [f.address.unitId, f.deviceClass, f.table]), [
        [1, "pv", "inverter/sunspec-modbus"], [2, "meter", "meter/sunspec-modbus"],
      ]);
      assert.equal(found[0].info?.manufacturer, "gridhub");
      assert.equal(found[1].info?.serialNumber, "MTR-2");
      assert.deepEqual(progress, [1, 2, 3]);
    } finally {
      await d.stop();
    }
  });
});
