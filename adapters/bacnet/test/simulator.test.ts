/** The device simulator over real UDP on loopback, driven by the library's own client and by raw frames. */
import assert from "node:assert/strict";
import { ObjectType as O, PropertyIdentifier as P, ApplicationTag as T } from "../src/lib.ts";
import { startSimulator, type BacnetSimulator } from "../src/simulator/index.ts";
import { apduOf, confirmedFrame, libraryClient, log, rawPeer, waitFor, type RawPeer } from "./helpers.ts";

const AV1 = { type: O.ANALOG_VALUE, instance: 1 };
const many = Array.from({ length: 300 }, (_, i) => ({ object: `analog-value:${100 + i}`, name: `Spare ${i}`, value: i }));

describe("BACnet simulator", () => {
  let sim: BacnetSimulator;
  let lib: Awaited<ReturnType<typeof libraryClient>>;
  let raw: RawPeer;
  let ahu: string;

  before(async () => {
    sim = await startSimulator({
      bbmd: {},
      devices: [
        { instance: 1001, preset: "ahu" },
        { instance: 1002, preset: "vav", objects: many },
        { instance: 1003, preset: "chiller", objects: many, segmentation: "none", maxApdu: 480 },
      ],
    }, log);
    lib = await libraryClient();
    raw = await rawPeer();
    ahu = sim.device(1001).address;
  });
  after(async () => {
    lib?.close();
    await raw?.close();
    await sim?.stop();
  });

  it("answers a directed Who-Is within its range with I-Am, and stays silent outside it", async () => {
    const heard: number[] = [];
    const onIAm = (c: { payload: { deviceId: number; maxApdu: number; segmentation: number; vendorId: number } }) => {
      heard.push(c.payload.deviceId);
      if (c.payload.deviceId === 1001) assert.deepEqual([c.payload.maxApdu, c.payload.segmentation, c.payload.vendorId], [1476, 0, 999]);
    };
    lib.client.on("iAm", onIAm);
    lib.client.whoIs({ address: ahu }, { lowLimit: 2000, highLimit: 3000 });
    lib.client.whoIs({ address: ahu }, { lowLimit: 1000, highLimit: 1001 });
    await waitFor(() => heard.length > 0, "I-Am");
    lib.client.off("iAm", onIAm);
    assert.deepEqual(heard, [1001]);
  });

  it("reads properties, and answers unknown objects and properties with errors", async () => {
    const pv = await lib.client.readProperty({ address: ahu }, AV1, P.PRESENT_VALUE);
    assert.deepEqual(pv.values.map((v) => [v.type, v.value]), [[T.REAL, 23]]);
    const units = await lib.client.readProperty({ address: ahu }, AV1, P.UNITS);
    assert.equal(units.values[0].value, 62);
    await assert.rejects(lib.client.readProperty({ address: ahu }, { type: O.ANALOG_VALUE, instance: 99 }, P.PRESENT_VALUE), /Class:1 - Code:31/);
    await assert.rejects(lib.client.readProperty({ address: ahu }, AV1, P.NUMBER_OF_STATES), /Class:2 - Code:32/);
  });

  it("commands through the priority array: the highest non-NULL slot wins, NULL frees one slot", async () => {
    const dev = sim.device(1001);
    await lib.client.writeProperty({ address: ahu }, AV1, P.PRESENT_VALUE, [{ type: T.REAL, value: 25 }], { priority: 9 });
    dev.localWrite("analog-value:1", 21, 8);
    assert.equal(dev.point("analog-value:1").presentValue, 21);
    await lib.client.writeProperty({ address: ahu }, AV1, P.PRESENT_VALUE, [{ type: T.NULL, value: null }], { priority: 8 });
    assert.equal(dev.point("analog-value:1").presentValue, 25);
    const slot9 = await lib.client.readProperty({ address: ahu }, AV1, P.PRIORITY_ARRAY, { arrayIndex: 9 });
    assert.equal(slot9.values[0].value, 25);
    await lib.client.writeProperty({ address: ahu }, AV1, P.PRESENT_VALUE, [{ type: T.NULL, value: null }], { priority: 9 });
    assert.equal(dev.point("analog-value:1").presentValue, 23);
    const all = await lib.client.readProperty({ address: ahu }, AV1, P.PRIORITY_ARRAY);
    assert.equal(all.values.length, 16);
    assert.ok(all.values.every((v) => v.type === T.NULL));
  });

  it("refuses values out of range, of the wrong datatype, and writes to inputs in service", async () => {
    await assert.rejects(lib.client.writeProperty({ address: ahu }, AV1, P.PRESENT_VALUE, [{ type: T.REAL, value: 99 }], { priority: 9 }), /Code:37/);
    await assert.rejects(lib.client.writeProperty({ address: ahu }, AV1, P.PRESENT_VALUE, [{ type: T.CHARACTER_STRING, value: "x" }], { priority: 9 }), /Code:9/);
    await assert.rejects(lib.client.writeProperty({ address: ahu }, { type: O.ANALOG_INPUT, instance: 1 }, P.PRESENT_VALUE,
      [{ type: T.REAL, value: 20 }], { priority: 9 }), /Code:40/);
    assert.equal(sim.device(1001).point("analog-value:1").presentValue, 23);
  });

  it("sends a long object-list segmented, and aborts when it cannot segment", async () => {
    const list = await lib.client.readProperty({ address: sim.device(1002).address }, { type: O.DEVICE, instance: 1002 }, P.OBJECT_LIST);
    assert.equal(list.values.length, 1 + 5 + 300);
    assert.deepEqual(list.values.at(-1)!.value, { type: O.ANALOG_VALUE, instance: 399 });
    const chiller = sim.device(1003).address;
    await assert.rejects(lib.client.readProperty({ address: chiller }, { type: O.DEVICE, instance: 1003 }, P.OBJECT_LIST), /BacnetAbort - Reason:4/);
    const length = await lib.client.readProperty({ address: chiller }, { type: O.DEVICE, instance: 1003 }, P.OBJECT_LIST, { arrayIndex: 0 });
    assert.equal(length.values[0].value, 1 + 6 + 300);
  });

  it("rejects malformed and unsupported requests with a Reject PDU for their invoke id, and keeps serving", async () => {
    const cases: [string, string, number][] = [
      ["truncated ReadProperty", "0005 21 0c 0c00800001", 5],
      ["SubscribeCOV with an extra parameter", "0005 22 05 0907 1c00800001 2900 393c 4901", 7],
      ["ReadProperty without parameters", "0005 23 0c", 5],
      ["ReadProperty with a stray closing tag", "0005 24 0c 0c00800001 0f", 4],
      ["ReadRange (not executed)", "0005 25 1a 0c00800001 1955", 9],
    ];
    for (const [what, apdu, reason] of cases) {
      const before = raw.received.length;
      await raw.send(confirmedFrame(apdu), ahu);
      const reply = await waitFor(() => raw.received[before], `a reply to ${what}`);
      const pdu = apduOf(reply.buf);
      assert.deepEqual([pdu[0], pdu[1], pdu[2]], [0x60, Buffer.from(apdu.replace(/\s/g, ""), "hex")[2], reason], what);
    }
    await raw.send("81 0a 00 05 01", ahu);
    await raw.send("82 0a 00 04", ahu);
    const pv = await lib.client.readProperty({ address: ahu }, AV1, P.PRESENT_VALUE);
    assert.equal(pv.values[0].value, 23);
  });

  it("notifies COV subscribers at once, on change by the COV increment, and no more after cancellation", async () => {
    const dev = sim.device(1001);
    const seen: number[] = [];
    const onCov = (c: { payload: { subscriberProcessId: number; values: { property: { id: number }; value: { value: number }[] }[] } }) => {
      if (c.payload.subscriberProcessId !== 7) return;
      seen.push(c.payload.values.find((v) => v.property.id === P.PRESENT_VALUE)!.value[0].value);
    };
    lib.client.on("covNotifyUnconfirmed", onCov);
    await lib.client.subscribeCov({ address: ahu }, AV1, 7, false, false, 60);
    await waitFor(() => seen.length === 1, "the initial notification");
    dev.localWrite("analog-value:1", 23.05, 16);
    dev.localWrite("analog-value:1", 24, 16);
    await waitFor(() => seen.length === 2, "a notification on change");
    await lib.client.subscribeCov({ address: ahu }, AV1, 7, true, false, 0);
    dev.localWrite("analog-value:1", 23, 16);
    await lib.client.readProperty({ address: ahu }, AV1, P.PRESENT_VALUE);
    lib.client.off("covNotifyUnconfirmed", onCov);
    assert.deepEqual(seen, [23, 24]);
    assert.equal(dev.point("analog-value:1").presentValue, 23);
  });

  it("runs a BBMD: registers foreign devices and forwards their broadcasts both ways", async () => {
    const bbmd = sim.bbmd!.address;
    await raw.send("81 09 00 0e 01 00 10 08 0a 03e9 1a 03eb", bbmd);
    const nak = await waitFor(() => raw.received.find((r) => r.buf[1] === 0x00), "the BVLC-Result for an unregistered broadcast");
    assert.equal(nak.buf.readUInt16BE(4), 0x0060);
    raw.received.length = 0;
    await lib.client.registerForeignDevice({ address: bbmd }, 60);
    assert.deepEqual(sim.bbmd!.table().map((e) => [e.address, e.ttl]), [[lib.address, 60]]);
    const heard: { id: number; from: string }[] = [];
    const onIAm = (c: { payload: { deviceId: number }; header?: { sender: { forwardedFrom?: string | null } } }) =>
      heard.push({ id: c.payload.deviceId, from: String(c.header?.sender.forwardedFrom) });
    lib.client.on("iAm", onIAm);
    lib.client.whoIsThroughBBMD({ address: bbmd }, { lowLimit: 1001, highLimit: 1003 });
    await waitFor(() => heard.length === 3, "three forwarded I-Ams");
    lib.client.off("iAm", onIAm);
    assert.deepEqual(heard.map((h) => h.id).sort(), [1001, 1002, 1003]);
    assert.ok(heard.some((h) => h.id === 1001 && h.from === ahu), "forwarded I-Am names the device, not the BBMD");
  });

  it("lets the plant respond: AHU fan power follows the cube of the limited fan speed, chiller power the demand limit", () => {
    const ahuDev = sim.device(1001);
    ahuDev.localWrite("analog-value:2", 50, 9);
    ahuDev.tick(1);
    assert.equal(ahuDev.point("analog-input:3").presentValue, 1.38);
    ahuDev.localWrite("analog-value:2", null, 9);
    ahuDev.tick(1);
    assert.equal(ahuDev.point("analog-input:3").presentValue, 5.63);
    const chiller = sim.device(1003);
    chiller.localWrite("analog-value:2", 40, 9);
    chiller.tick(1);
    assert.equal(chiller.point("analog-input:2").presentValue, 100);
    chiller.localWrite("analog-value:2", null, 9);
  });
});

describe("BACnet simulator config", () => {
  it("says what is wrong with a config", async () => {
    await assert.rejects(startSimulator({ devices: [] }), /devices: Too small/i);
    await assert.rejects(startSimulator({ devices: [{ instance: 1, objects: [{ object: "analog-valve:1", name: "x", value: 1 }] }] }),
      /devices\.0\.objects\.0\.object: unknown object type "analog-valve"/);
    await assert.rejects(startSimulator({ devices: [{ instance: 1, objects: [{ object: "device:1", name: "x", value: 1 }] }] }),
      /device:1 is not an analog, binary or multi-state object/);
    await assert.rejects(startSimulator({ devices: [{ instance: 1 }, { instance: 1 }] }), /device instance 1 appears twice/);
    await assert.rejects(startSimulator({ devices: [{ instance: 1, units: "furlongs" }] }), /unrecognized key/i);
  });
});
