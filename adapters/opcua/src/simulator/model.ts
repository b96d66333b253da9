/**
 * The chiller plant's physics, kept crude on purpose: load follows the outdoor temperature, a lower chilled-water
 * setpoint costs power, the plant demand limit caps the total, and supply water drifts towards the setpoint
 * while a chiller runs. Pure: the simulator feeds it what clients wrote and publishes what it returns.
 */
export const RATED_KW = 400;
const DAY_MS = 24 * 3600 * 1000;

export interface ChillerInputs {
  enable: boolean;
  setpoint: number;
}

export interface ChillerState {
  running: boolean;
  supply: number;
  return: number;
  load: number;
  power: number;
  energyWh: number;
  runSeconds: number;
  alarm: boolean;
}

export interface PlantInputs {
  /** 0 Off, 1 Auto, 2 Manual */
  mode: number;
  demandLimit: number;
  chillers: ChillerInputs[];
}

export interface PlantState {
  outdoor: number;
  totalPower: number;
  chillers: ChillerState[];
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function initialState(chillers: number): PlantState {
  return {
    outdoor: 30,
    totalPower: 0,
    chillers: Array.from({ length: chillers }, () => ({ running: false, supply: 12, return: 12, load: 0, power: 0, energyWh: 0, runSeconds: 0, alarm: false })),
  };
}

export function step(prev: PlantState, inputs: PlantInputs, at: number, dtMs: number): PlantState {
  const outdoor = round(30 + 5 * Math.sin((2 * Math.PI * (at % DAY_MS)) / DAY_MS));
  const wanted = prev.chillers.map((c, i) => {
    const { enable, setpoint } = inputs.chillers[i];
    const running = enable && inputs.mode !== 0;
    const load = running ? c.load + (clamp(35 + (outdoor - 22) * 4, 10, 100) - c.load) * 0.3 : 0;
    return { running, load, setpoint, power: running ? (RATED_KW * load) / 100 * (1 + 0.03 * (7 - setpoint)) : 0 };
  });
  const cap = (inputs.demandLimit / 100) * RATED_KW * prev.chillers.length;
  const total = wanted.reduce((s, w) => s + w.power, 0);
  const scale = total > cap ? cap / total : 1;
  const chillers = prev.chillers.map((c, i) => {
    const w = wanted[i];
    const power = w.power * scale;
    // a capped chiller cannot hold its setpoint: supply water settles warmer
    const target = w.running ? w.setpoint + (1 - scale) * 4 : 14;
    const supply = c.supply + (target - c.supply) * (w.running ? 0.3 : 0.05);
    return {
      running: w.running,
      supply: round(supply),
      return: round(supply + (w.running ? (5 * w.load) / 100 : 0)),
      load: round(w.load),
      power: round(power),
      energyWh: c.energyWh + (power * 1000 * dtMs) / 3_600_000,
      runSeconds: c.runSeconds + (w.running ? dtMs / 1000 : 0),
      alarm: w.running && supply > 12,
    };
  });
  return { outdoor, totalPower: round(chillers.reduce((s, c) => s + c.power, 0)), chillers };
}
