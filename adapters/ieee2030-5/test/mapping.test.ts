/** The grid table (mappings/ieee2030-5): it loads with the core loader and the adapter's schema, and maps each control as documented. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllTables } from "gridhub/mapping";
import adapter from "../src/index.ts";
import type { DERControlBaseValue } from "../src/codec/index.ts";
import { planDer } from "../src/mapping/der.ts";
import { planDrlc } from "../src/mapping/drlc.ts";
import { planPrices } from "../src/mapping/pricing.ts";
import { GridMap } from "../src/mapping/table.ts";
import { SAMPLES } from "./fixtures.ts";
import { repoRoot } from "./helpers.ts";
import { resolve } from "node:path";

const file = "mappings/ieee2030-5/default.yaml";
const loaded = parseAllTables(readFileSync(resolve(repoRoot, file), "utf8"), file).grid;
const map = GridMap.parse(loaded[0].table.map);
const ctx = { building: "site", duration: "PT1H", primacy: 1, mandatory: true, commandDevices: ["pv-1"], curve: () => undefined };
const der = (base: DERControlBaseValue, extra: Partial<typeof ctx> & { setMaxW?: number } = {}) => planDer(base, map, { ...ctx, ...extra });

describe("ieee2030-5 grid table", () => {
  it("loads as a grid table for ieee2030-5 and passes the adapter's gridTable schema", () => {
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0].table.table, "ieee2030-5/default");
    assert.equal(loaded[0].table.protocol, adapter.manifest.protocol);
    assert.ok(adapter.manifest.gridTable!.safeParse(loaded[0].table.map).success);
  });

  it("refuses a rule that does not fit, naming where", () => {
    const bad = GridMap.safeParse({ der: { opModMaxLimW: [{ message: "LoadGenerationManagement", request: "cap", direction: "generation" }] } });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues[0].path, ["der", "opModMaxLimW", 0, "request"]);
    assert.equal(GridMap.safeParse({ der: { opModMaxLimWatts: [{ message: "none" }] } }).success, false);
  });

  it("opModMaxLimW: a generation limit in % of setMaxW, or in W with the DER's setMaxW", () => {
    const pct = der({ opModMaxLimW: 5000 }).messages[0];
    assert.deepEqual(pct.body, { scope: { kind: "building", id: "site" }, direction: "generation", request: "limit", slots: [{ duration: "PT1H", relative: 50 }], urgency: "normal", mandatory: true });
    const watts = planDer({ opModMaxLimW: 5000 }, { ...map, der: { opModMaxLimW: [{ message: "LoadGenerationManagement", request: "limit", direction: "generation", value: "power", urgency: "normal" }] } }, { ...ctx, setMaxW: 8000, curve: () => undefined });
    assert.deepEqual((watts.messages[0].body.slots as unknown[])[0], { duration: "PT1H", power: { value: 4000, unit: "W" } });
    const noMax = planDer({ opModMaxLimW: 5000 }, { ...map, der: { opModMaxLimW: [{ message: "LoadGenerationManagement", request: "limit", direction: "generation", value: "power", urgency: "normal" }] } }, { ...ctx, curve: () => undefined });
    assert.match(noMax.skipped[0].reason, /set der\.setMaxW/);
  });

  it("opModTargetW and opModFixedW: setpoints, the sign choosing generation or consumption", () => {
    const charge = der({ opModTargetW: { multiplier: 3, value: -2 } }).messages[0];
    assert.equal(charge.body.direction, "consumption");
    assert.deepEqual((charge.body.slots as unknown[])[0], { duration: "PT1H", power: { value: 2000, unit: "W" } });
    const fixed = der({ opModFixedW: 7500 }).messages[0];
    assert.equal(fixed.body.direction, "generation");
    assert.equal((fixed.body.slots as { relative: number }[])[0].relative, 75);
  });

  it("opModConnect / opModEnergize false: an emergency from a primacy 0-1 program, a 0 % limit otherwise; true: nothing", () => {
    assert.deepEqual(der({ opModConnect: false }).messages[0].body, { phase: "start", mode: "emergency-connected-off" });
    const limit = der({ opModConnect: false }, { primacy: 2 }).messages[0];
    assert.equal(limit.type, "LoadGenerationManagement");
    assert.equal((limit.body.slots as { relative: number }[])[0].relative, 0);
    assert.deepEqual(der({ opModConnect: true }).messages, []);
    assert.deepEqual(der({ opModEnergize: false }).messages[0].body, { phase: "start", mode: "network-standby" });
  });

  it("power factor and volt-var: commands to the configured devices, the curve alongside", () => {
    const pf = der({ opModFixedPFInjectW: { displacement: 95, excitation: false, multiplier: -2 } }).messages[0];
    assert.deepEqual(pf.body, { device: "pv-1", command: { action: "setVarMode", mode: "fixed-pf-inject", value: { value: 95, unit: "%" } } });
    const curve = SAMPLES.DERCurve;
    const vv = planDer({ opModVoltVar: { href: "/derp/1/dc/1" } }, map, { ...ctx, curve: () => curve }).messages[0];
    assert.deepEqual(vv.body, { device: "pv-1", command: { action: "setVarMode", mode: "volt-var" } });
    assert.deepEqual(vv.ext, { ieee2030_5: { curve } });
    assert.deepEqual(planDer({ opModVoltVar: { href: "/x" } }, map, { ...ctx, commandDevices: [], curve: () => curve }).messages, [], "no devices take commands");
  });

  it("DRLC: duty cycle, offsets, setpoints and target reductions", () => {
    const c = SAMPLES.EndDeviceControl;
    const made = planDrlc(c, map, { ...ctx, primacy: 2 });
    const bodies = made.messages.map((m) => [m.key, m.type, m.body]);
    assert.deepEqual(bodies.find(([k]) => k === "DutyCycle")?.[2], { scope: { kind: "building", id: "site" }, direction: "consumption", request: "limit", slots: [{ duration: "PT1H", relative: 50 }], urgency: "normal", mandatory: true });
    assert.equal((bodies.find(([k]) => k === "Offset")?.[2] as { slots: { relative: number }[] }).slots[0].relative, -15);
    assert.deepEqual((bodies.find(([k]) => k === "SetPoint")?.[2] as { slots: unknown[] }).slots[0], { duration: "PT1H", setpoint: { value: 26, unit: "degC" } });
    assert.deepEqual((bodies.find(([k]) => k === "TargetReduction")?.[2] as { slots: unknown[] }).slots[0], { duration: "PT1H", power: { value: 3000, unit: "W" } });
    const emergency = planDrlc({ ...c, DutyCycle: undefined, SetPoint: undefined, TargetReduction: undefined, ApplianceLoadReduction: undefined }, map, { ...ctx, primacy: 0 });
    assert.equal(emergency.messages[0].type, "Emergency", "a mandatory offset from a primacy 0 program");
  });

  it("a rate's intervals become one price profile in currency/kWh with tiers", () => {
    const tti = { ...SAMPLES.TimeTariffInterval, interval: { start: 1767229200, duration: 3600 } };
    const later = { ...tti, mRID: "0F", interval: { start: 1767232800, duration: 3600 } };
    const blocks = SAMPLES.ConsumptionTariffIntervalList.ConsumptionTariffInterval!;
    const plan = planPrices({
      tariff: SAMPLES.TariffProfile, rate: SAMPLES.RateComponent, readingType: SAMPLES.ReadingType,
      intervals: [{ tti: later, blocks: [{ ...blocks[0], price: 1800 }] }, { tti, blocks }],
    }, map.pricing)!;
    assert.equal(plan.start, 1767229200);
    assert.equal(plan.end, 1767236400);
    assert.deepEqual(plan.body.slots[0], {
      start: "2026-01-01T01:00:00.000Z", duration: "PT3600S", binding: "binding",
      price: { value: 2450, multiplier: -1, unit: "currency/kWh", currency: "EUR" },
      tiers: [{ aboveEnergy: { value: 10000, unit: "Wh" }, price: { value: 3100, multiplier: -1, unit: "currency/kWh", currency: "EUR" } }],
    });
    assert.equal(plan.body.flow, "import");
    assert.equal(plan.body.slots[1].price?.value, 1800);
  });
});
