/** The BACnet mapping tables: they load with the core loader, address valid points, and fit the simulated controllers. */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import type { PointRef } from "gridhub/hub";
import { loadTableFile, type MappingTable } from "gridhub/mapping";
import bacnet from "../src/index.ts";
import { parseObjectId } from "../src/names.ts";
import { describeUnit } from "../src/units.ts";
import { startSimulator, type BacnetSimulator } from "../src/simulator/index.ts";
import { PointObject, type PointSpec } from "../src/simulator/objects.ts";
import { presets } from "../src/simulator/presets.ts";
import { log, startAdapter } from "./helpers.ts";

const dir = resolve(import.meta.dirname, "../../../mappings/bacnet");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
const presetOf = (t: MappingTable) => Object.entries(presets).find(([, p]) => p.modelName === t.match?.modelName);
const typesOf = { analog: ["float32", "float64"], binary: ["bool"], multistate: ["enum", "uint8", "uint16", "uint32"] };

describe("BACnet mapping tables", () => {
  it("there are tables for an AHU, a VAV box, a chiller and lighting", () => {
    assert.deepEqual(files, ["ahu.yaml", "chiller.yaml", "lighting.yaml", "vav.yaml"]);
  });

  for (const file of files) {
    it(`${file}: loads, addresses valid points, and fits the simulated controller`, () => {
      const [{ table }] = loadTableFile(resolve(dir, file));
      assert.equal(table.protocol, "bacnet");
      const preset = presetOf(table);
      assert.ok(preset, `no simulator preset with model name ${String(table.match?.modelName)}`);
      for (const [name, p] of Object.entries(table.points)) {
        const a = bacnet.manifest.pointAddress!.safeParse(p.address);
        assert.ok(a.success, `${name}: ${a.error?.message}`);
        const id = parseObjectId(String(p.address.object));
        const spec: PointSpec | undefined = preset[1].objects.find((o) => o.id.type === id.type && o.id.instance === id.instance);
        assert.ok(spec, `${name}: the ${preset[0]} preset has no ${String(p.address.object)}`);
        const object = new PointObject(spec);
        assert.ok(typesOf[object.kind].includes(p.type), `${name}: a ${object.kind} object is not a ${p.type} point`);
        if (p.unit) assert.equal(describeUnit(spec.units!).hub, p.unit, `${name}: units`);
        if (p.priority !== undefined) assert.ok(object.commandable, `${name}: written at a priority, but not commandable`);
        if (p.min !== undefined && spec.min !== undefined) assert.ok(p.min >= spec.min && p.max! <= spec.max!, `${name}: range outside the device's`);
      }
      for (const rules of Object.values(table.on)) {
        for (const r of rules ?? []) if (r.while) assert.equal(r.restore, "relinquish", "BACnet tables give control back by relinquishing");
      }
    });
  }

  describe("against the simulator", () => {
    let sim: BacnetSimulator;
    before(async () => {
      sim = await startSimulator({ devices: Object.keys(presets).map((preset, i) => ({ instance: 3001 + i, preset })) }, log);
    });
    after(() => sim?.stop());

    it("every point of every table reads good from its preset", async () => {
      const { adapter } = await startAdapter();
      try {
        const refs: PointRef[] = files.flatMap((file) => {
          const [{ table }] = loadTableFile(resolve(dir, file));
          const device = sim.devices.find((d) => d.info().preset === presetOf(table)![0])!;
          return Object.entries(table.points).map(([point, p]) => ({
            device: file, deviceAddress: { deviceInstance: device.instance, address: device.address }, point, address: p.address,
            type: p.type, access: p.access,
          }));
        });
        const values = await adapter.read(refs);
        const bad = values.filter((v) => v.quality !== "good");
        assert.deepEqual(bad, []);
      } finally {
        await adapter.stop();
      }
    });
  });
});
