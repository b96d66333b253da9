/** Conversions between engineering values (what tables and messages speak) and raw protocol values (what adapters speak). */
import type { RawValue } from "../hub/points.ts";
import { toUnit, type EngineeringUnit } from "../model/quantity.ts";
import type { Quantity } from "../model/common.ts";
import type { PointDef, ValueExpr } from "./schema.ts";

export type EngValue = number | boolean | string;

export class ValueError extends Error {
  constructor(readonly point: string, message: string) {
    super(`${point}: ${message}`);
    this.name = "ValueError";
  }
}

const integerRanges: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
  bitfield: [0, Number.MAX_SAFE_INTEGER],
};

/** Engineering -> raw, refusing what the point cannot hold (the table's min/max, the type's range, unknown labels). */
export function toRaw(name: string, p: PointDef, v: EngValue): RawValue {
  if (p.type === "enum") {
    const raw = typeof v === "string" && p.values ? p.values[v] : undefined;
    if (raw === undefined) throw new ValueError(name, `${JSON.stringify(v)} is not one of ${Object.keys(p.values ?? {}).join(", ")}`);
    return raw;
  }
  if (p.type === "bool") {
    if (typeof v === "boolean") return v;
    if (v === 0 || v === 1) return v === 1;
    throw new ValueError(name, `${JSON.stringify(v)} is not a boolean`);
  }
  if (p.type === "string") return String(v);
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ValueError(name, `${JSON.stringify(v)} is not a number`);
  if (p.min !== undefined && v < p.min) throw new ValueError(name, `${v} is below the point's min ${p.min}`);
  if (p.max !== undefined && v > p.max) throw new ValueError(name, `${v} is above the point's max ${p.max}`);
  let raw = (v - (p.offset ?? 0)) / (p.scale ?? 1);
  const range = integerRanges[p.type];
  if (range) {
    raw = Math.round(raw);
    if (raw < range[0] || raw > range[1]) throw new ValueError(name, `${v} does not fit a ${p.type} (raw ${raw})`);
  }
  return raw;
}

/** Raw -> engineering: scale and offset, enum codes to labels (an unknown code stays a number, marked by the caller). */
export function fromRaw(p: PointDef, raw: RawValue): EngValue | null {
  if (raw === null) return null;
  if (p.type === "enum") {
    const hit = Object.entries(p.values ?? {}).find(([, r]) => r === raw);
    return hit ? hit[0] : (raw as EngValue);
  }
  if (p.type === "bool") return typeof raw === "boolean" ? raw : raw === 1 || raw === "1" || raw === "true";
  if (typeof raw !== "number") return raw;
  const v = raw * (p.scale ?? 1) + (p.offset ?? 0);
  // keep decimal noise from scale factors (0.1 * 3) out of reports
  return Number.isInteger(v) ? v : Number(v.toPrecision(12));
}

export interface ExprScope {
  slot?: Record<string, unknown>;
  body: Record<string, unknown>;
  current?: EngValue | null;
}

function pick(obj: unknown, path: string[]): unknown {
  let v: unknown = obj;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function isQuantity(v: unknown): v is Quantity {
  return typeof v === "object" && v !== null && typeof (v as Quantity).value === "number" && typeof (v as Quantity).unit === "string";
}

/**
 * Evaluates a value expression for one point. Returns undefined when its source is absent (e.g. a slot without
 * `power`): the point is then not claimed for that period.
 */
export function evalExpr(name: string, p: PointDef, expr: ValueExpr, scope: ExprScope): EngValue | undefined {
  if (typeof expr !== "object") return expr;
  let v: unknown = expr.value;
  if (expr.from) {
    const [head, ...rest] = expr.from.split(".");
    v = head === "current" ? scope.current ?? undefined : head === "slot" ? pick(scope.slot, rest) : pick(scope.body, rest);
    if (v === undefined || v === null) v = expr.default;
    // an absent slot value means "not claimed in this slot"; an unknown current value is a failure to report
    if (v === undefined && head === "current") throw new ValueError(name, "its current value is unknown (the device did not answer the read before the write)");
    if (v === undefined) return undefined;
  }
  if (isQuantity(v)) {
    const unit = (expr.unit ?? p.unit) as EngineeringUnit | undefined;
    if (!unit) throw new ValueError(name, `source ${expr.from} is a quantity in ${v.unit}; give the point or the expression a unit`);
    try {
      v = toUnit(v, unit);
    } catch (e) {
      throw new ValueError(name, (e as Error).message);
    }
  }
  if (expr.map) {
    const key = String(v);
    if (!(key in expr.map)) throw new ValueError(name, `no entry for ${JSON.stringify(key)} in map`);
    v = expr.map[key];
  }
  if (typeof v === "number") {
    if (expr.scale !== undefined) v = v * expr.scale;
    if (expr.offset !== undefined) v = (v as number) + expr.offset;
    if (expr.clamp) v = Math.min(expr.clamp[1], Math.max(expr.clamp[0], v as number));
    if (expr.round !== undefined) v = Number((v as number).toFixed(expr.round));
  } else if (expr.scale !== undefined || expr.offset !== undefined || expr.clamp) {
    throw new ValueError(name, `cannot scale/offset/clamp the non-numeric value ${JSON.stringify(v)}`);
  }
  if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
    throw new ValueError(name, `source ${expr.from} gave ${JSON.stringify(v)}, not a number, string or boolean`);
  }
  return v;
}
