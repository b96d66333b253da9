import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DataType, Variant, VariantArrayType } from "node-opcua";
import { loadTableFile } from "gridhub/mapping";
import opcua from "../src/index.ts";
import { AdapterConfig, DeviceAddress, effectiveSecurity, PointAddress } from "../src/config.ts";
import { fromVariant, toVariant } from "../src/datatypes.ts";
import { parseBrowsePath, parseNodeId } from "../src/node-address.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { initialState, RATED_KW, step } from "../src/simulator/model.ts";

const TABLES = join(import.meta.dirname, "../../../mappings/opcua");

describe("opcua: addresses, config and value conversion", () => {
  it("declares a southbound opcua adapter that subscribes, discovers and reads in batches, without relinquish", () => {
    assert.equal(opcua.manifest.protocol, "opcua");
    assert.deepEqual(opcua.manifest.capabilities, { discover: true, subscribe: true, batchRead: true, relinquish: false });
  });

  it("accepts a point by NodeId, namespace URI or browse path, with monitoring parameters", () => {
    for (const a of [
      { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" }, { node: "nsu=urn:gridhub:plant;i=42" }, { node: "i=2258" },
      { browse: "/Objects/Plant/Chiller1/CHWSetpoint", sampling: "500ms", deadband: 0.5 }, { browse: "CHWSetpoint" },
    ]) assert.ok(PointAddress.safeParse(a).success, JSON.stringify(a));
    const parsed = PointAddress.parse({ browse: "Power", sampling: "2s" });
    assert.equal(parsed.sampling, 2000);
    assert.deepEqual(PointAddress.parse(parsed), parsed, "parsing is idempotent: the hub hands adapters parsed addresses");
  });

  it("refuses malformed point addresses with the reason", () => {
    const issues = (a: unknown) => PointAddress.safeParse(a).error?.issues.map((i) => i.message).join("; ");
    assert.match(issues({ node: "ns=1;s=A", browse: "/Objects/A" })!, /exactly one of node or browse/);
    assert.match(issues({})!, /exactly one of node or browse/);
    assert.match(issues({ node: "Plant.Chiller1" })!, /must be a NodeId/);
    assert.match(issues({ browse: "Power", sampling: "fast" })!, /500ms/);
    assert.match(issues({ browse: "Power", deadband: -1 })!, />=0/);
    assert.match(issues({ browse: "Power", epc: 1 })!, /epc/);
  });

  it("checks device addresses: opc.tcp endpoint, consistent security, one kind of user identity", () => {
    assert.ok(DeviceAddress.safeParse({ endpoint: "opc.tcp://127.0.0.1:48400/gridhub/plant", root: "ns=1;s=Plant.Chiller2", namespace: "urn:x" }).success);
    assert.ok(DeviceAddress.safeParse({ endpoint: "opc.tcp://plc:4840", security: { mode: "Sign", policy: "Aes128_Sha256_RsaOaep", user: { userName: "op", password: "pw" } } }).success);
    assert.ok(!DeviceAddress.safeParse({ endpoint: "http://127.0.0.1:4840" }).success);
    assert.ok(!DeviceAddress.safeParse({ endpoint: "opc.tcp://plc:4840", security: { mode: "None", policy: "Basic256Sha256" } }).success);
    assert.ok(!DeviceAddress.safeParse({ endpoint: "opc.tcp://plc:4840", security: { mode: "Sign", policy: "None" } }).success);
    assert.ok(!DeviceAddress.safeParse({ endpoint: "opc.tcp://plc:4840", security: { user: { userName: "op", password: "pw", certificate: "c.pem" } } }).success);
  });

  it("defaults to SignAndEncrypt/Basic256Sha256 and no accept-any; devices override", () => {
    const config = AdapterConfig.parse({});
    assert.equal(config.pki.root, undefined);
    assert.equal(config.pki.acceptUnknownCertificates, false);
    const plain = DeviceAddress.parse({ endpoint: "opc.tcp://plc:4840" });
    assert.deepEqual(effectiveSecurity(config, plain), { mode: "SignAndEncrypt", policy: "Basic256Sha256" });
    const aes = AdapterConfig.parse({ security: { policy: "Aes128_Sha256_RsaOaep" } });
    assert.deepEqual(effectiveSecurity(aes, DeviceAddress.parse({ endpoint: "opc.tcp://plc:4840", security: { mode: "Sign" } })),
      { mode: "Sign", policy: "Aes128_Sha256_RsaOaep" });
    assert.deepEqual(effectiveSecurity(aes, DeviceAddress.parse({ endpoint: "opc.tcp://plc:4840", security: { mode: "None" } })),
      { mode: "None", policy: "None" });
    assert.equal(AdapterConfig.parse({ requestTimeout: "2s" }).requestTimeout, 2000);
    assert.ok(!AdapterConfig.safeParse({ security: { mode: "None", policy: "Basic256Sha256" } }).success);
  });

  it("parses browse paths with namespace prefixes and & escapes, and NodeIds by namespace URI", () => {
    assert.deepEqual(parseBrowsePath("/Objects/2:Plant/Valve&/3"), [{ name: "Objects" }, { namespace: 2, name: "Plant" }, { name: "Valve/3" }]);
    assert.deepEqual(parseBrowsePath("CHWSetpoint"), [{ name: "CHWSetpoint" }]);
    assert.throws(() => parseBrowsePath("/Objects//Plant"), /empty segment/);
    assert.throws(() => parseBrowsePath("/Objects/Plant&"), /lone '&'/);
    assert.equal(parseNodeId("nsu=urn:b;s=X", ["http://opcfoundation.org/UA/", "urn:a", "urn:b"]).toString(), "ns=2;s=X");
    assert.throws(() => parseNodeId("nsu=urn:zzz;s=X", ["http://opcfoundation.org/UA/"]), { code: "NOT_FOUND" });
  });

  it("writes raw values as the node's built-in type and refuses what the type cannot hold", () => {
    assert.equal(toVariant("p", "float32", DataType.Double, 7.25).dataType, DataType.Double);
    assert.equal(toVariant("p", "enum", undefined, 2).dataType, DataType.Int32);
    assert.equal(toVariant("p", "uint32", DataType.Variant, 2).dataType, DataType.UInt32);
    assert.deepEqual(toVariant("p", "int64", DataType.Int64, -2).value, [0xffffffff, 0xfffffffe]);
    assert.throws(() => toVariant("p", "int16", DataType.Int16, 40000), { code: "OUT_OF_RANGE", message: /40000 does not fit a Int16/ });
    assert.throws(() => toVariant("p", "uint8", DataType.Byte, 1.5), { code: "OUT_OF_RANGE", message: /not an integer/ });
    assert.throws(() => toVariant("p", "float32", DataType.Float, 1e39), { code: "OUT_OF_RANGE" });
    assert.throws(() => toVariant("p", "bool", DataType.Boolean, 1), { code: "OUT_OF_RANGE", message: /true or false/ });
    assert.throws(() => toVariant("p", "float64", DataType.Double, Number.NaN), { code: "OUT_OF_RANGE" });
    assert.throws(() => toVariant("p", "float64", DataType.Double, null), { code: "UNSUPPORTED" });
  });

  it("reads Variants as the point's type: 64-bit words, text forms, and refuses arrays", () => {
    const v = (dataType: DataType, value: unknown, arrayType = VariantArrayType.Scalar) => new Variant({ dataType, arrayType, value });
    assert.equal(fromVariant("p", "uint64", v(DataType.UInt64, [1, 5])), 2 ** 32 + 5);
    assert.equal(fromVariant("p", "int64", v(DataType.Int64, [0xffffffff, 0xfffffffe])), -2);
    assert.throws(() => fromVariant("p", "uint64", v(DataType.UInt64, [0xffffffff, 0])), { code: "OUT_OF_RANGE" });
    assert.equal(fromVariant("p", "bool", v(DataType.Byte, 1)), true);
    assert.equal(fromVariant("p", "string", v(DataType.LocalizedText, { text: "Auto" })), "Auto");
    assert.equal(fromVariant("p", "string", v(DataType.Double, 7.5)), "7.5");
    assert.equal(fromVariant("p", "float64", v(DataType.Null, null)), null);
    assert.throws(() => fromVariant("p", "float64", v(DataType.String, "warm")), { code: "PROTOCOL_REJECT", message: /String value cannot be read as a float64/ });
    assert.throws(() => fromVariant("p", "float64", v(DataType.Double, [1, 2], VariantArrayType.Array)), { code: "UNSUPPORTED" });
  });

  it("ships mapping tables that load with the core loader and whose addresses pass the adapter's schema", () => {
    const files = readdirSync(TABLES).filter((f) => f.endsWith(".yaml"));
    assert.ok(files.length >= 2);
    for (const file of files) {
      for (const { table } of loadTableFile(join(TABLES, file))) {
        assert.equal(table.protocol, "opcua");
        for (const [name, p] of Object.entries(table.points)) {
          assert.ok(opcua.manifest.pointAddress!.safeParse(p.address).success, `${file}: ${name}`);
        }
      }
    }
  });

  it("refuses a bad simulator config with the field at fault", async () => {
    await assert.rejects(startSimulator({ port: 70000 }), /opcua simulator config: port/);
    await assert.rejects(startSimulator({ chillers: 0 }), /chillers/);
  });

  it("models the plant: a demand limit caps total power, a colder setpoint costs power", () => {
    const run = (demandLimit: number, setpoint: number) => {
      let s = initialState(2);
      for (let i = 0; i < 20; i++) s = step(s, { mode: 1, demandLimit, chillers: [{ enable: true, setpoint }, { enable: true, setpoint }] }, 0, 1000);
      return s;
    };
    assert.ok(run(100, 5).totalPower > run(100, 9).totalPower);
    assert.ok(run(25, 7).totalPower <= 0.25 * 2 * RATED_KW + 1e-9);
    const off = step(initialState(1), { mode: 0, demandLimit: 100, chillers: [{ enable: true, setpoint: 7 }] }, 0, 1000);
    assert.deepEqual([off.chillers[0].running, off.totalPower], [false, 0]);
  });
});
