/**
 * Typical controllers for the demo and the tests: an AHU, a VAV box, a chiller and a lighting panel, with the
 * objects the mapping tables in mappings/bacnet/ address, and a little plant behaviour so that demand response
 * shows in the readings (fan power follows the cube of the fan speed, chiller power the demand limit, ...).
 */
import { EngineeringUnits as U, ObjectType as O } from "../lib.ts";
import type { PointSpec } from "./objects.ts";

export interface Plant {
  /** present-value of an object, by "type:instance" code */
  get(type: number, instance: number): number;
  /** what an input measures now */
  sense(type: number, instance: number, value: number): void;
}

export interface Preset {
  modelName: string;
  objects: PointSpec[];
  /** one step of plant behaviour, `dt` seconds after the previous */
  step(plant: Plant, dt: number): void;
}

const ai = (instance: number, name: string, value: number, units: number, covIncrement = 0.1): PointSpec =>
  ({ id: { type: O.ANALOG_INPUT, instance }, name, value, units, covIncrement });
const av = (instance: number, name: string, value: number, units: number, min: number, max: number): PointSpec =>
  ({ id: { type: O.ANALOG_VALUE, instance }, name, value, units, min, max, commandable: true, covIncrement: 0.1 });
const ao = (instance: number, name: string, value: number, units: number): PointSpec =>
  ({ id: { type: O.ANALOG_OUTPUT, instance }, name, value, units, min: 0, max: 100, covIncrement: 1 });
const bi = (instance: number, name: string, value: number): PointSpec => ({ id: { type: O.BINARY_INPUT, instance }, name, value });
const bo = (instance: number, name: string, value: number): PointSpec => ({ id: { type: O.BINARY_OUTPUT, instance }, name, value });

/** first-order approach of `from` to `to` with time constant `tau` seconds */
const approach = (from: number, to: number, dt: number, tau: number) => from + (to - from) * Math.min(1, dt / tau);

export const presets: Record<"ahu" | "vav" | "chiller" | "lighting", Preset> = {
  ahu: {
    modelName: "gridhub-sim AHU",
    objects: [
      ai(1, "Zone Temperature", 23.2, U.DEGREES_CELSIUS),
      ai(2, "Supply Air Temperature", 14, U.DEGREES_CELSIUS),
      ai(3, "Supply Fan Power", 5.63, U.KILOWATTS),
      av(1, "Zone Cooling Setpoint", 23, U.DEGREES_CELSIUS, 15, 30),
      av(2, "Supply Fan Speed Limit", 100, U.PERCENT, 0, 100),
      ao(1, "Supply Fan Speed", 80, U.PERCENT),
      bo(1, "Supply Fan Command", 1),
      bi(1, "Supply Fan Status", 1),
      { id: { type: O.MULTI_STATE_VALUE, instance: 1 }, name: "Occupancy Mode", value: 1, states: 3, commandable: true },
    ],
    step(p, dt) {
      const speed = p.get(O.BINARY_OUTPUT, 1) ? Math.min(p.get(O.ANALOG_OUTPUT, 1), p.get(O.ANALOG_VALUE, 2)) : 0;
      p.sense(O.BINARY_INPUT, 1, speed > 0 ? 1 : 0);
      p.sense(O.ANALOG_INPUT, 3, Math.round(11 * (speed / 100) ** 3 * 100) / 100);
      // less air, warmer room: the zone drifts towards its setpoint plus what the fan cannot remove
      const target = p.get(O.ANALOG_VALUE, 1) + (1 - speed / 100) * 3;
      p.sense(O.ANALOG_INPUT, 1, Math.round(approach(p.get(O.ANALOG_INPUT, 1), target, dt, 300) * 100) / 100);
    },
  },
  vav: {
    modelName: "gridhub-sim VAV",
    objects: [
      ai(1, "Zone Temperature", 23.4, U.DEGREES_CELSIUS),
      ai(2, "Discharge Airflow", 240, U.LITERS_PER_SECOND, 5),
      av(1, "Zone Cooling Setpoint", 23.5, U.DEGREES_CELSIUS, 15, 30),
      av(2, "Maximum Airflow Setpoint", 400, U.LITERS_PER_SECOND, 50, 600),
      ao(1, "Damper Position", 60, U.PERCENT),
    ],
    step(p, dt) {
      const flow = Math.min(p.get(O.ANALOG_OUTPUT, 1) * 6, p.get(O.ANALOG_VALUE, 2));
      p.sense(O.ANALOG_INPUT, 2, Math.round(flow));
      const target = p.get(O.ANALOG_VALUE, 1) + (1 - flow / 400) * 2;
      p.sense(O.ANALOG_INPUT, 1, Math.round(approach(p.get(O.ANALOG_INPUT, 1), target, dt, 300) * 100) / 100);
    },
  },
  chiller: {
    modelName: "gridhub-sim Chiller",
    objects: [
      ai(1, "Chilled Water Supply Temperature", 6.8, U.DEGREES_CELSIUS),
      ai(2, "Chiller Power", 175, U.KILOWATTS, 1),
      av(1, "Chilled Water Setpoint", 6.5, U.DEGREES_CELSIUS, 4, 12),
      av(2, "Demand Limit", 100, U.PERCENT, 20, 100),
      bo(1, "Chiller Enable", 1),
      bi(1, "Chiller Running", 1),
    ],
    step(p, dt) {
      const on = p.get(O.BINARY_OUTPUT, 1) === 1;
      p.sense(O.BINARY_INPUT, 1, on ? 1 : 0);
      // 250 kW rated at 70 % load; each K of setpoint raise saves about 3 %
      const unlimited = 250 * 0.7 * (1 - 0.03 * (p.get(O.ANALOG_VALUE, 1) - 6.5));
      const power = on ? Math.min(unlimited, 250 * p.get(O.ANALOG_VALUE, 2) / 100) : 0;
      p.sense(O.ANALOG_INPUT, 2, Math.round(power * 10) / 10);
      const supply = on ? p.get(O.ANALOG_VALUE, 1) + Math.max(0, unlimited - power) / 50 : 12;
      p.sense(O.ANALOG_INPUT, 1, Math.round(approach(p.get(O.ANALOG_INPUT, 1), supply, dt, 120) * 100) / 100);
    },
  },
  lighting: {
    modelName: "gridhub-sim Lighting Panel",
    objects: [
      ao(1, "Lighting Level", 100, U.PERCENT),
      ai(1, "Lighting Power", 12, U.KILOWATTS),
      bi(1, "Occupancy", 1),
    ],
    step(p) {
      p.sense(O.ANALOG_INPUT, 1, Math.round(12 * p.get(O.ANALOG_OUTPUT, 1)) / 100);
    },
  },
};
