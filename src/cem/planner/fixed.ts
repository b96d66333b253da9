/**
 * Joint placement of fixed-profile programmes: depth-first branch and bound over each programme's feasible
 * starts, cheapest first, so that the first complete solution is the greedy one and the rest of the budget is
 * spent improving it. Objective: as many programmes placed as possible, then the lowest cost. A programme that
 * has already started keeps its start and only takes its share of the site limit.
 */
import { cheapest, energyCost, EPS, whOf } from "./cost.ts";
import type { FixedLoad, FixedPlacement, Step } from "./types.ts";

export interface FixedSearch {
  steps: Step[];
  stepMs: number;
  limitW: number[];
  /** W drawn per step by the base load and everything placed so far; updated with the result */
  loadW: number[];
  maxNodes: number;
}

interface Candidate { start: number; cost: number }
interface Best { unplaced: number; cost: number; starts: (number | undefined)[] }

/** Every start where the programme fits under the limit, cheapest first (earlier first on a tie). */
function candidates(s: FixedSearch, load: FixedLoad): Candidate[] {
  const out: Candidate[] = [];
  const len = load.powerW.length;
  const last = Math.min(load.latestEnd, s.steps.length) - len;
  for (let start = Math.max(0, load.earliest); start <= last; start++) {
    let cost = 0;
    let fits = true;
    for (let i = 0; i < len && fits; i++) {
      const t = start + i;
      const p = load.powerW[i];
      if (p > 0 && s.loadW[t] + p > s.limitW[t] + EPS) fits = false;
      else cost += energyCost(s.steps[t], whOf(s.loadW[t], s.stepMs), whOf(p, s.stepMs));
    }
    if (fits) out.push({ start, cost });
  }
  return out.sort((a, b) => a.cost - b.cost || a.start - b.start);
}

/** What a programme costs at least, wherever it goes and whatever else is placed. */
function lowerBound(s: FixedSearch, load: FixedLoad): number {
  const len = load.powerW.length;
  let best = Infinity;
  for (let start = Math.max(0, load.earliest); start <= Math.min(load.latestEnd, s.steps.length) - len; start++) {
    let c = 0;
    for (let i = 0; i < len; i++) c += (whOf(load.powerW[i], s.stepMs) / 1000) * cheapest(s.steps[start + i]);
    best = Math.min(best, c);
  }
  return best === Infinity ? 0 : best;
}

function add(s: FixedSearch, load: FixedLoad, start: number, sign: 1 | -1) {
  for (let i = 0; i < load.powerW.length; i++) {
    const t = start + i;
    if (t >= 0 && t < s.loadW.length) s.loadW[t] += sign * load.powerW[i];
  }
}

function slack(l: FixedLoad): number {
  return l.latestEnd - l.earliest - l.powerW.length;
}

export function placeFixed(s: FixedSearch, loads: FixedLoad[]): { placements: FixedPlacement[]; cost: number; nodes: number; optimal: boolean } {
  const placements = new Map<string, FixedPlacement>();
  let cost = 0;
  for (const l of loads.filter((x) => x.fixedStart !== undefined)) {
    const start = l.fixedStart!;
    const c = l.powerW.reduce((acc, p, i) => {
      const t = start + i;
      return t >= 0 && t < s.steps.length ? acc + energyCost(s.steps[t], whOf(s.loadW[t], s.stepMs), whOf(p, s.stepMs)) : acc;
    }, 0);
    add(s, l, start, 1);
    cost += c;
    placements.set(l.id, { id: l.id, placed: true, start, cost: c });
  }
  const free = loads.filter((x) => x.fixedStart === undefined)
    .sort((a, b) => slack(a) - slack(b) || b.powerW.reduce((x, y) => x + y, 0) - a.powerW.reduce((x, y) => x + y, 0) || a.id.localeCompare(b.id));
  const bounds = free.map((l) => lowerBound(s, l));
  const rest = bounds.map((_, i) => bounds.slice(i).reduce((a, b) => a + b, 0));
  const starts: (number | undefined)[] = new Array(free.length);
  const best: Best = { unplaced: Infinity, cost: Infinity, starts: [] };
  let nodes = 0;
  let exhausted = false;

  const visit = (d: number, unplaced: number, partial: number) => {
    if (nodes >= s.maxNodes) {
      exhausted = true;
      return;
    }
    nodes++;
    if (unplaced > best.unplaced) return;
    if (unplaced === best.unplaced && partial + (rest[d] ?? 0) >= best.cost - EPS) return;
    if (d === free.length) {
      best.unplaced = unplaced;
      best.cost = partial;
      best.starts = [...starts];
      return;
    }
    const load = free[d];
    for (const c of candidates(s, load)) {
      if (unplaced === best.unplaced && partial + c.cost + (rest[d + 1] ?? 0) >= best.cost - EPS) break;
      starts[d] = c.start;
      add(s, load, c.start, 1);
      visit(d + 1, unplaced, partial + c.cost);
      add(s, load, c.start, -1);
      if (exhausted) break;
    }
    // leaving this one out can only pay when it lets more of the others in
    if (!exhausted && unplaced + 1 <= best.unplaced) {
      starts[d] = undefined;
      visit(d + 1, unplaced + 1, partial);
    }
  };
  visit(0, 0, 0);

  free.forEach((load, i) => {
    const start = best.starts[i];
    if (start === undefined) {
      placements.set(load.id, { id: load.id, placed: false, reason: reasonFor(s, load) });
      return;
    }
    const c = load.powerW.reduce((acc, p, k) => acc + energyCost(s.steps[start + k], whOf(s.loadW[start + k], s.stepMs), whOf(p, s.stepMs)), 0);
    add(s, load, start, 1);
    cost += c;
    placements.set(load.id, { id: load.id, placed: true, start, cost: c });
  });
  return { placements: loads.map((l) => placements.get(l.id)!), cost, nodes, optimal: !exhausted };
}

function reasonFor(s: FixedSearch, load: FixedLoad): string {
  const room = Math.min(load.latestEnd, s.steps.length) - Math.max(0, load.earliest);
  if (room < load.powerW.length) return `the window holds ${Math.max(0, room)} steps, the programme needs ${load.powerW.length}`;
  return "no start in the window keeps the site under its import limit";
}
