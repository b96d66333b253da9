/**
 * Divisible energy (EV charging by a deadline): fill the cheapest Wh of the window first, step by step and tier by
 * tier, under the device's maximum power and the site's headroom. With prices that do not fall as a step's energy
 * grows (flat or rising tiers) the cost is convex and this greedy fill is optimal.
 */
import { energyCost, EPS, whOf } from "./cost.ts";
import type { EnergyAllocation, EnergyLoad, Step } from "./types.ts";

export interface EnergySearch {
  steps: Step[];
  stepMs: number;
  limitW: number[];
  /** W drawn per step by everything placed so far; updated with the result */
  loadW: number[];
}

interface Segment { step: number; price: number; roomWh: number }

/** The next price segment of a step: from what it already draws up to its next tier or its room. */
function nextSegment(s: EnergySearch, t: number, allocatedWh: number, capWh: number): Segment | undefined {
  const room = capWh - allocatedWh;
  if (room <= EPS) return undefined;
  const used = whOf(s.loadW[t], s.stepMs) + allocatedWh;
  const tiers = s.steps[t].tiers;
  let i = tiers.length - 1;
  while (i > 0 && tiers[i].fromWh > used + EPS) i--;
  const ceiling = i + 1 < tiers.length ? tiers[i + 1].fromWh - used : Infinity;
  return { step: t, price: tiers[i].price, roomWh: Math.min(room, ceiling) };
}

export function allocateEnergy(s: EnergySearch, load: EnergyLoad): EnergyAllocation {
  const from = Math.max(0, load.earliest);
  const to = Math.min(load.latestEnd, s.steps.length);
  const capWh = new Map<number, number>();
  const allocated = new Map<number, number>();
  const open: Segment[] = [];
  for (let t = from; t < to; t++) {
    const cap = whOf(Math.max(0, Math.min(load.maxW, s.limitW[t] - s.loadW[t])), s.stepMs);
    capWh.set(t, cap);
    allocated.set(t, 0);
    const seg = nextSegment(s, t, 0, cap);
    if (seg) open.push(seg);
  }
  let need = load.energyWh;
  let cost = 0;
  // bounded: each round fills a segment to its end or meets the need; segments per step <= tiers + 1
  for (let guard = 0; need > EPS && open.length && guard < 100_000; guard++) {
    open.sort((a, b) => a.price - b.price || a.step - b.step);
    const seg = open.shift()!;
    const take = Math.min(seg.roomWh, need);
    cost += energyCost(s.steps[seg.step], whOf(s.loadW[seg.step], s.stepMs) + allocated.get(seg.step)!, take);
    allocated.set(seg.step, allocated.get(seg.step)! + take);
    need -= take;
    const next = nextSegment(s, seg.step, allocated.get(seg.step)!, capWh.get(seg.step)!);
    if (next) open.push(next);
  }
  const powerW = s.steps.map((_, t) => {
    const wh = allocated.get(t) ?? 0;
    return wh > EPS ? (wh * 3_600_000) / s.stepMs : 0;
  });
  powerW.forEach((w, t) => (s.loadW[t] += w));
  return { id: load.id, powerW, energyWh: load.energyWh - Math.max(0, need), shortfallWh: Math.max(0, need), cost };
}
