/** The pieces without a socket: names, value coding, addresses, error classification, frame headers, scheduling. */
import assert from "node:assert/strict";
import { AdapterConfig, DeviceAddress, PointAddress } from "../src/config.ts";
import { classify, describe as describeFailure, isTooLong, toAdapterError } from "../src/errors.ts";
import { inspectFrame } from "../src/frame.ts";
import { ApplicationTag as T, ObjectType as O, PduType, PropertyIdentifier as P } from "../src/lib.ts";
import { formatObjectId, parseObjectId, parsePropertyId, parseUnits } from "../src/names.ts";
import { Scheduler } from "../src/scheduler.ts";
import { tagStructure } from "../src/simulator/validate.ts";
import { describeUnit } from "../src/units.ts";
import { decodeValue, encodeValue } from "../src/values.ts";

describe("BACnet codec pieces", () => {
  it("names objects, properties and units as the standard spells them", () => {
    assert.deepEqual(parseObjectId("analog-value:3"), { type: O.ANALOG_VALUE, instance: 3 });
    assert.deepEqual(parseObjectId("multi-state-output:12"), { type: O.MULTI_STATE_OUTPUT, instance: 12 });
    assert.deepEqual(parseObjectId("130:7"), { type: 130, instance: 7 });
    assert.equal(formatObjectId({ type: O.BINARY_INPUT, instance: 4 }), "binary-input:4");
    assert.equal(parsePropertyId("present-value"), P.PRESENT_VALUE);
    assert.equal(parsePropertyId("priority-array"), P.PRIORITY_ARRAY);
    assert.equal(parseUnits("degrees-celsius"), 62);
    assert.throws(() => parseObjectId("analog-valve:3"), /unknown object type "analog-valve"/);
    assert.throws(() => parseObjectId("analog-value:4194304"), /above 4194303/);
    assert.throws(() => parseObjectId("analog-value"), /not an object id/);
    assert.throws(() => parsePropertyId("present-valeu"), /unknown property/);
    assert.deepEqual(describeUnit(98), { code: 98, name: "percent", hub: "%" });
    assert.deepEqual(describeUnit(87), { code: 87, name: "liters-per-second" });
  });

  it("point and device addresses say what is wrong", () => {
    assert.deepEqual(PointAddress.parse({ object: "analog-value:3" }), { object: "analog-value:3", property: "present-value" });
    assert.deepEqual(PointAddress.parse({ object: "analog-value:3", property: "priority-array", index: 9 }),
      { object: "analog-value:3", property: "priority-array", index: 9 });
    const bad = PointAddress.safeParse({ object: "anlog-value:3", property: "present-value", priority: 9 });
    assert.ok(!bad.success);
    assert.match(bad.error.message, /priority/);
    const names = PointAddress.safeParse({ object: "anlog-value:3", property: "presnt-value" });
    assert.deepEqual(names.error?.issues.map((i) => [i.path.join("."), i.message]),
      [["object", 'unknown object type "anlog-value"'], ["property", 'unknown property "presnt-value"']]);
    assert.ok(DeviceAddress.safeParse({ deviceInstance: 1234, address: "127.0.0.1:47901" }).success);
    assert.ok(!DeviceAddress.safeParse({ deviceInstance: 4194303 }).success, "4194303 is the wildcard, not a device");
    assert.ok(!DeviceAddress.safeParse({ deviceInstance: 1, address: "localhost" }).success);
    assert.ok(!AdapterConfig.safeParse({ defaultPriority: 17 }).success);
    assert.equal(AdapterConfig.parse({}).cov.lifetimeSeconds, 300);
  });

  it("decodes what the device sends into the point's raw type", () => {
    assert.equal(decodeValue([{ type: T.REAL, value: Math.fround(23.2) }], "float32"), 23.2);
    assert.equal(decodeValue([{ type: T.ENUMERATED, value: 1 }], "bool"), true);
    assert.equal(decodeValue([{ type: T.ENUMERATED, value: 0 }], "bool"), false);
    assert.equal(decodeValue([{ type: T.UNSIGNED_INTEGER, value: 3 }], "enum"), 3);
    assert.equal(decodeValue([{ type: T.BOOLEAN, value: true }], "uint8"), 1);
    assert.equal(decodeValue([{ type: T.NULL, value: null }], "float32"), null);
    assert.equal(decodeValue([{ type: T.CHARACTER_STRING, value: "AHU-1" }], "string"), "AHU-1");
    assert.equal(decodeValue([{ type: T.OBJECTIDENTIFIER, value: { type: 2, instance: 9 } }], "string"), "analog-value:9");
    assert.equal(decodeValue([{ type: T.BIT_STRING, value: { bitsUsed: 4, value: [0b1000] } }], "bitfield"), 8);
    assert.throws(() => decodeValue([{ type: T.CHARACTER_STRING, value: "x" }], "float32"), /cannot carry/);
    assert.throws(() => decodeValue([], "float32"), /holds 0 values/);
  });

  it("encodes writes with the datatype the property has, and refuses what it cannot hold", () => {
    assert.deepEqual(encodeValue(O.ANALOG_VALUE, P.PRESENT_VALUE, "float32", 21.5), [{ type: T.REAL, value: 21.5 }]);
    assert.deepEqual(encodeValue(O.BINARY_OUTPUT, P.PRESENT_VALUE, "bool", true), [{ type: T.ENUMERATED, value: 1 }]);
    assert.deepEqual(encodeValue(O.MULTI_STATE_VALUE, P.PRESENT_VALUE, "enum", 3), [{ type: T.UNSIGNED_INTEGER, value: 3 }]);
    assert.deepEqual(encodeValue(O.ANALOG_VALUE, P.OUT_OF_SERVICE, "bool", true), [{ type: T.BOOLEAN, value: true }]);
    assert.deepEqual(encodeValue(O.ANALOG_VALUE, P.PRESENT_VALUE, "float32", null), [{ type: T.NULL, value: null }]);
    assert.deepEqual(encodeValue(O.ANALOG_VALUE, P.DESCRIPTION, "string", "x"), [{ type: T.CHARACTER_STRING, value: "x" }]);
    assert.throws(() => encodeValue(O.BINARY_VALUE, P.PRESENT_VALUE, "uint8", 2), /not a binary value/);
    assert.throws(() => encodeValue(O.MULTI_STATE_VALUE, P.PRESENT_VALUE, "enum", 0), /states count from 1/);
    assert.throws(() => encodeValue(O.ANALOG_VALUE, P.PRESENT_VALUE, "float32", 1e39), /does not fit a REAL/);
    assert.throws(() => encodeValue(O.ANALOG_VALUE, P.PRESENT_VALUE, "float32", Number.NaN), /not a finite number/);
    assert.throws(() => encodeValue(O.ANALOG_VALUE, P.COV_PERIOD, "int16", 40000), /not an integer in \[-32768, 32767\]/);
    assert.throws(() => encodeValue(O.ANALOG_VALUE, P.COV_PERIOD, "uint32", -1), /not an unsigned 32-bit integer/);
  });

  it("classifies the library's errors; Reject and Abort are told apart", () => {
    assert.deepEqual(classify(new Error("ERR_TIMEOUT")), { kind: "timeout" });
    assert.deepEqual(classify(new Error("BacnetError - Class:2 - Code:40")), { kind: "error", errorClass: 2, errorCode: 40 });
    assert.deepEqual(classify(new Error("BacnetAbort - Reason:9"), "reject"), { kind: "reject", reason: 9 });
    assert.deepEqual(classify(new Error("BacnetAbort - Reason:9")), { kind: "abort", reason: 9 });
    assert.equal(toAdapterError({ kind: "error", errorClass: 2, errorCode: 40 }, "w").code, "NOT_WRITABLE");
    assert.equal(toAdapterError({ kind: "error", errorClass: 1, errorCode: 31 }, "r").code, "NOT_FOUND");
    assert.equal(toAdapterError({ kind: "reject", reason: 9 }, "r").code, "UNSUPPORTED");
    assert.equal(toAdapterError({ kind: "timeout" }, "r").retryable, true);
    assert.equal(describeFailure({ kind: "abort", reason: 4 }), "aborted: segmentation-not-supported");
    assert.equal(describeFailure({ kind: "reject", reason: 9 }), "rejected: unrecognized-service");
    assert.ok(isTooLong({ kind: "abort", reason: 4 }) && !isTooLong({ kind: "reject", reason: 4 }));
  });

  it("reads frame headers and refuses frames that are not BACnet/IP", () => {
    const rp = Buffer.from("810a001101040005070c0c008000011955", "hex");
    const info = inspectFrame(rp)!;
    assert.deepEqual([info.bvlcFunction, info.apdu?.pduType, info.apdu?.invokeId, info.apdu?.service], [0x0a, PduType.CONFIRMED_REQUEST, 7, 12]);
    const forwarded = Buffer.from("8104000e7f00000137e501001008", "hex");
    assert.equal(inspectFrame(forwarded)?.forwardedFrom, "127.0.0.1:14309");
    assert.equal(inspectFrame(Buffer.from("810a0012", "hex")), undefined, "length field disagrees");
    assert.equal(inspectFrame(Buffer.from("820a0004", "hex")), undefined, "not BACnet/IP");
    assert.equal(inspectFrame(Buffer.from("810a0006ff00", "hex")), undefined, "NPDU version");
  });

  it("walks tag structures to tell a truncated request from a garbled one", () => {
    const buf = (hex: string) => Buffer.from(hex, "hex");
    const walk = (hex: string) => tagStructure(buf(hex), 0, buf(hex).length);
    assert.equal(walk("0c008000011955"), "ok");
    assert.equal(walk("0c0080"), "truncated");
    assert.equal(walk("1e0c008000011955"), "truncated", "an opening tag left open");
    assert.equal(walk("0c008000011f"), "invalid", "a closing tag with nothing open");
  });

  it("schedules: a per-peer limit, a global limit, and exclusive tasks that run alone", async () => {
    const s = new Scheduler(3, 1);
    const running = new Set<string>();
    const log: string[] = [];
    let maxTogether = 0;
    const task = (name: string) => async () => {
      running.add(name);
      maxTogether = Math.max(maxTogether, running.size);
      log.push(`start ${name}${running.size > 1 && name.startsWith("x") ? " (not alone)" : ""}`);
      await new Promise((r) => setTimeout(r, 5));
      running.delete(name);
    };
    await Promise.all([
      s.run("a", task("a1")), s.run("a", task("a2")), s.run("b", task("b1")), s.run("c", task("c1")),
      s.run("d", task("d1")), s.run("x", task("x1"), true), s.run("e", task("e1")),
    ]);
    assert.equal(maxTogether, 3);
    assert.ok(!log.some((l) => l.includes("not alone")), log.join(", "));
    assert.ok(log.indexOf("start a2") > log.indexOf("start a1"));
    assert.ok(log.indexOf("start e1") > log.indexOf("start x1"), "nothing overtakes a waiting exclusive task");
    s.close();
    await assert.rejects(s.run("a", task("late")), /stopped/);
  });
});
