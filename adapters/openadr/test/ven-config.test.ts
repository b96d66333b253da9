import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { loadAllTableDirs } from "gridhub/mapping";
import { Hub } from "../../../src/hub/hub.ts";
import { VenConfig } from "../src/ven/config.ts";
import { SignalMap } from "../src/ven/signal-map.ts";
import { FIXTURE_MAPPINGS, venHubConfig } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";

const TABLES = resolve(import.meta.dirname, "../../../mappings/openadr");

describe("OpenADR VEN: config and grid table", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let dir: string;
  before(() => {
    pki = makePki();
    dir = mkdtempSync(join(tmpdir(), "gridhub-ven-grid-"));
  });
  after(() => {
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ships openadr/default, which loads with the core loader and the VEN's schema", () => {
    const { grid } = loadAllTableDirs([TABLES]);
    const map = SignalMap.parse(grid.get("openadr/default")!.table.map);
    assert.deepEqual(Object.keys(map.signals).sort(), ["ELECTRICITY_PRICE", "ENERGY_PRICE", "LOAD_CONTROL", "LOAD_DISPATCH", "SIMPLE"]);
    assert.deepEqual(Object.keys(map.signals.LOAD_CONTROL!).sort(),
      ["x-loadControlCapacity", "x-loadControlLevelOffset", "x-loadControlPercentOffset", "x-loadControlSetpoint"]);
    assert.equal(map.opt.policy, "optIn-unless-all-unsuccessful");
  });

  it("a grid table mistake stops the hub with file:line and the field", async () => {
    writeFileSync(join(dir, "bad.yaml"), [
      "table: openadr/bad", "kind: grid", "protocol: openadr", "map:", "  signals:", "    SIMPLE:", "      level:",
      "        message: LoadGenerationManagement", "        request: decrease", "        value: { to: price }",
    ].join("\n"));
    const cfg = venHubConfig({ pki, vtnUrl: "https://127.0.0.1:9", ven: { signalTable: "openadr/bad" } });
    cfg.mappings = [FIXTURE_MAPPINGS, dir];
    await assert.rejects(Hub.start(cfg, { logger: pino({ level: "silent" }) }), (e: Error) => {
      assert.match(e.message, /bad\.yaml:10:\d+.*map\.signals\.SIMPLE\.level\.value\.to.*LoadGenerationManagement slots take power or relative/s);
      return true;
    });
  });

  it("refuses a config with a plain-HTTP VTN, a fractional report period or unknown fields, naming them", () => {
    const r = VenConfig.safeParse({
      role: "ven", vtnUrl: "http://vtn.example.com", venName: "v", tls: pki.tls("ven1"), reports: { minPeriod: "PT0.5S" }, pollIntervall: "1s",
    });
    assert.equal(r.success, false);
    const paths = r.error!.issues.map((i) => i.path.join(".") || i.message);
    assert.ok(paths.includes("vtnUrl"));
    assert.ok(paths.includes("reports.minPeriod"));
    assert.ok(r.error!.issues.some((i) => i.code === "unrecognized_keys"));
  });
});
