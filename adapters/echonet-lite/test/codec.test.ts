import { strict as assert } from "node:assert";
import { ESV } from "../src/protocol/constants.ts";
import { decodeInstanceList, decodePropertyMap, decodeValue, EdtError, encodeInstanceList, encodePropertyMap, encodeValue } from "../src/protocol/edt.ts";
import { decodeFrame, encodeFrame, FrameError, formatEoj, parseEoj, type Frame } from "../src/protocol/frame.ts";
import { decodePoint, encodePoint, unwritable } from "../src/point-codec.ts";
import { PointAddress } from "../src/config.ts";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

describe("ECHONET Lite frame codec", () => {
  it("decodes a Get request as sent on the wire", () => {
    const f = decodeFrame(hex("1081 0001 05FF01 027D01 62 02 E4 00 DA 00"));
    assert.deepEqual(f, {
      tid: 1, seoj: 0x05ff01, deoj: 0x027d01, esv: ESV.Get,
      props: [{ epc: 0xe4, edt: Buffer.alloc(0) }, { epc: 0xda, edt: Buffer.alloc(0) }],
    });
  });

  it("round-trips a Get_Res with values and a SetGet with its second block", () => {
    const res: Frame = { tid: 0xabcd, seoj: 0x027d01, deoj: 0x05ff01, esv: ESV.Get_Res, props: [{ epc: 0xe4, edt: hex("32") }, { epc: 0xd3, edt: hex("FFFFF830") }] };
    assert.equal(encodeFrame(res).toString("hex"), "1081abcd027d0105ff017202e40132d304fffff830");
    assert.deepEqual(decodeFrame(encodeFrame(res)), res);
    const sg: Frame = { tid: 2, seoj: 0x05ff01, deoj: 0x027d01, esv: ESV.SetGet, props: [{ epc: 0xda, edt: hex("43") }], getProps: [{ epc: 0xe4, edt: Buffer.alloc(0) }] };
    assert.equal(encodeFrame(sg).toString("hex"), "10810002" + "05ff01" + "027d01" + "6e" + "01da0143" + "01e400");
    assert.deepEqual(decodeFrame(encodeFrame(sg)), sg);
  });

  it("refuses truncated frames, a wrong EHD, PDC mismatches, unknown ESVs and empty requests", () => {
    const bad: [string, RegExp][] = [
      ["1081 0001 05FF01", /truncated: 7 bytes/],
      ["1082 0001 05FF01 027D01 62 01 E4 00", /EHD 0x1082/],
      ["1081 0001 05FF01 027D01 72 01 E4 02 32", /EPC 0xE4 declares PDC 2, only 1 bytes remain/],
      ["1081 0001 05FF01 027D01 72 01 E4 01 32 33", /PDC mismatch: 1 bytes left/],
      ["1081 0001 05FF01 027D01 72 02 E4 01 32", /property 2 has no EPC\/PDC/],
      ["1081 0001 05FF01 027D01 99 01 E4 00", /unknown ESV 0x99/],
      ["1081 0001 05FF01 027D01 62 00", /OPC 0/],
      ["1081 0001 05FF01 027D01 6E 01 DA 01 43", /no OPCGet byte/],
    ];
    for (const [frame, why] of bad) assert.throws(() => decodeFrame(hex(frame)), (e: Error) => e instanceof FrameError && why.test(e.message), frame);
  });

  it("refuses to encode what does not fit the format", () => {
    const base: Frame = { tid: 1, seoj: 0x05ff01, deoj: 0x027d01, esv: ESV.Get, props: [{ epc: 0xe4, edt: Buffer.alloc(0) }] };
    assert.throws(() => encodeFrame({ ...base, tid: 0x10000 }), /TID/);
    assert.throws(() => encodeFrame({ ...base, deoj: 0x1000000 }), /EOJ/);
    assert.throws(() => encodeFrame({ ...base, props: [] }), /1..255 properties/);
    assert.throws(() => encodeFrame({ ...base, props: [{ epc: 0xe4, edt: Buffer.alloc(256) }] }), /exceeds PDC 255/);
  });

  it("parses and formats EOJs", () => {
    assert.equal(parseEoj("0x027D01"), 0x027d01);
    assert.equal(parseEoj("0ef001"), 0x0ef001);
    assert.equal(formatEoj(0x028801), "0x028801");
    assert.throws(() => parseEoj("0x27D01"), /3 bytes/);
  });
});

