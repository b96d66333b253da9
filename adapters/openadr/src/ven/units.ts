/**
 * OpenADR units (emix itemBase + SI scale code) <-> neutral quantities and the engineering units of mapping tables.
 * Only units both sides can name are converted; anything else is refused with the reason.
 */
import { fromUnit, type EngineeringUnit, type Quantity, type Unit } from "gridhub/model";
import type { ItemBase, PowerAttributes, ReportType, SiScaleCode } from "../codec/index.ts";

const SCALE: Record<SiScaleCode, number> = { p: -12, n: -9, micro: -6, m: -3, c: -2, d: -1, none: 0, k: 3, M: 6, G: 9, T: 12 };

const NEUTRAL_UNIT: Partial<Record<ItemBase["kind"], Unit>> = {
  powerReal: "W", powerApparent: "VA", powerReactive: "var", energyReal: "Wh", voltage: "V", current: "A", frequency: "Hz",
  currencyPerKWh: "currency/kWh", currency: "currency",
};

/** A signal payload as a neutral quantity, in the signal's itemBase units (or `fallback` when it has none). */
export function quantityOf(payload: number, itemBase: ItemBase | undefined, fallback?: EngineeringUnit): Quantity {
  if (!itemBase) {
    if (!fallback) throw new RangeError("the signal carries no itemBase and the grid table names no unit");
    return fromUnit(payload, fallback);
  }
  if (itemBase.kind === "temperature") {
    return fromUnit(payload * 10 ** SCALE[itemBase.siScaleCode], itemBase.itemUnits === "fahrenheit" ? "degF" : "degC");
  }
  const unit = NEUTRAL_UNIT[itemBase.kind];
  if (!unit || itemBase.kind === "pulseCount") throw new RangeError(`itemBase ${itemBase.kind} has no neutral unit`);
  const multiplier = SCALE[itemBase.siScaleCode];
  const currency = "itemUnits" in itemBase && /^[A-Z]{3}$/.test(itemBase.itemUnits) && unit.startsWith("currency") ? itemBase.itemUnits : undefined;
  return { value: payload, ...(multiplier ? { multiplier } : {}), unit, ...(currency ? { currency } : {}) };
}

export interface ReportUnit {
  itemBase: ItemBase;
  reportType: ReportType;
}

/** How a table point with this engineering unit is described in a METADATA report; undefined when it cannot be. */
export function reportUnitOf(unit: EngineeringUnit | undefined, power: PowerAttributes): ReportUnit | undefined {
  const usage = (itemBase: ItemBase): ReportUnit => ({ itemBase, reportType: "usage" });
  const reading = (itemBase: ItemBase): ReportUnit => ({ itemBase, reportType: "reading" });
  const custom = (itemDescription: string, itemUnits: string) => reading({ kind: "customUnit", itemDescription, itemUnits, siScaleCode: "none" });
  switch (unit) {
    case "W": case "kW": case "MW":
      return usage({ kind: "powerReal", itemUnits: "W", siScaleCode: prefix(unit), powerAttributes: power });
    case "var": case "kvar":
      return usage({ kind: "powerReactive", siScaleCode: prefix(unit), powerAttributes: power });
    case "VA": case "kVA":
      return usage({ kind: "powerApparent", siScaleCode: prefix(unit), powerAttributes: power });
    case "Wh": case "kWh": case "MWh":
      return usage({ kind: "energyReal", siScaleCode: prefix(unit) });
    case "V": case "kV":
      return reading({ kind: "voltage", siScaleCode: prefix(unit) });
    case "A": case "mA":
      return reading({ kind: "current", siScaleCode: prefix(unit) });
    case "Hz":
      return reading({ kind: "frequency", siScaleCode: "none" });
    case "degC": case "degF":
      return reading({ kind: "temperature", itemUnits: unit === "degC" ? "celsius" : "fahrenheit", siScaleCode: "none" });
    case "%":
      return custom("percent", "%");
    case "K": case "gCO2/kWh":
      return custom(unit === "K" ? "temperature" : "carbonIntensity", unit);
    default:
      return undefined;
  }
}

function prefix(unit: string): SiScaleCode {
  if (unit.startsWith("k")) return "k";
  if (unit.startsWith("M")) return "M";
  if (unit.startsWith("m")) return "m";
  return "none";
}
