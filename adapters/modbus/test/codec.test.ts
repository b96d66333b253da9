import { strict as assert } from "node:assert";
import {
  CodecError, decodeByte, decodeNumber, decodeString, encodeByte, encodeNumber, encodeString, testBit, withBit, type WordLayout,
} from "../src/codec.ts";

const BB: WordLayout = { wordOrder: "big", byteOrder: "big" };
const LB: WordLayout = { wordOrder: "little", byteOrder: "big" };
const BL: WordLayout = { wordOrder: "big", byteOrder: "little" };
const LL: WordLayout = { wordOrder: "little", byteOrder: "little" };

describe("codec: register words <-> values", () => {
  it("float32 1.5 (0x3FC00000) in the four word/byte orders", () => {
    assert.deepEqual(encodeNumber(1.5, "float32", BB), [0x3fc0, 0x0000]);
    assert.deepEqual(encodeNumber(1.5, "float32", LB), [0x0000, 0x3fc0]);
    assert.deepEqual(encodeNumber(1.5, "float32", BL), [0xc03f, 0x0000]);
    assert.deepEqual(encodeNumber(1.5, "float32", LL), [0x0000, 0xc03f]);
    for (const l of [BB, LB, BL, LL]) assert.equal(decodeNumber(encodeNumber(1.5, "float32", l), "float32", l), 1.5);
  });

  it("int32 and uint32 keep their sign and order", () => {
    assert.deepEqual(encodeNumber(0x12345678, "uint32", BB), [0x1234, 0x5678]);
    assert.deepEqual(encodeNumber(0x12345678, "uint32", LB), [0x5678, 0x1234]);
    assert.equal(decodeNumber([0xffff, 0xfffe], "int32", BB), -2);
    assert.equal(decodeNumber([0xfffe, 0xffff], "int32", LB), -2);
    assert.equal(decodeNumber([0xffff, 0xfffe], "uint32", BB), 0xfffffffe);
  });

  it("int64 across four registers, with the word order reversed as a whole", () => {
    const v = -1234567890123;
    const big = encodeNumber(v, "int64", BB);
    assert.equal(big.length, 4);
    assert.deepEqual(encodeNumber(v, "int64", LB), [...big].reverse());
    assert.equal(decodeNumber(big, "int64", BB), v);
    assert.equal(decodeNumber([...big].reverse(), "int64", LB), v);
  });

  it("refuses 64-bit values that a JavaScript number cannot hold exactly", () => {
    assert.throws(() => decodeNumber([0xffff, 0xffff, 0xffff, 0xffff], "uint64", BB), CodecError);
  });

  it("int16/uint16 and byte order within a word", () => {
    assert.equal(decodeNumber([0xff38], "int16", BB), -200);
    assert.equal(decodeNumber([0x38ff], "int16", BL), -200);
    assert.deepEqual(encodeNumber(0x1234, "uint16", BL), [0x3412]);
  });

  it("refuses values outside the format or not integral", () => {
    assert.throws(() => encodeNumber(70000, "uint16", BB), /outside the uint16 range/);
    assert.throws(() => encodeNumber(-1, "uint32", BB), /outside the uint32 range/);
    assert.throws(() => encodeNumber(1.5, "int16", BB), /not an integer/);
    assert.throws(() => encodeNumber(Number.NaN, "float32", BB), /not a finite number/);
  });

  it("strings: two characters per register, NUL padded, too long refused", () => {
    assert.deepEqual(encodeString("ABC", 3, BB), [0x4142, 0x4300, 0x0000]);
    assert.equal(decodeString([0x4142, 0x4300, 0x0000], BB), "ABC");
    assert.equal(decodeString([0x4241, 0x0043], BL), "ABC");
    assert.throws(() => encodeString("ABCDE", 2, BB), /takes 5 bytes, the point holds 4/);
  });

  it("bytes and bits of a register", () => {
    assert.equal(decodeByte(0x12fe, "high", false), 0x12);
    assert.equal(decodeByte(0x12fe, "low", true), -2);
    assert.equal(encodeByte(0x1234, "low", -1, true), 0x12ff);
    assert.equal(encodeByte(0x1234, "high", 0xab, false), 0xab34);
    assert.throws(() => encodeByte(0, "low", 300, false), /outside the uint8 range/);
    assert.equal(testBit(0b1000, 3), true);
    assert.equal(testBit(0b1000, 2), false);
    assert.equal(withBit(0b1000, 0, true), 0b1001);
    assert.equal(withBit(0xffffffff, 31, false), 0x7fffffff);
  });
});
