/**
 * EDT (property value) encodings: big-endian integers of fixed width, IEEE floats, ASCII strings, one-byte codes
 * for booleans, and the two list formats of the profile properties (property maps, instance lists).
 */
import type { DataType, RawValue } from "gridhub/hub";
import { INSTANCE_LIST_MAX, PROPERTY_MAP_LIST_MAX } from "./constants.ts";

export class EdtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EdtError";
  }
}

const FIXED: Partial<Record<DataType, number>> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
};
const SIGNED = new Set<DataType>(["int8", "int16", "int32", "int64"]);

export interface Codes {
  /** the byte a `bool` point reads as true (ECHONET's usual 0x41 "yes") */
  trueCode: number;
  falseCode: number;
}
export const DEFAULT_CODES: Codes = { trueCode: 0x41, falseCode: 0x42 };

/** The width of a value: fixed by the type, or `size` for enum/bitfield/string (enum defaults to 1 byte). */
export function widthOf(type: DataType, size?: number): number | undefined {
  const fixed = FIXED[type];
  if (fixed !== undefined) {
    if (size !== undefined && size !== fixed) throw new EdtError(`a ${type} is ${fixed} bytes, the address says size ${size}`);
    return fixed;
  }
  if (type === "enum") return size ?? 1;
  return size;
}

function readInt(buf: Buffer, signed: boolean): number {
  if (buf.length <= 6) return signed ? buf.readIntBE(0, buf.length) : buf.readUIntBE(0, buf.length);
  if (buf.length !== 8) throw new EdtError(`cannot read a ${buf.length}-byte integer`);
  const big = signed ? buf.readBigInt64BE(0) : buf.readBigUInt64BE(0);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) throw new EdtError(`${big} is beyond a safe integer`);
  return Number(big);
}

export function decodeValue(type: DataType, edt: Buffer, codes: Codes = DEFAULT_CODES): RawValue {
  const width = widthOf(type);
  if (width !== undefined && type !== "enum" && edt.length !== width) throw new EdtError(`a ${type} is ${width} bytes, got ${edt.length}`);
  switch (type) {
    case "bool":
      if (edt[0] === codes.trueCode) return true;
      if (edt[0] === codes.falseCode) return false;
      throw new EdtError(`0x${edt[0].toString(16)} is neither the true code 0x${codes.trueCode.toString(16)} nor the false code 0x${codes.falseCode.toString(16)}`);
    case "float32":
      return edt.readFloatBE(0);
    case "float64":
      return edt.readDoubleBE(0);
    case "string":
      if (edt.some((b) => b > 0x7e || (b < 0x20 && b !== 0))) throw new EdtError("not ASCII text");
      return edt.toString("latin1").replace(/[\0 ]+$/, "");
    default:
      if (edt.length === 0 || edt.length > 8 || edt.length === 7) throw new EdtError(`cannot read a ${edt.length}-byte ${type}`);
      return readInt(edt, SIGNED.has(type));
  }
}

function intRange(width: number, signed: boolean): [number, number] {
  if (width >= 7) return signed ? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : [0, Number.MAX_SAFE_INTEGER];
  const span = 2 ** (8 * width);
  return signed ? [-span / 2, span / 2 - 1] : [0, span - 1];
}

