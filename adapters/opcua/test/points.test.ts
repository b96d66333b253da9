import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import express from "express";
import type { DeviceBinding } from "gridhub/hub";
import type { OpcUaAdapter } from "../src/index.ts";
import type { PlantServer } from "../src/simulator/index.ts";
import { binding, createAdapter, pointRef, sharedPki, startPlant, type TestContext } from "./helpers.ts";

const NONE = { mode: "None", policy: "None" } as const;

describe("opcua: browse, batched read/write, per-point errors (loopback, security None)", function () {
  this.timeout(20000);
  let plant: PlantServer;
  let adapter: OpcUaAdapter;
  let ctx: TestContext;
  let chiller1: DeviceBinding;
  let chiller2: DeviceBinding;

  before(async function () {
    this.timeout(60000); // key generation and server start take seconds on a loaded machine
    plant = await startPlant({ pki: { root: sharedPki("server") }, securityModes: ["None"], securityPolicies: ["None"] });
    chiller1 = binding("chiller-1", { endpoint: plant.endpoint, security: NONE });
    chiller2 = binding("chiller-2", { endpoint: plant.endpoint, security: NONE, root: "ns=1;s=Plant.Chiller2" });
    ({ adapter, ctx } = createAdapter({ pki: { root: sharedPki("client") }, security: NONE }, [chiller1, chiller2]));
    await adapter.start();
  });

  after(async () => {
    await adapter?.stop();
    await plant?.stop();
  });

  it("reads points addressed by NodeId, browse path and namespace URI in one batch, decoding each type", async () => {
    plant.nodes.set("Plant.Chiller1.EnergyTotal", 2 ** 40 + 5);
    plant.nodes.set("Plant.Chiller1.RunHours", 1234);
    const refs = [
      pointRef(chiller1, "setpoint", { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }),
      pointRef(chiller1, "supply", { browse: "/Objects/Plant/Chiller1/CHWSupplyTemp" }, "float64", "r"),
      pointRef(chiller1, "model", { node: `nsu=${plant.namespaceUri};s=Plant.Chiller1.Model` }, "string", "r"),
      pointRef(chiller1, "enable", { node: "ns=1;s=Plant.Chiller1.Enable" }, "bool"),
      pointRef(chiller1, "run_hours", { node: "ns=1;s=Plant.Chiller1.RunHours" }, "uint32", "r"),
      pointRef(chiller1, "energy", { browse: "/Objects/1:Plant/1:Chiller1/1:EnergyTotal" }, "uint64", "r"),
      pointRef(chiller1, "mode", { node: "ns=1;s=Plant.Mode" }, "enum"),
      pointRef(chiller1, "demand_limit", { browse: "/Objects/Plant/DemandLimit" }, "float32"),
    ];
    const values = await adapter.read(refs);
    assert.deepEqual(values.map((v) => [v.point, v.value, v.quality]), [
      ["setpoint", 7, "good"], ["supply", 12, "good"], ["model", "GH-CH-400", "good"], ["enable", true, "good"],
      ["run_hours", 1234, "good"], ["energy", 2 ** 40 + 5, "good"], ["mode", 1, "good"], ["demand_limit", 100, "good"],
    ]);
    assert.equal(ctx.counts.reads, refs.length);
  });

  it("writes a batch with each node's own data type and reads it back", async () => {
    const refs = {
      setpoint: pointRef(chiller1, "setpoint", { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }, "float32"),
      limit: pointRef(chiller1, "demand_limit", { browse: "/Objects/Plant/DemandLimit" }, "float32"),
      mode: pointRef(chiller1, "mode", { node: "ns=1;s=Plant.Mode" }, "enum"),
      enable: pointRef(chiller1, "enable", { node: "ns=1;s=Plant.Chiller1.Enable" }, "bool"),
    };
    const results = await adapter.write([
      { ref: refs.setpoint, value: 8.5 }, { ref: refs.limit, value: 80 }, { ref: refs.mode, value: 2 }, { ref: refs.enable, value: false },
    ]);
    assert.deepEqual(results.map((r) => r.quality), ["good", "good", "good", "good"]);
    assert.deepEqual(
      ["Plant.Chiller1.CHWSetpoint", "Plant.DemandLimit", "Plant.Mode", "Plant.Chiller1.Enable"].map((id) => plant.nodes.get(id)),
      [8.5, 80, 2, false],
    );
    const back = await adapter.read(Object.values(refs));
    assert.deepEqual(back.map((v) => v.value), [8.5, 80, 2, false]);
  });

  it("reports a write to a read-only node as NOT_WRITABLE while the rest of the batch is written", async () => {
    const results = await adapter.write([
      { ref: pointRef(chiller1, "power", { node: "ns=1;s=Plant.Chiller1.Power" }), value: 12 },
      { ref: pointRef(chiller1, "setpoint", { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }), value: 9 },
    ]);
    assert.equal(results[0].quality, "bad");
    assert.equal(results[0].error?.code, "NOT_WRITABLE");
    assert.match(results[0].error!.message, /chiller-1\/power \(ns=1;s=Plant\.Chiller1\.Power\): BadNotWritable/);
    assert.equal(results[1].quality, "good");
    assert.equal(plant.nodes.get("Plant.Chiller1.Power"), 0);
    assert.equal(plant.nodes.get("Plant.Chiller1.CHWSetpoint"), 9);
  });

  it("refuses out-of-range values: the server's InstrumentRange, and type ranges before anything is sent", async () => {
    const setpoint = pointRef(chiller1, "setpoint", { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" });
    const mode = pointRef(chiller1, "mode", { node: "ns=1;s=Plant.Mode" }, "enum");
    const before = [plant.nodes.get("Plant.Chiller1.CHWSetpoint"), plant.nodes.get("Plant.Mode")];
    const results = await adapter.write([
      { ref: setpoint, value: 20 }, { ref: mode, value: -1 }, { ref: mode, value: 7 }, { ref: setpoint, value: "cold" },
    ]);
    assert.deepEqual(results.map((r) => r.error?.code), ["OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE"]);
    assert.match(results[0].error!.message, /BadOutOfRange/);
    assert.match(results[1].error!.message, /-1 does not fit a UInt32/);
    assert.match(results[3].error!.message, /takes a finite number/);
    assert.deepEqual([plant.nodes.get("Plant.Chiller1.CHWSetpoint"), plant.nodes.get("Plant.Mode")], before);
  });

  it("gives unknown nodes, unmatched paths and non-variables their own errors without failing the batch", async () => {
    const values = await adapter.read([
      pointRef(chiller1, "ghost", { node: "ns=1;s=Plant.Chiller1.Ghost" }),
      pointRef(chiller1, "chiller9", { browse: "/Objects/Plant/Chiller9/Power" }),
      pointRef(chiller1, "object", { node: "ns=1;s=Plant" }),
      pointRef(chiller1, "bad_address", { node: "ns=1;s=Plant.Chiller1.Power", browse: "/Objects" }),
      pointRef(chiller1, "power", { node: "ns=1;s=Plant.Chiller1.Power" }, "float64", "r"),
    ]);
    assert.deepEqual(values.map((v) => v.error?.code), ["NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "CONFIG", undefined]);
    assert.match(values[0].error!.message, /BadNodeIdUnknown/);
    assert.match(values[1].error!.message, /Chiller9.*BadNoMatch/);
    assert.match(values[3].error!.message, /exactly one of node or browse/);
    assert.equal(values[4].quality, "good");
  });

  it("refuses table read-only points and null (OPC UA has no relinquish) without contacting the server", async () => {
    const results = await adapter.write([
      { ref: pointRef(chiller1, "supply", { node: "ns=1;s=Plant.Chiller1.CHWSupplyTemp" }, "float64", "r"), value: 5 },
      { ref: pointRef(chiller1, "setpoint", { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }), value: null },
    ]);
    assert.deepEqual(results.map((r) => r.error?.code), ["NOT_WRITABLE", "UNSUPPORTED"]);
    assert.match(results[0].error!.message, /read-only in the mapping table/);
  });

  it("resolves browse paths from a device's root node, so one table serves every chiller", async () => {
    plant.nodes.set("Plant.Chiller2.CHWSetpoint", 6.5);
    const [v] = await adapter.read([pointRef(chiller2, "setpoint", { browse: "CHWSetpoint" })]);
    assert.equal(v.value, 6.5);
  });

  it("browses the address space with data types, access and a ready-made point per variable", async () => {
    const top = await adapter.browse("chiller-1");
    assert.ok(top.some((e) => e.browseName === "1:Plant" && e.nodeClass === "Object" && e.nodeId === "ns=1;s=Plant"));
    const children = await adapter.browse("chiller-1", "ns=1;s=Plant.Chiller1");
    const setpoint = children.find((e) => e.displayName === "CHWSetpoint");
    assert.deepEqual(setpoint?.point, { address: { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }, type: "float64", access: "rw" });
    assert.equal(setpoint?.dataType, "Double");
    const energy = children.find((e) => e.displayName === "EnergyTotal");
    assert.deepEqual([energy?.dataType, energy?.access], ["UInt64", "r"]);
    await assert.rejects(adapter.browse("nobody"), { code: "NOT_FOUND" });
  });

  it("serves browsing as a REST route", async () => {
    const app = express().use(adapter.routes());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ok = await fetch(`${base}/browse?device=chiller-1&node=${encodeURIComponent("ns=1;s=Plant")}`);
      assert.equal(ok.status, 200);
      const body = await ok.json() as { children: { displayName: string }[] };
      assert.ok(body.children.some((c) => c.displayName === "DemandLimit"));
      assert.equal((await fetch(`${base}/browse?device=ghost`)).status, 404);
      assert.equal((await fetch(`${base}/browse?device=chiller-1&node=not-a-node`)).status, 400);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("discovers the server through FindServers and GetEndpoints", async () => {
    const found = [];
    for await (const d of adapter.discover!({ timeoutMs: 5000 })) found.push(d);
    assert.equal(found.length, 1);
    assert.equal(found[0].address.endpoint, plant.endpoint);
    assert.equal(found[0].info?.applicationUri, "urn:gridhub:opcua-plant-simulator");
    assert.deepEqual((found[0].info?.endpoints as { securityMode: string }[]).map((e) => e.securityMode), ["None"]);
  });
});
