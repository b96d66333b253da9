import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { evaluate, loadTableDirs, loadTableFile, MappingErrors, parseTables, selectRule, toRaw, fromRaw, intervalMs } from "../src/mapping/index.ts";
import { publishedSchemas, renderSchema } from "../src/mapping/publish-schema.ts";
import { makeMessage } from "../src/model/index.ts";

const fixtures = resolve(import.meta.dirname, "fixtures");
const tables = loadTableDirs([resolve(fixtures, "mappings")], fixtures);
const table = (id: string) => tables.get(id)!.table;

function errorsOf(text: string) {
  try {
    parseTables(text, "t.yaml");
  } catch (e) {
    assert.ok(e instanceof MappingErrors, String(e));
    return e.errors;
  }
  assert.fail("expected the table to be refused");
}

const base = `table: x/memory\nprotocol: memory\npoints:\n  sp: { address: { key: a }, type: float32, unit: degC, access: rw, min: 10, max: 30 }\n`;

describe("mapping tables: loading and checking", () => {
  it("loads the fixture table of each protocol family", () => {
    assert.deepEqual([...tables.keys()].sort(), ["ahu/memory", "chiller/memory", "inverter/memory", "storage-battery/memory"]);
  });

  it("names file, line, column and field for schema errors", () => {
    assert.throws(() => loadTableFile(resolve(fixtures, "bad-mappings/broken.yaml"), "broken.yaml"), (e: unknown) => {
      assert.ok(e instanceof MappingErrors);
      const lines = e.errors.map((x) => x.message);
      assert.ok(lines.includes("broken.yaml:5:59: points.temp.acess: unknown field acess"), lines.join("\n"));
      return true;
    });
  });

  it("names the line of a semantic error: unknown enum label, read-only point, unknown point", () => {
    const errs = errorsOf(`${base}  t: { address: { key: b }, type: float32, access: r }\n  m: { address: { key: c }, type: enum, values: { a: 1 }, access: rw }\non:\n  Emergency:\n    - while: { m: b, t: 1, nope: 2 }\n`);
    const text = errs.map((e) => e.message);
    assert.ok(text.includes('t.yaml:9:16: on.Emergency.0.while.m: "b" is not one of this enum\'s labels (a)'), text.join("\n"));
    assert.ok(text.includes("t.yaml:9:22: on.Emergency.0.while.t: point t is read-only (access: r)"), text.join("\n"));
    assert.ok(text.includes("t.yaml:9:28: on.Emergency.0.while.nope: no point named nope in this table"), text.join("\n"));
  });

  it("refuses literal values and clamps outside the point's range", () => {
    const errs = errorsOf(`${base}on:\n  Emergency:\n    - while: { sp: 40 }\n  TemperatureProfile:\n    - while: { sp: { from: slot.setpoint, clamp: [0, 50] } }\n`).map((e) => e.message);
    assert.ok(errs.some((m) => /on\.Emergency\.0\.while\.sp: 40 is above the point's max 30/.test(m)), errs.join("\n"));
    assert.ok(errs.some((m) => /while\.sp\.clamp: clamp \[0, 50\] reaches outside/.test(m)), errs.join("\n"));
  });

  it("refuses unknown triggers, bad sources and syntax errors with a line", () => {
    assert.match(errorsOf(`${base}on:\n  Teleport:\n    - while: { sp: 20 }\n`)[0].message, /^t\.yaml:6:3: on\.Teleport: unknown field Teleport$/);
    assert.match(errorsOf(`${base}on:\n  Emergency:\n    - while: { sp: { from: process.env } }\n`)[0].message, /on\.Emergency\.0\.while\.sp.*from must be/);
    assert.match(errorsOf(`table: [unclosed\n`)[0].message, /^t\.yaml:\d+:\d+: /);
    assert.match(errorsOf(`${base}points: {}\n`)[0].message, /Map keys must be unique/);
  });

  it("never executes anything: custom tags are refused and alias bombs are capped", () => {
    assert.match(errorsOf(`${base}description: !!js/function "function(){}"\n`)[0].message, /js\/function/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    assert.match(errorsOf(`${bomb}\n`)[0].message, /alias/i);
  });

  it("refuses duplicate table ids across files", () => {
    assert.throws(() => loadTableDirs([resolve(fixtures, "mappings"), resolve(fixtures, "mappings")], fixtures), /duplicate table id ahu\/memory/);
  });

  it("keeps the published JSON Schemas in step with the zod definitions (run npm run schemas)", () => {
    for (const [file, { schema, title }] of Object.entries(publishedSchemas)) {
      assert.equal(readFileSync(resolve(import.meta.dirname, "..", file), "utf8"), renderSchema(schema, title), `${file} is stale`);
    }
  });
});

describe("mapping engine: values and rules", () => {
  const t0 = Date.parse("2026-11-21T17:00:00Z");
  const lgm = (body: Record<string, unknown>) => makeMessage("LoadGenerationManagement", {
    scope: { kind: "building", id: "b" }, direction: "generation", request: "increase", urgency: "normal", mandatory: false,
    slots: [{ duration: "PT1H", power: { value: 2, multiplier: 3, unit: "W" } }, { duration: "PT1H", power: { value: 9000, unit: "W" } }],
    ...body,
  } as never, { source: "test", validity: { start: "2026-11-21T17:00:00Z", end: "2026-11-21T19:00:00Z" } });

  it("takes slot values per slot, converts units and clamps", () => {
    const m = lgm({});
    assert.deepEqual(evaluate(table("storage-battery/memory"), m, t0 + 1000)[0].points, { operation_mode: { value: "discharge" }, discharge_power_w: { value: 2000 } });
    assert.deepEqual(evaluate(table("storage-battery/memory"), m, t0 + 3_600_000)[0].points.discharge_power_w, { value: 5000 });
  });

  it("picks the first rule whose `when` holds, and none when nothing matches", () => {
    const ahu = table("ahu/memory");
    const m = (urgency: string, request = "decrease") => lgm({ urgency, request, direction: "consumption" });
    assert.equal(selectRule(ahu, m("high"), t0)?.index, 0);
    assert.equal(selectRule(ahu, m("normal"), t0)?.index, 1);
    assert.equal(selectRule(ahu, m("normal", "increase"), t0), undefined);
  });

  it("offsets from the value read before the first write", () => {
    const m = lgm({ urgency: "high", request: "decrease", direction: "consumption" });
    const [ev] = evaluate(table("ahu/memory"), m, t0, { zone_setpoint_c: 22.5 });
    assert.deepEqual(ev.points, { zone_setpoint_c: { value: 24.5 }, fan_speed_pct: { value: 70 } });
    assert.equal(ev.restore, "relinquish");
  });

  it("maps command fields through lookups with defaults", () => {
    const cmd = (command: Record<string, unknown>) => makeMessage("Command", { device: "b1", command } as never, { source: "cem:x" });
    assert.deepEqual(evaluate(table("storage-battery/memory"), cmd({ action: "charge", rapid: true }), Date.now())[0].points,
      { operation_mode: { value: "rapid_charge" }, charge_power_w: { value: 2000 } });
    assert.deepEqual(evaluate(table("storage-battery/memory"), cmd({ action: "charge", power: { value: 1.2, multiplier: 3, unit: "W" } }), Date.now())[0].points,
      { operation_mode: { value: "charge" }, charge_power_w: { value: 1200 } });
  });

  it("reports a per-point error for a quantity in the wrong unit, without failing the other points", () => {
    const m = lgm({ slots: [{ duration: "PT1H", power: { value: 5, unit: "Wh" } }] });
    const [ev] = evaluate(table("storage-battery/memory"), m, t0);
    assert.deepEqual(ev.points.operation_mode, { value: "discharge" });
    assert.match(ev.points.discharge_power_w.error!, /cannot convert Wh to W/);
  });

  it("converts engineering values to raw and back, refusing out-of-range values", () => {
    const inv = table("inverter/memory").points;
    assert.equal(toRaw("w_max_lim_pct", inv.w_max_lim_pct, 50), 500);
    assert.equal(fromRaw(inv.w_max_lim_pct, 500), 50);
    assert.equal(toRaw("w_max_lim_ena", inv.w_max_lim_ena, "enabled"), 1);
    assert.equal(fromRaw(inv.w_max_lim_ena, 0), "disabled");
    assert.throws(() => toRaw("w_max_lim_pct", inv.w_max_lim_pct, 120), /above the point's max 100/);
    assert.throws(() => toRaw("w_max_lim_ena", inv.w_max_lim_ena, "maybe"), /"maybe" is not one of disabled, enabled/);
    assert.throws(() => toRaw("ac_power_w", inv.ac_power_w, 400_000), /does not fit a int16/);
  });

  it("reads poll intervals", () => {
    assert.equal(intervalMs("500ms"), 500);
    assert.equal(intervalMs("10s"), 10_000);
    assert.equal(intervalMs("PT2M"), 120_000);
  });
});
