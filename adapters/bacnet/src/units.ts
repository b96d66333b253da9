/** BACnet engineering units (the `units` property) to the hub's engineering units, where the hub has one. */
import type { EngineeringUnit } from "gridhub/model";
import { EngineeringUnits as U } from "./lib.ts";
import { unitName } from "./names.ts";

const toHub = new Map<number, EngineeringUnit>([
  [U.WATTS, "W"], [U.KILOWATTS, "kW"], [U.MEGAWATTS, "MW"],
  [U.WATT_HOURS, "Wh"], [U.KILOWATT_HOURS, "kWh"], [U.MEGAWATT_HOURS, "MWh"],
  [U.VOLT_AMPERES_REACTIVE, "var"], [U.KILOVOLT_AMPERES_REACTIVE, "kvar"],
  [U.VOLT_AMPERES, "VA"], [U.KILOVOLT_AMPERES, "kVA"],
  [U.AMPERES, "A"], [U.MILLIAMPERES, "mA"], [U.VOLTS, "V"], [U.KILOVOLTS, "kV"], [U.HERTZ, "Hz"],
  [U.DEGREES_CELSIUS, "degC"], [U.DEGREES_FAHRENHEIT, "degF"], [U.DEGREES_KELVIN, "K"], [U.PERCENT, "%"],
]);

export interface UnitInfo {
  /** BACnet code of the units property */
  code: number;
  /** the standard's name, e.g. degrees-celsius */
  name: string;
  /** the hub's unit, when the hub converts this one */
  hub?: EngineeringUnit;
}

export function describeUnit(code: number): UnitInfo {
  const hub = toHub.get(code);
  return hub ? { code, name: unitName(code), hub } : { code, name: unitName(code) };
}

