import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AdapterError, PointRef, PointValue, SouthboundAdapter } from "gridhub/hub";
import { loadTableFile } from "gridhub/mapping";
import module, { AdapterConfig } from "../src/index.ts";
import { startSimulator, type EchonetSimulator } from "../src/simulator/index.ts";
import { freePort, log, rawPeer, testContext, waitFor, type RawPeer } from "./helpers.ts";

let PORT = 0;
const tables = fileURLToPath(new URL("../../../mappings/echonet-lite/", import.meta.url));

/** Point refs of a device as the hub builds them from its mapping table. */
function device(id: string, file: string, address: Record<string, unknown>): Record<string, PointRef> {
  const [{ table }] = loadTableFile(join(tables, file));
  return Object.fromEntries(Object.entries(table.points).map(([point, p]) => [point, { device: id, deviceAddress: address, point, address: p.address, type: p.type, access: p.access }]));
}
const byPoint = (vs: PointValue[]) => Object.fromEntries(vs.map((v) => [v.point, v]));

describe("ECHONET Lite adapter", () => {
  let sim: EchonetSimulator;
  let el: SouthboundAdapter;
  const ctx = testContext();
  let battery: Record<string, PointRef>;
  let meter: Record<string, PointRef>;
  const setsSeen = () => (sim.info().sets as unknown[]).length;

  before(async () => {
    PORT = await freePort();
    battery = device("battery-1", "storage-battery.yaml", { host: "127.0.0.40", port: PORT, eoj: "0x027D01" });
    meter = device("meter-1", "smart-meter.yaml", { host: "127.0.0.41", port: PORT, eoj: "0x028801" });
    sim = await startSimulator({
      port: PORT, tickMs: 100, clock: { start: "2026-06-21T03:00:00Z" },
      nodes: [
        { address: "127.0.0.40", objects: [{ eoj: "0x027D01", params: { socPercent: 60, capacityWh: 10000 } }, { eoj: "0x027901" }] },
        { address: "127.0.0.41", objects: [{ eoj: "0x028801", params: { importKwh: 1234.5 } }] },
        { address: "127.0.0.42", objects: [{ eoj: "0x013001" }, { eoj: "0x026B01" }, { eoj: "0x029001" }, { eoj: "0x027E01" }] },
      ],
    }, log);
    const config = AdapterConfig.parse({
      bind: { address: "127.0.0.1", port: PORT }, peerPort: PORT, multicast: { interface: "127.0.0.1" }, request: { timeoutMs: 300, retries: 1 },
    });
    el = module.create(config, ctx) as SouthboundAdapter;
    await el.start();
  });
  after(async () => {
    await el?.stop();
    await sim?.stop();
  });

  it("starts up and reports healthy", () => {
    assert.deepEqual(ctx.health, ["up"]);
    assert.equal(module.manifest.deviceAddress!.safeParse({ host: "fe80::1", interface: "wlan0", eoj: "0x028801" }).success, true);
    assert.equal(module.manifest.deviceAddress!.safeParse({ host: "battery.local", eoj: "0x027D01" }).success, false);
  });

  it("reads a batch of points as raw values in one request", async () => {
    const before = (sim.info().requests as Record<string, number>).Get ?? 0;
    const names = ["soc_percent", "operation_mode", "working_status", "power_w", "rated_energy_wh", "max_charge_w", "operation_status", "fault"] as const;
    const v = byPoint(await el.read(names.map((n) => battery[n])));
    assert.deepEqual(Object.fromEntries(names.map((n) => [n, v[n].value])), {
      soc_percent: 60, operation_mode: 0x44, working_status: 0x44, power_w: 0, rated_energy_wh: 10000, max_charge_w: 3000, operation_status: 0x30, fault: false,
    });
    assert.ok(names.every((n) => v[n].quality === "good"));
    // one Get for the property maps, one for the eight points
    assert.equal((sim.info().requests as Record<string, number>).Get, before + 2);
  });

  it("refuses a point the object does not have, without failing the batch", async () => {
    const ghost: PointRef = { ...battery.soc_percent, point: "ghost", address: { epc: 0x99 } };
    const v = byPoint(await el.read([ghost, battery.soc_percent]));
    assert.equal(v.ghost.quality, "bad");
    assert.equal((v.ghost.error as AdapterError).code, "NOT_FOUND");
    assert.match(v.ghost.error!.message, /0x99.*Get property map/);
    assert.equal(v.soc_percent.value, 60);
  });

  it("writes a batch with one SetC and the device follows", async () => {
    const n = setsSeen();
    const r = await el.write([{ ref: battery.operation_mode, value: 0x43 }, { ref: battery.discharge_power_w, value: 2000 }]);
    assert.deepEqual(r.map((x) => [x.point, x.quality, x.value]), [["operation_mode", "good", 0x43], ["discharge_power_w", "good", 2000]]);
    const sets = (sim.info().sets as { epc: string; edt: string; esv: string; accepted: boolean }[]).slice(n);
    assert.deepEqual(sets.map((s) => [s.esv, s.epc, s.edt, s.accepted]), [["SetC", "0xDA", "43", true], ["SetC", "0xEC", "000007d0", true]]);
    const state = await waitFor(() => {
      const o = (sim.info().objects as Record<string, Record<string, number>>)[`127.0.0.40:${PORT}/0x027D01`];
      return o.instantaneousPowerW === -2000 && o;
    }, "battery discharging at 2 kW");
    assert.equal(state.workingStatus, 0x43);
    const power = byPoint(await el.read([battery.power_w])).power_w;
    assert.equal(power.value, -2000, "raw 0xD3: negative while discharging (the table's scale -1 makes it +2000 W of generation)");
  });

  it("reports what the device refused (SetC_SNA) point by point", async () => {
    const r = byPoint(await el.write([{ ref: battery.operation_mode, value: 0x45 }, { ref: battery.discharge_power_w, value: 1500 }]));
    assert.equal(r.operation_mode.quality, "bad");
    assert.equal((r.operation_mode.error as AdapterError).code, "PROTOCOL_REJECT");
    assert.match(r.operation_mode.error!.message, /refused operation_mode = 0x45/);
    assert.equal(r.discharge_power_w.quality, "good");
    assert.equal(byPoint(await el.read([battery.operation_mode])).operation_mode.value, 0x43);
  });

  it("refuses, without sending anything, writes that cannot be right", async () => {
    const n = setsSeen();
    const notSettable: PointRef = { ...battery.soc_percent, point: "soc_rw", access: "rw" };
    const r = byPoint(await el.write([
      { ref: battery.soc_percent, value: 50 },
      { ref: notSettable, value: 50 },
      { ref: battery.soc_floor_percent, value: 300 },
      { ref: battery.max_charge_w, value: 1 },
    ]));
    assert.equal((r.soc_percent.error as AdapterError).code, "NOT_WRITABLE");
    assert.match(r.soc_rw.error!.message, /not in the Set property map/);
    assert.equal((r.soc_floor_percent.error as AdapterError).code, "OUT_OF_RANGE");
    assert.match(r.max_charge_w.error!.message, /field inside an EDT/);
    assert.equal(setsSeen(), n);
  });

  it("reads the Route B meter: unit and coefficient applied, fields, series and the history day", async () => {
    const v = byPoint(await el.read([meter.import_kwh, meter.export_kwh, meter.coefficient, meter.energy_unit, meter.current_r_a, meter.history_import_kwh, meter.fixed_time_import_kwh]));
    assert.ok(Math.abs((v.import_kwh.value as number) - 1234.5) < 1, `import ${v.import_kwh.value}`);
    assert.equal(v.energy_unit.value, 0x01);
    assert.equal(v.coefficient.value, 1);
    assert.equal(typeof v.current_r_a.value, "number");
    const today = JSON.parse(v.history_import_kwh.value as string) as (number | null)[];
    assert.equal(today.length, 48);
    // simulated time is 12:00 local: the morning has readings, the evening none yet
    assert.equal(typeof today[0], "number");
    assert.equal(today[47], null);
    assert.equal((await el.write([{ ref: meter.history_day, value: 1 }]))[0].quality, "good");
    const yesterday = JSON.parse(byPoint(await el.read([meter.history_import_kwh])).history_import_kwh.value as string) as (number | null)[];
    assert.equal(yesterday[47] !== null && yesterday[0] !== null, true, "yesterday is complete");
    assert.ok(yesterday[47]! <= today[0]!);
  });

  it("hands INF announcements to subscribers as point changes", async () => {
    const changes: PointValue[] = [];
    const unsubscribe = await el.subscribe!([battery.operation_mode, battery.working_status], (vs) => changes.push(...vs));
    try {
      await el.write([{ ref: battery.operation_mode, value: 0x44 }]);
      const mode = await waitFor(() => changes.find((c) => c.point === "operation_mode" && c.value === 0x44), "INF of operation_mode");
      assert.equal(mode.quality, "good");
      await waitFor(() => changes.find((c) => c.point === "working_status" && c.value === 0x44), "INF of working_status");
    } finally {
      unsubscribe();
    }
  });

  it("turns a silent device into TIMEOUT per point, and a bad address into CONFIG", async () => {
    let peer: RawPeer | undefined;
    try {
      peer = await rawPeer("127.0.0.43", PORT);
      const silent = device("silent", "storage-battery.yaml", { host: "127.0.0.43", port: PORT, eoj: "0x027D01" });
      const broken = device("broken", "storage-battery.yaml", { host: "127.0.0.40", port: PORT, eoj: "battery" });
      const r = await el.read([silent.soc_percent, silent.power_w, broken.soc_percent]);
      assert.deepEqual(r.map((x) => [x.device, x.point, (x.error as AdapterError).code]).sort(), [
        ["broken", "soc_percent", "CONFIG"], ["silent", "power_w", "TIMEOUT"], ["silent", "soc_percent", "TIMEOUT"],
      ]);
      assert.ok((ctx.counts.timeouts ?? 0) >= 1);
      assert.equal(ctx.health.at(-1), "degraded", "a node that stopped answering degrades the adapter");
    } finally {
      await peer?.close();
    }
  });

  it("discovers the devices and suggests their mapping tables", async () => {
    const found = [];
    for await (const d of el.discover!({ timeoutMs: 400 })) found.push(d);
    const summary = found.map((d) => [d.address.host, d.address.eoj, d.table]).sort();
    assert.deepEqual(summary, [
      ["127.0.0.40", "0x027901", "pv/echonet-lite"],
      ["127.0.0.40", "0x027D01", "storage-battery/echonet-lite"],
      ["127.0.0.41", "0x028801", "smart-meter/echonet-lite"],
      ["127.0.0.42", "0x013001", "air-conditioner/echonet-lite"],
      ["127.0.0.42", "0x026B01", "water-heater/echonet-lite"],
      ["127.0.0.42", "0x027E01", "evse/echonet-lite"],
      ["127.0.0.42", "0x029001", "lighting/echonet-lite"],
    ]);
    const bat = found.find((d) => d.address.eoj === "0x027D01")!;
    assert.equal(bat.deviceClass, "storage-battery");
    assert.ok((bat.info!.set as string[]).includes("0xDA"));
  });
});
