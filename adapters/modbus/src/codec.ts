/**
 * Register words <-> values. A value spanning several 16-bit registers is assembled in the device's word order
 * (big: most significant word first, the Modbus/SunSpec convention) and byte order within each word.
 */

export const registerFormats = ["int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "string"] as const;
export type RegisterFormat = (typeof registerFormats)[number];
export type Order = "big" | "little";

export interface WordLayout {
  wordOrder: Order;
  byteOrder: Order;
}

export const formatWords: Record<Exclude<RegisterFormat, "string">, number> = {
  int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, int64: 4, uint64: 4, float64: 4,
};

export class CodecError extends RangeError {}

function toBuffer(words: number[], layout: WordLayout): Buffer {
  const ordered = layout.wordOrder === "little" ? [...words].reverse() : words;
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => {
    if (layout.byteOrder === "big") buf.writeUInt16BE(w, i * 2);
    else buf.writeUInt16LE(w, i * 2);
  });
  return buf;
}

function toWords(buf: Buffer, layout: WordLayout): number[] {
  const words = Array.from({ length: buf.length / 2 }, (_, i) => (layout.byteOrder === "big" ? buf.readUInt16BE(i * 2) : buf.readUInt16LE(i * 2)));
  return layout.wordOrder === "little" ? words.reverse() : words;
}

function safe(v: bigint, format: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new CodecError(`${format} value ${v} does not fit a JavaScript number without losing precision`);
  return n;
}

export function decodeNumber(words: number[], format: Exclude<RegisterFormat, "string">, layout: WordLayout): number {
  const need = formatWords[format];
  if (words.length !== need) throw new CodecError(`${format} needs ${need} register(s), got ${words.length}`);
  const b = toBuffer(words, layout);
  switch (format) {
    case "int16": return b.readInt16BE(0);
    case "uint16": return b.readUInt16BE(0);
    case "int32": return b.readInt32BE(0);
    case "uint32": return b.readUInt32BE(0);
    case "float32": return b.readFloatBE(0);
    case "float64": return b.readDoubleBE(0);
    case "int64": return safe(b.readBigInt64BE(0), format);
    case "uint64": return safe(b.readBigUInt64BE(0), format);
  }
}

const intRanges: Partial<Record<RegisterFormat, [number, number]>> = {
  int16: [-0x8000, 0x7fff], uint16: [0, 0xffff], int32: [-0x80000000, 0x7fffffff], uint32: [0, 0xffffffff],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};

export function encodeNumber(value: number, format: Exclude<RegisterFormat, "string">, layout: WordLayout): number[] {
  if (!Number.isFinite(value)) throw new CodecError(`${value} is not a finite number`);
  const range = intRanges[format];
  if (range) {
    if (!Number.isInteger(value)) throw new CodecError(`${value} is not an integer, as ${format} needs`);
    if (value < range[0] || value > range[1]) throw new CodecError(`${value} is outside the ${format} range [${range[0]}, ${range[1]}]`);
  }
  const b = Buffer.alloc(formatWords[format] * 2);
  switch (format) {
    case "int16": b.writeInt16BE(value); break;
    case "uint16": b.writeUInt16BE(value); break;
    case "int32": b.writeInt32BE(value); break;
    case "uint32": b.writeUInt32BE(value); break;
    case "float32": b.writeFloatBE(value); break;
    case "float64": b.writeDoubleBE(value); break;
    case "int64": b.writeBigInt64BE(BigInt(value)); break;
    case "uint64": b.writeBigUInt64BE(BigInt(value)); break;
  }
  return toWords(b, layout);
}

/** Strings are packed two characters per register and padded with NULs (trailing NULs and spaces are dropped). */
export function decodeString(words: number[], layout: WordLayout): string {
  const b = toBuffer(words, layout);
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString("utf8").replace(/\s+$/, "");
}

export function encodeString(value: string, registers: number, layout: WordLayout): number[] {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > registers * 2) throw new CodecError(`"${value}" takes ${bytes.length} bytes, the point holds ${registers * 2}`);
  const b = Buffer.alloc(registers * 2);
  bytes.copy(b);
  return toWords(b, layout);
}

/** One byte of a register: high is the first byte on the wire. */
export function decodeByte(word: number, which: "high" | "low", signed: boolean): number {
  const v = which === "high" ? word >> 8 : word & 0xff;
  return signed && v > 0x7f ? v - 0x100 : v;
}

export function encodeByte(word: number, which: "high" | "low", value: number, signed: boolean): number {
  const [lo, hi] = signed ? [-0x80, 0x7f] : [0, 0xff];
  if (!Number.isInteger(value) || value < lo || value > hi) throw new CodecError(`${value} is outside the ${signed ? "int8" : "uint8"} range [${lo}, ${hi}]`);
  const b = value & 0xff;
  return which === "high" ? (b << 8) | (word & 0xff) : (word & 0xff00) | b;
}

/** Bit n (0 = least significant) of an unsigned value of up to 64 bits. */
export function testBit(value: number, bit: number): boolean {
  return ((BigInt(value) >> BigInt(bit)) & 1n) === 1n;
}

export function withBit(value: number, bit: number, on: boolean): number {
  const mask = 1n << BigInt(bit);
  return Number(on ? BigInt(value) | mask : BigInt(value) & ~mask);
}
