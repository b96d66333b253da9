/** The planner's vocabulary: a uniform step grid (indices, not times), loads to place on it, and what came out. */

/** A price level: from `fromWh` of energy drawn within the step on, each Wh costs `price` (currency or gCO2 per kWh). */
export interface Tier { fromWh: number; price: number }

/** One step of the grid. `tiers[0].fromWh` is 0; tiers come in ascending `fromWh`. */
export interface Step { tiers: Tier[] }

/** A programme with a fixed power profile (one value per step) that can only be shifted as a whole. */
export interface FixedLoad {
  id: string;
  /** first step it may start in */
  earliest: number;
  /** step index it must have finished by (exclusive) */
  latestEnd: number;
  powerW: number[];
  /** already started (or committed): placed here and never moved */
  fixedStart?: number;
}

/** An energy amount that may be spread over any steps of its window at up to `maxW` (EV charging by a deadline). */
export interface EnergyLoad {
  id: string;
  earliest: number;
  latestEnd: number;
  energyWh: number;
  maxW: number;
}

export interface PlanInput {
  steps: Step[];
  stepMs: number;
  /** site import limit per step in W */
  limitW: number[];
  /** what the rest of the site draws per step in W (counts against the limit and towards tiers) */
  baseW: number[];
  fixed: FixedLoad[];
  energy: EnergyLoad[];
  /** search budget for the fixed loads' joint placement; the first solution found is the greedy one */
  maxNodes?: number;
}

export type FixedPlacement =
  | { id: string; placed: true; start: number; cost: number }
  | { id: string; placed: false; reason: string };

export interface EnergyAllocation { id: string; powerW: number[]; energyWh: number; shortfallWh: number; cost: number }

export interface Plan {
  fixed: FixedPlacement[];
  energy: EnergyAllocation[];
  /** total cost of what was placed (currency or gCO2) */
  cost: number;
  /** nodes the search expanded; `optimal` when it finished within the budget */
  nodes: number;
  optimal: boolean;
}
