/** Energy cost under tiered prices: what `addWh` more costs in a step where `usedWh` is already drawn. */
import type { Step } from "./types.ts";

export const EPS = 1e-9;

export function energyCost(step: Step, usedWh: number, addWh: number): number {
  if (addWh <= 0) return 0;
  let cost = 0;
  const from = usedWh;
  const to = usedWh + addWh;
  for (let i = 0; i < step.tiers.length; i++) {
    const lo = Math.max(from, step.tiers[i].fromWh);
    const hi = Math.min(to, i + 1 < step.tiers.length ? step.tiers[i + 1].fromWh : Infinity);
    if (hi > lo) cost += ((hi - lo) / 1000) * step.tiers[i].price;
  }
  return cost;
}

/** The cheapest any Wh can be in this step: a lower bound whatever the tiers' order. */
export function cheapest(step: Step): number {
  return Math.min(...step.tiers.map((t) => t.price));
}

/** Wh drawn at `w` watts for one step. */
export function whOf(w: number, stepMs: number): number {
  return (w * stepMs) / 3_600_000;
}
