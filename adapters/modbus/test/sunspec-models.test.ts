import { strict as assert } from "node:assert";
import { PointAddress } from "../src/address.ts";
import { models } from "../src/sunspec/layout.ts";

/** Offsets from the model's ID register, as the SunSpec model definitions (SMDX offsets + 2) publish them. */
const published: [model: number, point: string, offset: number, size: number][] = [
  [1, "SN", 50, 16], [1, "DA", 66, 1],
  [103, "W", 14, 1], [103, "W_SF", 15, 1], [103, "WH", 24, 2], [103, "St", 38, 1], [101, "Hz", 16, 1],
  [120, "WRtg", 3, 1], [121, "WMax_SF", 22, 1], [122, "TmSrc", 37, 4], [122, "Ris_SF", 45, 1],
  [123, "WMaxLimPct", 5, 1], [123, "WMaxLim_Ena", 9, 1], [123, "WMaxLimPct_SF", 23, 1], [123, "VArPct_SF", 25, 1],
  [124, "InWRte", 13, 1], [124, "InOutWRte_SF", 25, 1],
  [201, "PPVphAB", 12, 1], [203, "PhVphAB", 12, 1], [203, "W", 18, 1], [203, "TotWhImp", 46, 2], [204, "TotWh_SF", 54, 1], [202, "Evt", 105, 2],
  [701, "W", 10, 1], [701, "Hz", 17, 2], [701, "WL2", 64, 1], [701, "ThrotSrc", 111, 2], [701, "MnAlrmInfo", 123, 32],
  [702, "WMax", 26, 1], [702, "IntIslandCat", 44, 1], [702, "S_SF", 51, 1],
  [703, "ESDlyRemTms", 15, 2], [703, "Hz_SF", 18, 1],
  [704, "WMaxLimPctEna", 14, 1], [704, "WMaxLimPct", 15, 1], [704, "WMaxLimPct_SF", 54, 1], [704, "AntiIslEna", 52, 1],
  [704, "PFWAbsRvrt.Ext", 66, 1],
];

describe("SunSpec model table", () => {
  it("every model's points add up to its published length", () => {
    for (const m of models.values()) {
      const registers = [...m.points.values()].reduce((n, p) => n + p.size, 0);
      assert.equal(registers, m.length, `model ${m.id}`);
    }
  });

  it("points sit at the published offsets", () => {
    for (const [id, name, offset, size] of published) {
      const p = models.get(id)?.points.get(name);
      assert.ok(p, `${id}.${name} missing`);
      assert.deepEqual([p.offset, p.size], [offset, size], `${id}.${name}`);
    }
  });

  it("every scale factor a point names exists in its model as a sunssf", () => {
    for (const m of models.values()) {
      for (const p of m.points.values()) {
        if (p.sf) assert.equal(m.points.get(p.sf)?.type, "sunssf", `${m.id}.${p.name} -> ${p.sf}`);
      }
    }
  });

  it("mapping-table addresses name known models and points, with a hint when misspelt", () => {
    assert.equal(PointAddress.safeParse({ model: [101, 102, 103], point: "W" }).success, true);
    const bad = PointAddress.safeParse({ model: 123, point: "WMaxLimPc" });
    assert.equal(bad.success, false);
    assert.match(bad.error!.issues[0].message, /model 123 has no point WMaxLimPc \(did you mean WMaxLimPct/);
    const unknown = PointAddress.safeParse({ model: 999, point: "W" });
    assert.match(unknown.error!.issues[0].message, /model 999 is not in this adapter's model table/);
  });
});
