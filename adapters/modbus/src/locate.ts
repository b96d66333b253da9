/**
 * A point located on the wire: which registers (or bits) hold it and how its value is coded there. Plain register
 * addresses are decoded by the point's type (or the address's `format`); SunSpec points by their model definition.
 */
import type { DataType, PointRef, RawValue } from "gridhub/hub";
import type { DeviceAddress, RegisterAddress, RegisterTable } from "./address.ts";
import {
  CodecError, decodeByte, decodeNumber, decodeString, encodeByte, encodeNumber, encodeString, formatWords, testBit, withBit,
  type RegisterFormat, type WordLayout,
} from "./codec.ts";
import { ModbusError } from "./errors.ts";
import { applyScale, decodeSunSpec, encodeSunSpec, writable as sunspecWritable, type SunSpecPoint } from "./sunspec/points.ts";

export interface Located {
  ref: PointRef;
  label: string;
  table: RegisterTable;
  start: number;
  /** registers, or bits for coils and discrete inputs */
  count: number;
  /** a scale-factor register: value = raw * 10^sf */
  sfAt?: { table: "holding" | "input"; register: number };
  writable: true | string;
  /** writing needs the register's current content (one bit or byte of it changes) */
  readModifyWrite: boolean;
  decode(data: number[] | boolean[], sf?: number): RawValue;
  encode(value: RawValue, sf: number | undefined, current: number[] | undefined): number[] | boolean[];
}

const widthFormat: Record<number, RegisterFormat> = { 1: "uint16", 2: "uint32", 4: "uint64" };

const config = (ref: PointRef, msg: string) => new ModbusError("CONFIG", `${ref.point}: ${msg}`, false);

function formatFor(ref: PointRef, a: RegisterAddress): RegisterFormat {
  if (a.format) return a.format;
  const t: DataType = ref.type;
  if (t === "string") return "string";
  if (t === "enum" || t === "bitfield" || t === "bool") {
    const f = widthFormat[a.count ?? 1];
    if (!f) throw config(ref, `a ${t} point spans 1, 2 or 4 registers, not ${a.count}`);
    return f;
  }
  if (t === "int8" || t === "uint8") return "uint16";
  return t;
}

function numeric(v: RawValue): number {
  const n = typeof v === "boolean" ? Number(v) : typeof v === "number" ? v : Number.NaN;
  if (!Number.isFinite(n)) throw new CodecError(`${JSON.stringify(v)} is not a number`);
  return n;
}

function bitsLocated(ref: PointRef, a: RegisterAddress): Located {
  const asBool = ref.type === "bool";
  return {
    ref, label: `${ref.point} (${a.table} ${a.register})`, table: a.table, start: a.register, count: 1, readModifyWrite: false,
    writable: a.table === "coil" ? true : `${ref.point} is a discrete input, which Modbus cannot write`,
    decode: (data) => (asBool ? Boolean(data[0]) : Number(data[0])),
    encode: (v) => [typeof v === "boolean" ? v : numeric(v) !== 0],
  };
}

export function locateRegister(ref: PointRef, a: RegisterAddress, device: DeviceAddress): Located {
  if (a.table === "coil" || a.table === "discrete") return bitsLocated(ref, a);
  const layout: WordLayout = { wordOrder: a.wordOrder ?? device.wordOrder, byteOrder: a.byteOrder ?? device.byteOrder };
  const format = formatFor(ref, a);
  let count: number;
  if (format === "string") {
    if (!a.count) throw config(ref, "a string point needs count (registers)");
    count = a.count;
  } else {
    count = formatWords[format];
    if (a.count !== undefined && a.count !== count) throw config(ref, `count ${a.count} does not match ${format}, which takes ${count} register(s)`);
  }
  const label = `${ref.point} (${a.table} ${a.register})`;
  const byte = ref.type === "int8" || ref.type === "uint8" ? (a.byte ?? "low") : undefined;
  const bit = a.bit;
  if (a.sf && (format === "string" || ref.type === "bool")) throw config(ref, "sf applies to numeric points only");
  if (bit !== undefined && (format === "string" || format.startsWith("float") || bit >= count * 16)) {
    throw config(ref, `bit ${bit} does not fit a ${format} register value`);
  }
  const intFormat = format !== "string" && !format.startsWith("float");
  return {
    ref, label, table: a.table, start: a.register, count,
    ...(a.sf ? { sfAt: { table: a.sf.table, register: a.sf.register } } : {}),
    writable: a.table === "holding" ? true : `${ref.point} is an input register, which Modbus cannot write`,
    readModifyWrite: bit !== undefined || byte !== undefined,
    decode(words, sf) {
      const w = words as number[];
      if (format === "string") return decodeString(w, layout);
      if (byte) return decodeByte(w[0], byte, ref.type === "int8");
      const n = decodeNumber(w, format, layout);
      if (bit !== undefined) return testBit(n, bit);
      if (ref.type === "bool") return n !== 0;
      return sf === undefined ? n : applyScale(n, sf);
    },
    encode(v, sf, current) {
      if (format === "string") return encodeString(String(v), count, layout);
      if (byte) return [encodeByte(current![0], byte, numeric(v), ref.type === "int8")];
      if (bit !== undefined) {
        return encodeNumber(withBit(decodeNumber(current!, format, layout), bit, numeric(v) !== 0), format, layout);
      }
      let n = numeric(v);
      if (sf !== undefined) n = sf >= 0 ? n / 10 ** sf : n * 10 ** -sf;
      return encodeNumber(intFormat ? Math.round(n) : n, format, layout);
    },
  };
}

export function locateSunSpec(ref: PointRef, p: SunSpecPoint, bit: number | undefined): Located {
  if (bit !== undefined && !p.layout.type.startsWith("bitfield")) {
    throw config(ref, `bit applies to bitfield points; ${p.label} is ${p.layout.type}`);
  }
  return {
    ref, label: p.label, table: "holding", start: p.start, count: p.layout.size,
    ...(p.sfAt !== undefined ? { sfAt: { table: "holding" as const, register: p.sfAt } } : {}),
    writable: bit !== undefined ? `${p.label}: single bits of a SunSpec bitfield are not written` : sunspecWritable(p),
    readModifyWrite: false,
    decode: (words, sf) => decodeSunSpec(p, words as number[], sf, bit),
    encode: (v, sf) => encodeSunSpec(p, v as number | string | boolean, sf),
  };
}
