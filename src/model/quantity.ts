import type { Quantity, Unit } from "./common.ts";

/** The plain number a Quantity stands for, value·10^multiplier. */
export function magnitude(q: Quantity): number {
  return q.value * 10 ** (q.multiplier ?? 0);
}

/** Units the hub converts between; a target unit with a kilo/mega prefix is expressed as multiplier. */
const prefixed: Record<string, { unit: Unit; multiplier: number }> = {
  kW: { unit: "W", multiplier: 3 }, MW: { unit: "W", multiplier: 6 }, kWh: { unit: "Wh", multiplier: 3 },
  MWh: { unit: "Wh", multiplier: 6 }, kvar: { unit: "var", multiplier: 3 }, kVA: { unit: "VA", multiplier: 3 },
  mA: { unit: "A", multiplier: -3 }, kV: { unit: "V", multiplier: 3 }, W: { unit: "W", multiplier: 0 },
};
export const engineeringUnits = ["W", "kW", "MW", "Wh", "kWh", "MWh", "var", "kvar", "VA", "kVA", "A", "mA", "V", "kV",
  "Hz", "degC", "degF", "K", "%", "gCO2/kWh", "currency/kWh", "currency"] as const;
export type EngineeringUnit = (typeof engineeringUnits)[number];

export class UnitConversionError extends Error {}

/** Converts a neutral quantity into a number in an engineering unit (kW, degF, ...). */
export function toUnit(q: Quantity, target: EngineeringUnit): number {
  const v = magnitude(q);
  if (q.unit === "degC") {
    if (target === "degC") return v;
    if (target === "degF") return v * 1.8 + 32;
    if (target === "K") return v + 273.15;
    throw new UnitConversionError(`cannot convert degC to ${target}`);
  }
  const p = prefixed[target] ?? { unit: target, multiplier: 0 };
  if (p.unit !== q.unit) throw new UnitConversionError(`cannot convert ${q.unit} to ${target}`);
  return v / 10 ** p.multiplier;
}

/** Builds a neutral quantity from a number in an engineering unit. */
export function fromUnit(value: number, unit: EngineeringUnit): Quantity {
  if (unit === "degF") return { value: (value - 32) / 1.8, unit: "degC" };
  if (unit === "K") return { value: value - 273.15, unit: "degC" };
  const p = prefixed[unit];
  if (p) return p.multiplier ? { value, multiplier: p.multiplier, unit: p.unit } : { value, unit: p.unit };
  return { value, unit: unit as Unit };
}
