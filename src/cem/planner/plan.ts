/** One planning run: fixed programmes first (jointly), then energy amounts by earliest deadline, all under one site limit. */
import { allocateEnergy } from "./energy.ts";
import { placeFixed } from "./fixed.ts";
import type { Plan, PlanInput } from "./types.ts";

export const DEFAULT_MAX_NODES = 5000;

export class PlanInputError extends Error {}

function check(input: PlanInput) {
  const n = input.steps.length;
  if (!(input.stepMs > 0)) throw new PlanInputError(`stepMs must be positive, got ${input.stepMs}`);
  if (input.limitW.length !== n || input.baseW.length !== n) {
    throw new PlanInputError(`limitW (${input.limitW.length}) and baseW (${input.baseW.length}) need one value per step (${n})`);
  }
  for (const l of input.fixed) {
    if (!l.powerW.length) throw new PlanInputError(`programme ${l.id} has an empty power profile`);
    if (l.powerW.some((p) => !Number.isFinite(p) || p < 0)) throw new PlanInputError(`programme ${l.id}: powers must be finite and >= 0`);
  }
  for (const e of input.energy) {
    if (!(e.energyWh >= 0) || !(e.maxW > 0)) throw new PlanInputError(`energy load ${e.id}: energyWh >= 0 and maxW > 0 needed`);
  }
}

export function plan(input: PlanInput): Plan {
  check(input);
  const loadW = [...input.baseW];
  const fixed = placeFixed({ steps: input.steps, stepMs: input.stepMs, limitW: input.limitW, loadW, maxNodes: input.maxNodes ?? DEFAULT_MAX_NODES }, input.fixed);
  const energy = [...input.energy].sort((a, b) => a.latestEnd - b.latestEnd || a.id.localeCompare(b.id))
    .map((e) => allocateEnergy({ steps: input.steps, stepMs: input.stepMs, limitW: input.limitW, loadW }, e));
  const byId = new Map(energy.map((e) => [e.id, e]));
  return {
    fixed: fixed.placements,
    energy: input.energy.map((e) => byId.get(e.id)!),
    cost: fixed.cost + energy.reduce((a, e) => a + e.cost, 0),
    nodes: fixed.nodes,
    optimal: fixed.optimal,
  };
}
