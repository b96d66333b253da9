/** The Modbus mapping tables load with the core loader and every point address passes the adapter's schema. */
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTableFile } from "gridhub/mapping";
import adapter from "../src/index.ts";

const dir = fileURLToPath(new URL("../../../mappings/modbus/", import.meta.url));

describe("modbus mapping tables", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

  it("there are tables for SunSpec inverters (123 and 704), meters and storage", () => {
    const ids = files.flatMap((f) => loadTableFile(join(dir, f)).map((t) => t.table.table)).sort();
    assert.deepEqual(ids, ["inverter-der/sunspec-modbus", "inverter/sunspec-modbus", "meter/sunspec-modbus", "storage-battery/sunspec-modbus"]);
  });

  for (const f of files) {
    it(`${f}: loads, and its addresses are valid Modbus point addresses`, () => {
      for (const { table } of loadTableFile(join(dir, f))) {
        assert.equal(table.protocol, "modbus");
        for (const [name, p] of Object.entries(table.points)) {
          const r = adapter.manifest.pointAddress!.safeParse(p.address);
          assert.ok(r.success, `${table.table} ${name}: ${r.error?.issues.map((i) => i.message).join("; ")}`);
        }
      }
    });
  }

  it("device addresses: TCP and RTU forms, with clear errors", () => {
    const schema = adapter.manifest.deviceAddress!;
    assert.deepEqual(schema.parse({ host: "127.0.0.1" }), { host: "127.0.0.1", port: 502, unitId: 1, wordOrder: "big", byteOrder: "big", writeMultiple: false });
    const rtu = schema.parse({ path: "/dev/ttyUSB0", unitId: 3 }) as Record<string, unknown>;
    assert.deepEqual([rtu.baudRate, rtu.parity, rtu.dataBits, rtu.stopBits], [9600, "none", 8, 1]);
    const bad = schema.safeParse({ path: "/dev/ttyUSB0", unitId: 0 });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues[0].path, ["unitId"]);
    assert.equal(schema.safeParse({ host: "h", baud: 9600 }).success, false);
  });

  it("register addresses: refuses what does not apply, and reads past the address space", () => {
    const schema = adapter.manifest.pointAddress!;
    const coilCount = schema.safeParse({ table: "coil", register: 1, count: 2 });
    assert.match(coilCount.error!.issues[0].message, /count does not apply to coil points/);
    const past = schema.safeParse({ table: "holding", register: 65535, count: 2 });
    assert.match(past.error!.issues[0].message, /runs past register 65535/);
    const unknown = schema.safeParse({ table: "holding", register: 1, endian: "big" });
    assert.equal(unknown.success, false);
  });
});
