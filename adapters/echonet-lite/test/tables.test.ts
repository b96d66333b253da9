import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTableFile } from "gridhub/mapping";
import adapter from "../src/index.ts";
import { CLASSES, devicePropDefs } from "../src/classes.ts";
import { widthOf } from "../src/protocol/edt.ts";
import { parse } from "yaml";
import { AdapterConfig, DeviceAddress, PointAddress } from "../src/config.ts";
import { SimulatorConfig } from "../src/simulator/index.ts";

const dir = fileURLToPath(new URL("../../../mappings/echonet-lite/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("ECHONET Lite mapping tables", () => {
  it("cover every device class of the adapter", () => {
    const ids = files.flatMap((f) => loadTableFile(join(dir, f)).map((t) => t.table.table)).sort();
    assert.deepEqual(ids, CLASSES.map((c) => c.table).sort());
  });

  for (const file of files) {
    it(`${file} loads, its addresses pass the adapter, and its points match the verified class`, () => {
      const [{ table }] = loadTableFile(join(dir, file));
      assert.equal(table.protocol, adapter.manifest.protocol);
      const def = CLASSES.find((c) => c.table === table.table)!;
      assert.ok(def, `no class for ${table.table}`);
      const props = new Map(devicePropDefs(def).map((p) => [p.epc, p]));
      for (const [name, p] of Object.entries(table.points)) {
        const parsed = adapter.manifest.pointAddress!.safeParse(p.address);
        assert.ok(parsed.success, `${name}: ${parsed.success ? "" : parsed.error.message}`);
        const a = PointAddress.parse(p.address);
        const prop = props.get(a.epc);
        assert.ok(prop, `${name}: EPC 0x${a.epc.toString(16)} is not a property of ${def.name}`);
        if (p.access !== "r") assert.ok(prop.set, `${name}: EPC 0x${a.epc.toString(16)} is not settable in ${def.name}`);
        if (prop.kind !== "raw" && a.offset === undefined) assert.equal(widthOf(p.type, a.size), prop.size, `${name}: ${p.type} vs ${prop.size} bytes`);
        if (p.type === "enum" && p.access !== "r" && prop.codes) {
          for (const [label, code] of Object.entries(p.values ?? {})) assert.ok(prop.codes.includes(code as number), `${name}.${label} = ${code} is not a code of EPC 0x${a.epc.toString(16)}`);
        }
      }
    });
  }
});

describe("ECHONET Lite example config", () => {
  it("configures the simulator, the adapter and every device with tables that exist", () => {
    const cfg = parse(readFileSync(fileURLToPath(new URL("../example/gridhub.yaml", import.meta.url)), "utf8"));
    assert.equal(SimulatorConfig.safeParse(cfg.simulators["el-sim"].config).success, true);
    assert.equal(AdapterConfig.safeParse(cfg.adapters.el.config).success, true);
    const ids = new Set(CLASSES.map((c) => c.table));
    for (const d of cfg.devices) {
      assert.equal(DeviceAddress.safeParse(d.address).success, true, d.id);
      assert.ok(ids.has(d.table), d.table);
    }
  });
});
