/**
 * CEM planner: 50 devices (40 shiftable programmes of 30 min to 3 h, 10 EVs with an energy amount by a deadline)
 * over a 48 h horizon at 15-minute steps (192 steps) with hourly prices and a binding site import limit.
 * Baseline in the same run: the greedy placement alone (the search's first solution, node budget = one path).
 * Figures: planning time (median of the runs), nodes searched, whether the search finished, and what the search
 * saves over greedy on the programmes (the part it optimises) and on the total (the EVs are filled in afterwards).
 */
import { DEFAULT_MAX_NODES, plan, type EnergyLoad, type FixedLoad, type Plan, type PlanInput, type Step } from "../src/cem/planner/index.ts";

const STEPS = 192;
const STEP_MS = 900_000;
const RUNS = 5;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function input(seed: number, maxNodes: number): PlanInput {
  const r = rng(seed);
  const hourly = Array.from({ length: 48 }, (_, h) => 0.18 + 0.12 * Math.sin(((h % 24) - 6) / 24 * 2 * Math.PI) + r() * 0.08);
  const steps: Step[] = Array.from({ length: STEPS }, (_, i) => ({ tiers: [{ fromWh: 0, price: hourly[Math.floor(i / 4)] }] }));
  const fixed: FixedLoad[] = Array.from({ length: 40 }, (_, i) => {
    const len = 2 + Math.floor(r() * 11);
    const earliest = Math.floor(r() * 96);
    const latestEnd = Math.min(STEPS, earliest + len + 8 + Math.floor(r() * 80));
    return { id: `p${i}`, earliest, latestEnd, powerW: Array.from({ length: len }, (_, k) => (k < len / 2 ? 2000 : 600)) };
  });
  const energy: EnergyLoad[] = Array.from({ length: 10 }, (_, i) => ({ id: `ev${i}`, earliest: Math.floor(r() * 48), latestEnd: 96 + Math.floor(r() * 96), energyWh: 8000 + r() * 16000, maxW: 7400 }));
  return { steps, stepMs: STEP_MS, limitW: new Array(STEPS).fill(25_000), baseW: new Array(STEPS).fill(1500), fixed, energy, maxNodes };
}

function measure(maxNodes: number) {
  plan(input(0, maxNodes)); // warm-up, not measured
  const times: number[] = [];
  const plans: Plan[] = [];
  for (let i = 0; i < RUNS; i++) {
    const inp = input(1 + i, maxNodes);
    const t = performance.now();
    plans.push(plan(inp));
    times.push(performance.now() - t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: Number(sorted[Math.floor(RUNS / 2)].toFixed(2)), maxMs: Number(sorted[RUNS - 1].toFixed(2)), plans };
}

const fixedCost = (p: Plan) => p.fixed.reduce((a, f) => a + (f.placed ? f.cost : 0), 0);
const meanPercent = (xs: number[]) => Number(((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(3));

export async function run(): Promise<Record<string, unknown>> {
  const greedy = measure(41);
  const search = measure(DEFAULT_MAX_NODES);
  const last = search.plans[RUNS - 1];
  return {
    devices: 50, steps: STEPS, stepMinutes: STEP_MS / 60_000, runs: RUNS,
    greedy: { medianMs: greedy.medianMs, maxMs: greedy.maxMs },
    branchAndBound: {
      maxNodes: DEFAULT_MAX_NODES, medianMs: search.medianMs, maxMs: search.maxMs, finished: search.plans.filter((p) => p.optimal).length,
      placed: last.fixed.filter((p) => p.placed).length, evShortfallWh: Number(last.energy.reduce((a, e) => a + e.shortfallWh, 0).toFixed(1)),
    },
    programmeCostSavedOverGreedyPercent: meanPercent(search.plans.map((p, i) => (fixedCost(greedy.plans[i]) - fixedCost(p)) / fixedCost(greedy.plans[i]))),
    totalCostSavedOverGreedyPercent: meanPercent(search.plans.map((p, i) => (greedy.plans[i].cost - p.cost) / greedy.plans[i].cost)),
    timeRatioSearchToGreedy: Number((search.medianMs / greedy.medianMs).toFixed(1)),
  };
}
