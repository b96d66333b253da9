/**
 * Raw values at the adapter door <-> BACnet application data. Reads decode whatever datatype the device sent
 * into the point's raw type; writes pick the datatype the standard gives the property (present-value of an
 * analog object is REAL, of a binary object ENUMERATED, of a multi-state object Unsigned), else the point's type.
 */
import { AdapterError, type DataType, type RawValue } from "gridhub/hub";
import { ApplicationTag as T, ObjectType as O, PropertyIdentifier as P, type BACNetAppData } from "./lib.ts";
import { formatObjectId } from "./names.ts";

const analog = new Set<number>([O.ANALOG_INPUT, O.ANALOG_OUTPUT, O.ANALOG_VALUE]);
const binary = new Set<number>([O.BINARY_INPUT, O.BINARY_OUTPUT, O.BINARY_VALUE, O.BINARY_LIGHTING_OUTPUT]);
const multiState = new Set<number>([O.MULTI_STATE_INPUT, O.MULTI_STATE_OUTPUT, O.MULTI_STATE_VALUE]);
/** properties whose datatype is the object's present-value datatype */
const valueLike = new Set<number>([P.PRESENT_VALUE, P.RELINQUISH_DEFAULT, P.PRIORITY_ARRAY]);

function bitsToNumber(bits: { bitsUsed: number; value: number[] }): number {
  let n = 0;
  for (let i = 0; i < bits.bitsUsed && i < 31; i++) if ((bits.value[i >> 3] >> (i & 7)) & 1) n |= 1 << i;
  return n;
}

/** The shortest decimal that is the same single-precision number: REAL 23.2 reads as 23.2, not 23.200000762939453. */
function shortestFloat32(v: number): number {
  for (let p = 1; p < 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

/** One application value as a plain JS value; undefined for datatypes a point cannot carry. */
function plain(d: BACNetAppData): RawValue | undefined {
  switch (d.type) {
    case T.NULL: return null;
    case T.BOOLEAN: return Boolean(d.value);
    case T.REAL: return typeof d.value === "number" ? shortestFloat32(d.value) : undefined;
    case T.UNSIGNED_INTEGER: case T.SIGNED_INTEGER: case T.DOUBLE: case T.ENUMERATED:
      return typeof d.value === "number" ? d.value : undefined;
    case T.CHARACTER_STRING: return String(d.value);
    case T.OBJECTIDENTIFIER: return formatObjectId(d.value as { type: number; instance: number });
    case T.BIT_STRING: return bitsToNumber(d.value as { bitsUsed: number; value: number[] });
    default: return undefined;
  }
}

export class ValueError extends AdapterError {}

/** Application data read from a property -> the raw value of a point of type `type`. */
export function decodeValue(data: BACNetAppData[], type: DataType): RawValue {
  if (data.length !== 1) {
    throw new ValueError("PROTOCOL_REJECT", `the property holds ${data.length} values; address one element with index`);
  }
  const v = plain(data[0]);
  if (v === undefined) throw new ValueError("PROTOCOL_REJECT", `the device sent datatype ${data[0].type}, which a ${type} point cannot carry`);
  if (v === null) return null;
  if (type === "bool") return typeof v === "boolean" ? v : typeof v === "number" ? v !== 0 : badType(v, type);
  if (type === "string") return String(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number") return badType(v, type);
  return v;
}

function badType(v: RawValue, type: DataType): never {
  throw new ValueError("PROTOCOL_REJECT", `the device sent ${JSON.stringify(v)}, which a ${type} point cannot carry`);
}

const FLOAT32_MAX = 3.4028234663852886e38;
/** the library encodes Signed in at most 32 bits, so int64 points are held to the int32 range */
const intRange: Partial<Record<DataType, [number, number]>> = { int8: [-128, 127], int16: [-32768, 32767] };
const INT32: [number, number] = [-2147483648, 2147483647];

function tagFor(objectType: number, propertyId: number, type: DataType): T {
  if (valueLike.has(propertyId)) {
    if (analog.has(objectType)) return T.REAL;
    if (binary.has(objectType)) return T.ENUMERATED;
    if (multiState.has(objectType)) return T.UNSIGNED_INTEGER;
    if (objectType === O.INTEGER_VALUE) return T.SIGNED_INTEGER;
    if (objectType === O.POSITIVE_INTEGER_VALUE) return T.UNSIGNED_INTEGER;
    if (objectType === O.LARGE_ANALOG_VALUE) return T.DOUBLE;
    if (objectType === O.CHARACTERSTRING_VALUE) return T.CHARACTER_STRING;
  }
  switch (type) {
    case "bool": return T.BOOLEAN;
    case "enum": return T.ENUMERATED;
    case "float32": return T.REAL;
    case "float64": return T.DOUBLE;
    case "string": return T.CHARACTER_STRING;
    case "int8": case "int16": case "int32": case "int64": return T.SIGNED_INTEGER;
    default: return T.UNSIGNED_INTEGER;
  }
}

/** A raw value to write -> application data; refuses what the datatype cannot hold. null writes NULL (relinquish). */
export function encodeValue(objectType: number, propertyId: number, type: DataType, value: RawValue): BACNetAppData[] {
  if (value === null) return [{ type: T.NULL, value: null }];
  const tag = tagFor(objectType, propertyId, type);
  const refuse = (why: string): never => {
    throw new ValueError("OUT_OF_RANGE", `${JSON.stringify(value)} ${why}`);
  };
  if (tag === T.CHARACTER_STRING) return [{ type: tag, value: String(value) }];
  if (tag === T.BOOLEAN) {
    if (typeof value === "boolean") return [{ type: tag, value }];
    return value === 0 || value === 1 ? [{ type: tag, value: value === 1 }] : refuse("is not a boolean");
  }
  const n = typeof value === "boolean" ? (value ? 1 : 0) : typeof value === "number" ? value : refuse("is not a number");
  if (!Number.isFinite(n)) refuse("is not a finite number");
  if (binary.has(objectType) && valueLike.has(propertyId) && n !== 0 && n !== 1) refuse("is not a binary value (0 inactive, 1 active)");
  if (multiState.has(objectType) && valueLike.has(propertyId) && n < 1) refuse("is not a state number (states count from 1)");
  switch (tag) {
    case T.REAL:
      if (Math.abs(n) > FLOAT32_MAX) refuse("does not fit a REAL");
      return [{ type: tag, value: n }];
    case T.DOUBLE:
      return [{ type: tag, value: n }];
    case T.SIGNED_INTEGER: {
      const [lo, hi] = intRange[type] ?? INT32;
      if (!Number.isInteger(n) || n < lo || n > hi) refuse(`is not an integer in [${lo}, ${hi}]`);
      return [{ type: tag, value: n }];
    }
    default:
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) refuse("is not an unsigned 32-bit integer");
      return [{ type: tag, value: n }];
  }
}