describe("EDT encodings", () => {
  it("decodes a 64-EPC property map bitmap as a real storage battery sends it", () => {
    // Get_Res EDT of 0x9F from a storage battery (0x027D) behind a HEMS gateway, published on jinkouki.net
    const epcs = decodePropertyMap(hex("40 A595D5A7C4C4C5869795A7E471339392"));
    assert.equal(epcs.length, 64);
    for (const epc of [0x80, 0x88, 0x9d, 0x9e, 0x9f, 0xda, 0xd3, 0xe4, 0xeb, 0xec, 0xcf]) assert.ok(epcs.includes(epc), `0x${epc.toString(16)}`);
    assert.deepEqual(encodePropertyMap(epcs), hex("40 A595D5A7C4C4C5869795A7E471339392"));
  });

  it("uses the list form below 16 EPCs and checks counts", () => {
    assert.deepEqual(encodePropertyMap([0x9f, 0x80, 0x9e, 0x80]), hex("03 80 9E 9F"));
    assert.deepEqual(decodePropertyMap(hex("08 9E 9F 9D 81 82 8A 80 88")), [0x9e, 0x9f, 0x9d, 0x81, 0x82, 0x8a, 0x80, 0x88]);
    assert.throws(() => decodePropertyMap(hex("03 80 81")), /lists 3 EPCs in 2 bytes/);
    assert.throws(() => decodePropertyMap(hex("20 A595")), /16-byte bitmap/);
    assert.throws(() => decodePropertyMap(hex("11 A595D5A7C4C4C5869795A7E471339392")), /says 17 EPCs, its bitmap holds 64/);
  });

  it("encodes instance lists and refuses inconsistent ones", () => {
    assert.deepEqual(encodeInstanceList([0x027d01, 0x027901]), hex("02 027D01 027901"));
    assert.deepEqual(decodeInstanceList(hex("02 027D01 027901")), [0x027d01, 0x027901]);
    assert.throws(() => decodeInstanceList(hex("03 027D01 027901")), /says 3 EOJs/);
  });

  it("encodes values big-endian and refuses what does not fit", () => {
    assert.deepEqual(encodeValue("int32", -2000), hex("FFFFF830"));
    assert.equal(decodeValue("int32", hex("FFFFF830")), -2000);
    assert.equal(decodeValue("uint32", hex("FFFFFFFE")), 0xfffffffe);
    assert.deepEqual(encodeValue("enum", 0x43), hex("43"));
    assert.deepEqual(encodeValue("string", "AB", 4), hex("41420000"));
    assert.equal(decodeValue("string", hex("41420000")), "AB");
    assert.deepEqual(encodeValue("bool", true), hex("41"));
    assert.equal(decodeValue("bool", hex("30"), { trueCode: 0x30, falseCode: 0x31 }), true);
    assert.throws(() => encodeValue("uint8", 256), /does not fit a 1-byte uint8/);
    assert.throws(() => encodeValue("uint16", 1.5), /integer/);
    assert.throws(() => encodeValue("string", "é"), /ASCII/);
    assert.throws(() => decodeValue("bool", hex("00")), EdtError);
    assert.throws(() => decodeValue("uint16", hex("00")), /2 bytes, got 1/);
  });
});

describe("point codec", () => {
  const addr = (a: unknown) => PointAddress.parse(a);

  it("reads whole EDTs, fields at an offset, and no-data codes", () => {
    assert.deepEqual(decodePoint(addr({ epc: 0xe4 }), "uint8", hex("32")), { value: 50, noData: false });
    assert.deepEqual(decodePoint(addr({ epc: 0xc8, offset: 4 }), "uint32", hex("00000000 00000BB8")), { value: 3000, noData: false });
    assert.deepEqual(decodePoint(addr({ epc: 0xe8, offset: 2, noData: [0x7ffe] }), "int16", hex("FEE8 7FFE")), { value: null, noData: true });
    assert.throws(() => decodePoint(addr({ epc: 0xe4 }), "uint8", hex("3232")), /expected 1 bytes, the device sent 2/);
    assert.throws(() => decodePoint(addr({ epc: 0xc8, offset: 6 }), "uint32", hex("0000000000000BB8")), /beyond the 8-byte EDT/);
  });

  it("applies a multiplier and reads a series as JSON", () => {
    assert.deepEqual(decodePoint(addr({ epc: 0xe0, multiplier: { unitEpc: 0xe1 } }), "uint32", hex("00003039"), 0.1), { value: 1234.5, noData: false });
    const e2 = hex("0001 00003039 FFFFFFFE 0000303A");
    const r = decodePoint(addr({ epc: 0xe2, series: { offset: 2, size: 4, count: 3 }, noData: [0xfffffffe] }), "string", e2, 0.1);
    assert.deepEqual(JSON.parse(r.value as string), [1234.5, null, 1234.6]);
  });

  it("knows which addresses cannot be written", () => {
    assert.equal(unwritable(addr({ epc: 0xda })), undefined);
    assert.match(unwritable(addr({ epc: 0xc8, offset: 4 }))!, /field/);
    assert.match(unwritable(addr({ epc: 0xe0, multiplier: { unitEpc: 0xe1 } }))!, /read-only/);
    assert.deepEqual(encodePoint(addr({ epc: 0x88, trueCode: 0x41, falseCode: 0x42 }), "bool", false), hex("42"));
  });

  it("validates point addresses", () => {
    assert.equal(PointAddress.safeParse({ epc: 0x7f }).success, false);
    assert.equal(PointAddress.safeParse({ epc: 0xe4, register: 3 }).success, false);
    assert.equal(PointAddress.safeParse({ epc: 0xe2, offset: 0, series: { offset: 2, size: 4, count: 48 } }).success, false);
    assert.equal(PointAddress.safeParse({ epc: 0xe0, multiplier: {} }).success, false);
  });
});
