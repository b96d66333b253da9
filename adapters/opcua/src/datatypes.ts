/**
 * Raw point values <-> OPC UA Variants. Writes use the node's own built-in DataType (read once per session), so
 * a table's `float32` point on a Double node still writes a Double; the point's type says how the value reads.
 */
import { coerceInt64, DataType, Variant, VariantArrayType, type LocalizedText } from "node-opcua";
import { AdapterError, type DataType as PointType, type RawValue } from "gridhub/hub";

/** What a point type is written as when the node's DataType is abstract (BaseDataType, Number, ...). */
const preferred: Record<PointType, DataType> = {
  bool: DataType.Boolean, int8: DataType.SByte, uint8: DataType.Byte, int16: DataType.Int16, uint16: DataType.UInt16,
  int32: DataType.Int32, uint32: DataType.UInt32, int64: DataType.Int64, uint64: DataType.UInt64,
  float32: DataType.Float, float64: DataType.Double, string: DataType.String, enum: DataType.Int32, bitfield: DataType.UInt32,
};

const integerRange: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127], [DataType.Byte]: [0, 255], [DataType.Int16]: [-32768, 32767], [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647], [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [DataType.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};
const FLOAT_MAX = 3.4028234663852886e38;

/** Built-in types a value can be written as; anything else falls back to the point type's preferred one. */
const writable = new Set<DataType>([DataType.Boolean, DataType.String, DataType.LocalizedText, DataType.Float, DataType.Double,
  ...(Object.keys(integerRange).map(Number) as DataType[])]);

export function wireType(pointType: PointType, nodeType?: DataType): DataType {
  return nodeType !== undefined && writable.has(nodeType) ? nodeType : preferred[pointType];
}

/** A point type that reads a node of this built-in type naturally (for browse suggestions). */
export function pointTypeOf(nodeType: DataType): PointType | undefined {
  const hit = (Object.entries(preferred) as [PointType, DataType][]).find(([t, d]) => d === nodeType && t !== "enum" && t !== "bitfield");
  if (hit) return hit[0];
  return nodeType === DataType.LocalizedText || nodeType === DataType.DateTime ? "string" : undefined;
}

function refuse(subject: string, message: string): AdapterError {
  return new AdapterError("OUT_OF_RANGE", `${subject}: ${message}`);
}

/** Raw value -> Variant of the node's type; refuses what the type cannot hold instead of letting it wrap. */
export function toVariant(subject: string, pointType: PointType, nodeType: DataType | undefined, raw: RawValue): Variant {
  if (raw === null) throw new AdapterError("UNSUPPORTED", `${subject}: OPC UA has no relinquish; null cannot be written`);
  const dataType = wireType(pointType, nodeType);
  if (dataType === DataType.Boolean) {
    if (typeof raw !== "boolean") throw refuse(subject, `a Boolean node takes true or false, not ${JSON.stringify(raw)}`);
    return new Variant({ dataType, value: raw });
  }
  if (dataType === DataType.String || dataType === DataType.LocalizedText) {
    if (typeof raw !== "string") throw refuse(subject, `a ${DataType[dataType]} node takes text, not ${JSON.stringify(raw)}`);
    return new Variant({ dataType, value: dataType === DataType.String ? raw : { text: raw } });
  }
  if (typeof raw !== "number" || !Number.isFinite(raw)) throw refuse(subject, `a ${DataType[dataType]} node takes a finite number, not ${JSON.stringify(raw)}`);
  if (dataType === DataType.Float && Math.abs(raw) > FLOAT_MAX) throw refuse(subject, `${raw} does not fit a Float`);
  const range = integerRange[dataType];
  if (range) {
    if (!Number.isInteger(raw)) throw refuse(subject, `${raw} is not an integer (node type ${DataType[dataType]})`);
    if (raw < range[0] || raw > range[1]) throw refuse(subject, `${raw} does not fit a ${DataType[dataType]}`);
    if (dataType === DataType.Int64 || dataType === DataType.UInt64) return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: coerceInt64(String(raw)) });
  }
  return new Variant({ dataType, value: raw });
}

/** node-opcua carries 64-bit integers as [high, low] 32-bit words. */
function fromWords(subject: string, [high, low]: [number, number], signed: boolean): number {
  let big = (BigInt(high) << 32n) | BigInt(low);
  if (signed && high >= 0x80000000) big -= 1n << 64n;
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AdapterError("OUT_OF_RANGE", `${subject}: 64-bit value ${big} is beyond JavaScript's exact integers`);
  }
  return Number(big);
}

function asText(v: Variant): string | undefined {
  switch (v.dataType) {
    case DataType.String: return v.value as string;
    case DataType.LocalizedText: return (v.value as LocalizedText | null)?.text ?? "";
    case DataType.DateTime: return (v.value as Date).toISOString();
    case DataType.NodeId: case DataType.Guid: case DataType.QualifiedName: return String(v.value);
    default: return undefined;
  }
}

/** Variant -> raw value for the point's type. */
export function fromVariant(subject: string, pointType: PointType, v: Variant | null | undefined): RawValue {
  if (!v || v.dataType === DataType.Null || v.value === null || v.value === undefined) return null;
  if (v.arrayType !== VariantArrayType.Scalar) {
    throw new AdapterError("UNSUPPORTED", `${subject}: the node holds an array; points address scalar values`);
  }
  let n: number | undefined;
  if (v.dataType === DataType.Int64 || v.dataType === DataType.UInt64) {
    n = fromWords(subject, v.value as [number, number], v.dataType === DataType.Int64);
  } else if (typeof v.value === "number") {
    n = v.value;
  }
  if (pointType === "bool") {
    if (typeof v.value === "boolean") return v.value;
    if (n !== undefined) return n !== 0;
  } else if (pointType === "string") {
    if (typeof v.value === "boolean" || n !== undefined) return String(n ?? v.value);
    const text = asText(v);
    if (text !== undefined) return text;
  } else {
    if (n !== undefined) return n;
    if (typeof v.value === "boolean") return v.value ? 1 : 0;
  }
  throw new AdapterError("PROTOCOL_REJECT", `${subject}: a ${DataType[v.dataType]} value cannot be read as a ${pointType} point`);
}