/** Raw value -> EDT, refusing values that do not fit (never truncating). */
export function encodeValue(type: DataType, value: RawValue, size?: number, codes: Codes = DEFAULT_CODES): Buffer {
  if (value === null) throw new EdtError("ECHONET Lite has no null value to write");
  if (type === "bool") {
    if (typeof value !== "boolean") throw new EdtError(`a bool point takes true or false, not ${JSON.stringify(value)}`);
    return Buffer.from([value ? codes.trueCode : codes.falseCode]);
  }
  if (type === "string") {
    const text = String(value);
    if (!/^[\x20-\x7e]*$/.test(text)) throw new EdtError(`${JSON.stringify(text)} is not printable ASCII`);
    const out = Buffer.alloc(size ?? text.length);
    if (text.length > out.length) throw new EdtError(`${text.length} characters do not fit ${out.length} bytes`);
    out.write(text, "latin1");
    return out;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) throw new EdtError(`a ${type} takes a number, not ${JSON.stringify(value)}`);
  const width = widthOf(type, size) ?? (value <= 0xff ? 1 : value <= 0xffff ? 2 : 4);
  const out = Buffer.alloc(width);
  if (type === "float32") return (out.writeFloatBE(value, 0), out);
  if (type === "float64") return (out.writeDoubleBE(value, 0), out);
  if (!Number.isInteger(value)) throw new EdtError(`a ${type} takes an integer, not ${value}`);
  const signed = SIGNED.has(type);
  const [lo, hi] = intRange(width, signed);
  if (value < lo || value > hi) throw new EdtError(`${value} does not fit a ${width}-byte ${type} (${lo}..${hi})`);
  if (width <= 6) signed ? out.writeIntBE(value, 0, width) : out.writeUIntBE(value, 0, width);
  else if (width === 8) signed ? out.writeBigInt64BE(BigInt(value)) : out.writeBigUInt64BE(BigInt(value));
  else throw new EdtError(`cannot write a ${width}-byte integer`);
  return out;
}

/** EPCs of a property map (0x9D/0x9E/0x9F): a count, then a list (< 16) or a bitmap where bit b of byte i is EPC 0x80 + i + 0x10·b. */
export function decodePropertyMap(edt: Buffer): number[] {
  if (edt.length === 0) throw new EdtError("empty property map");
  const count = edt[0];
  if (count <= PROPERTY_MAP_LIST_MAX) {
    if (edt.length !== count + 1) throw new EdtError(`property map lists ${count} EPCs in ${edt.length - 1} bytes`);
    return [...edt.subarray(1)];
  }
  if (edt.length !== 17) throw new EdtError(`property map of ${count} EPCs must be a 16-byte bitmap, got ${edt.length - 1} bytes`);
  const epcs: number[] = [];
  for (let bit = 0; bit < 8; bit++) for (let i = 0; i < 16; i++) if (edt[1 + i] & (1 << bit)) epcs.push(0x80 + i + 0x10 * bit);
  if (epcs.length !== count) throw new EdtError(`property map says ${count} EPCs, its bitmap holds ${epcs.length}`);
  return epcs.sort((a, b) => a - b);
}

export function encodePropertyMap(epcs: number[]): Buffer {
  const unique = [...new Set(epcs)].sort((a, b) => a - b);
  if (unique.some((e) => e < 0x80 || e > 0xff)) throw new EdtError("property maps hold EPCs 0x80..0xFF only");
  if (unique.length <= PROPERTY_MAP_LIST_MAX) return Buffer.from([unique.length, ...unique]);
  const out = Buffer.alloc(17);
  out[0] = unique.length;
  for (const e of unique) out[1 + ((e - 0x80) & 0x0f)] |= 1 << ((e - 0x80) >> 4);
  return out;
}

/** EOJs of an instance list (0xD5/0xD6): a count, then 3 bytes per EOJ. */
export function decodeInstanceList(edt: Buffer): number[] {
  if (edt.length === 0) throw new EdtError("empty instance list");
  const count = edt[0];
  if (count > INSTANCE_LIST_MAX) throw new EdtError(`instance list of ${count} exceeds ${INSTANCE_LIST_MAX}`);
  if (edt.length !== 1 + 3 * count) throw new EdtError(`instance list says ${count} EOJs in ${edt.length - 1} bytes`);
  return Array.from({ length: count }, (_, i) => edt.readUIntBE(1 + 3 * i, 3));
}

export function encodeInstanceList(eojs: number[]): Buffer {
  if (eojs.length > INSTANCE_LIST_MAX) throw new EdtError(`an instance list holds at most ${INSTANCE_LIST_MAX} EOJs`);
  const out = Buffer.alloc(1 + 3 * eojs.length);
  out[0] = eojs.length;
  eojs.forEach((e, i) => out.writeUIntBE(e, 1 + 3 * i, 3));
  return out;
}

/** Class list (0xD7): a count, then 2 bytes per class. */
export function encodeClassList(classes: number[]): Buffer {
  const list = classes.slice(0, 8);
  const out = Buffer.alloc(1 + 2 * list.length);
  out[0] = classes.length;
  list.forEach((c, i) => out.writeUInt16BE(c, 1 + 2 * i));
  return out;
}
