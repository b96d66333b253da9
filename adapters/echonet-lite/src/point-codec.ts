/** Point values <-> EDT bytes, per a mapping-table point address and the point's type. */
import type { DataType, RawValue } from "gridhub/hub";
import type { PointAddress } from "./config.ts";
import { decodeValue, DEFAULT_CODES, EdtError, encodeValue, widthOf, type Codes } from "./protocol/edt.ts";

export interface Decoded {
  value: RawValue;
  /** the device reported its "no data" code */
  noData: boolean;
}

function codes(a: PointAddress): Codes {
  return { trueCode: a.trueCode ?? DEFAULT_CODES.trueCode, falseCode: a.falseCode ?? DEFAULT_CODES.falseCode };
}

const scaled = (v: number, multiplier: number) => (multiplier === 1 ? v : Number((v * multiplier).toPrecision(12)));

function decodeSeries(a: PointAddress, edt: Buffer, multiplier: number): Decoded {
  const { offset, size, count } = a.series!;
  if (edt.length < offset + size * count) throw new EdtError(`a series of ${count}×${size} bytes at offset ${offset} needs ${offset + size * count} bytes, got ${edt.length}`);
  const values = Array.from({ length: count }, (_, i) => {
    const v = edt.readUIntBE(offset + i * size, size);
    return a.noData?.includes(v) ? null : scaled(v, multiplier);
  });
  return { value: JSON.stringify(values), noData: false };
}

/** EDT -> raw value. `multiplier` is the product of the object's coefficient and unit when the address asks for it. */
export function decodePoint(a: PointAddress, type: DataType, edt: Buffer, multiplier = 1): Decoded {
  if (a.series) {
    if (type !== "string") throw new EdtError(`a series is read as a JSON array text: give the point type string, not ${type}`);
    return decodeSeries(a, edt, multiplier);
  }
  let field = edt;
  if (a.offset !== undefined) {
    const width = widthOf(type, a.size);
    if (width === undefined) throw new EdtError(`a ${type} field at offset ${a.offset} needs a size`);
    if (edt.length < a.offset + width) throw new EdtError(`field of ${width} bytes at offset ${a.offset} lies beyond the ${edt.length}-byte EDT`);
    field = edt.subarray(a.offset, a.offset + width);
  } else {
    const width = widthOf(type, a.size);
    if (width !== undefined && edt.length !== width) throw new EdtError(`expected ${width} bytes, the device sent ${edt.length}`);
  }
  const value = decodeValue(type, field, codes(a));
  if (typeof value === "number" && a.noData?.includes(value)) return { value: null, noData: true };
  return { value: typeof value === "number" ? scaled(value, multiplier) : value, noData: false };
}

/** Why a point cannot be written, or undefined when it can. */
export function unwritable(a: PointAddress): string | undefined {
  if (a.series) return "a series is read-only";
  if (a.offset !== undefined) return "a field inside an EDT cannot be written alone";
  if (a.multiplier) return "a value scaled by the device's unit/coefficient is read-only";
  return undefined;
}

export function encodePoint(a: PointAddress, type: DataType, value: RawValue): Buffer {
  return encodeValue(type, value, a.size, codes(a));
}
