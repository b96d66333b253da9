/** SunSpec points on a discovered device: where they sit, and their values with the model's scale factors applied. */
import { CodecError, decodeNumber, decodeString, encodeNumber, encodeString, testBit } from "../codec.ts";
import type { SunSpecAddress } from "../address.ts";
import { ModbusError } from "../errors.ts";
import type { SunSpecMap } from "./discovery.ts";
import { models, notImplemented, numericFormat, type PointLayout } from "./layout.ts";

const BIG = { wordOrder: "big", byteOrder: "big" } as const;

export interface SunSpecPoint {
  label: string;
  layout: PointLayout;
  /** address of the point's first register */
  start: number;
  /** address of its scale-factor register */
  sfAt?: number;
}

export function resolveSunSpec(map: SunSpecMap, a: SunSpecAddress): SunSpecPoint {
  const wanted = Array.isArray(a.model) ? a.model : [a.model];
  for (const id of wanted) {
    const instance = map.models.filter((m) => m.id === id)[a.instance - 1];
    if (!instance) continue;
    const model = models.get(id)!;
    const layout = model.points.get(a.point)!;
    const label = `SunSpec ${id}.${a.point}`;
    if (layout.offset + layout.size > 2 + instance.length) {
      throw new ModbusError("NOT_FOUND", `${label}: the device's model ${id} has ${instance.length} registers, too short for this point`, false);
    }
    const sf = layout.sf ? model.points.get(layout.sf) : undefined;
    return { label, layout, start: instance.start + layout.offset, ...(sf ? { sfAt: instance.start + sf.offset } : {}) };
  }
  const have = [...new Set(map.models.map((m) => m.id))].join(", ");
  const which = a.instance > 1 ? ` (instance ${a.instance})` : "";
  throw new ModbusError("NOT_FOUND", `the device has no SunSpec model ${wanted.join(" or ")}${which}; it has ${have || "none"}`, false);
}

/** The exponent in a scale-factor register (an int16); SunSpec keeps them within -10..10. */
export function exponent(word: number, label: string): number {
  const sf = decodeNumber([word], "int16", BIG);
  if (word === 0x8000 || sf < -10 || sf > 10) {
    throw new ModbusError("PROTOCOL_REJECT", `${label}: its scale factor is ${word === 0x8000 ? "not implemented" : sf}`, false);
  }
  return sf;
}

/** value * 10^sf without binary noise (0.1 * 3 = 0.30000000000000004) */
export function applyScale(v: number, sf: number): number {
  return sf >= 0 ? v * 10 ** sf : Number((v / 10 ** -sf).toFixed(-sf));
}

export function decodeSunSpec(p: SunSpecPoint, words: number[], sf?: number, bit?: number): number | string | boolean {
  const { type } = p.layout;
  if (notImplemented(type, words)) throw new ModbusError("NOT_FOUND", `${p.label} is not implemented by the device`, false);
  if (type === "string") return decodeString(words, BIG);
  const raw = decodeNumber(words, numericFormat(type), BIG);
  if (bit !== undefined) return testBit(raw, bit);
  return sf === undefined ? raw : applyScale(raw, sf);
}

export function encodeSunSpec(p: SunSpecPoint, value: number | string | boolean, sf?: number): number[] {
  const { type } = p.layout;
  try {
    if (type === "string") return encodeString(String(value), p.layout.size, BIG);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CodecError(`${JSON.stringify(value)} is not a number`);
    const format = numericFormat(type);
    const scaled = sf === undefined ? n : sf >= 0 ? n / 10 ** sf : n * 10 ** -sf;
    const raw = format === "float32" ? scaled : Math.round(scaled);
    const words = encodeNumber(raw, format, BIG);
    if (notImplemented(type, words)) throw new CodecError(`${raw} is SunSpec's "not implemented" value for ${type}`);
    return words;
  } catch (e) {
    if (e instanceof CodecError) throw new ModbusError("OUT_OF_RANGE", `${p.label}: ${e.message}`, false);
    throw e;
  }
}

export function writable(p: SunSpecPoint): true | string {
  return p.layout.writable ? true : `${p.label} is read-only in the SunSpec model`;
}
