/**
 * Planner properties on seeded pseudo-random cases (bounded count): no placement breaks its window or the site
 * limit, and on small cases the result equals the brute-force optimum (every combination of starts; every
 * integer split of the energy).
 */
import assert from "node:assert/strict";
import { allocateEnergy, buildGrid, energyCost, plan, PlanInputError, resample, runsOf, split, whOf, type FixedLoad, type PlanInput, type Step } from "../../src/cem/planner/index.ts";

/** mulberry32: a small deterministic generator, so every failure can be replayed from its seed */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const STEP_MS = 900_000;
const flat = (prices: number[]): Step[] => prices.map((price) => ({ tiers: [{ fromWh: 0, price }] }));

function randomCase(seed: number, maxSteps: number, maxLoads: number): PlanInput {
  const r = rng(seed);
  const n = int(r, 3, maxSteps);
  const steps: Step[] = Array.from({ length: n }, () => {
    const base = int(r, 5, 40) / 100;
    return r() < 0.3 ? { tiers: [{ fromWh: 0, price: base }, { fromWh: int(r, 100, 600), price: base + int(r, 1, 20) / 100 }] } : { tiers: [{ fromWh: 0, price: base }] };
  });
  const fixed: FixedLoad[] = Array.from({ length: int(r, 1, maxLoads) }, (_, i) => {
    const len = int(r, 1, Math.min(3, n));
    const earliest = int(r, 0, n - len);
    return { id: `p${i}`, earliest, latestEnd: int(r, earliest + len, n), powerW: Array.from({ length: len }, () => int(r, 1, 4) * 500) };
  });
  return { steps, stepMs: STEP_MS, limitW: steps.map(() => int(r, 3, 9) * 500), baseW: steps.map(() => int(r, 0, 2) * 250), fixed, energy: [] };
}

function totalCost(input: PlanInput, starts: (number | undefined)[]): { ok: boolean; unplaced: number; cost: number } {
  const load = [...input.baseW];
  let cost = 0;
  let unplaced = 0;
  for (const [k, l] of input.fixed.entries()) {
    const s = starts[k];
    if (s === undefined) {
      unplaced++;
      continue;
    }
    for (let i = 0; i < l.powerW.length; i++) {
      const t = s + i;
      cost += energyCost(input.steps[t], whOf(load[t], STEP_MS), whOf(l.powerW[i], STEP_MS));
      load[t] += l.powerW[i];
      if (load[t] > input.limitW[t] + 1e-9) return { ok: false, unplaced, cost };
    }
  }
  return { ok: true, unplaced, cost };
}

/** Every combination of starts (or left out), in the planner's own load order for the tier accounting. */
function bruteForce(input: PlanInput): { unplaced: number; cost: number } {
  let best = { unplaced: Infinity, cost: Infinity };
  const starts: (number | undefined)[] = [];
  const go = (k: number) => {
    if (k === input.fixed.length) {
      const c = totalCost(input, starts);
      if (c.ok && (c.unplaced < best.unplaced || (c.unplaced === best.unplaced && c.cost < best.cost - 1e-9))) best = { unplaced: c.unplaced, cost: c.cost };
      return;
    }
    const l = input.fixed[k];
    for (let s = l.earliest; s + l.powerW.length <= l.latestEnd; s++) {
      starts[k] = s;
      go(k + 1);
    }
    starts[k] = undefined;
    go(k + 1);
  };
  go(0);
  return best;
}

describe("cem planner: fixed programmes", () => {
  it("never places a programme before its earliest start, after its latest end, or over the site limit (300 seeded cases)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomCase(seed, 24, 6);
      const out = plan(input);
      const load = [...input.baseW];
      for (const [k, p] of out.fixed.entries()) {
        const l = input.fixed[k];
        if (!p.placed) continue;
        assert.ok(p.start >= l.earliest, `seed ${seed}: ${l.id} starts at ${p.start}, before ${l.earliest}`);
        assert.ok(p.start + l.powerW.length <= l.latestEnd, `seed ${seed}: ${l.id} ends after ${l.latestEnd}`);
        l.powerW.forEach((w, i) => (load[p.start + i] += w));
      }
      load.forEach((w, t) => assert.ok(w <= Math.max(input.limitW[t], input.baseW[t]) + 1e-9, `seed ${seed}: step ${t} draws ${w} W over ${input.limitW[t]} W`));
    }
  });

  it("finds the brute-force optimum on small cases (200 seeded cases, up to 3 programmes over 8 steps)", () => {
    let compared = 0;
    for (let seed = 1000; seed < 1200; seed++) {
      const input = randomCase(seed, 8, 3);
      const out = plan(input);
      assert.ok(out.optimal, `seed ${seed}: search did not finish within its budget`);
      const planned = totalCost(input, out.fixed.map((p) => (p.placed ? p.start : undefined)));
      const best = bruteForce(input);
      assert.ok(planned.ok, `seed ${seed}: the plan breaks the limit`);
      assert.equal(planned.unplaced, best.unplaced, `seed ${seed}: ${planned.unplaced} left out, brute force ${best.unplaced}`);
      if (best.unplaced === 0) {
        assert.ok(Math.abs(planned.cost - best.cost) < 1e-9, `seed ${seed}: cost ${planned.cost} vs brute force ${best.cost}`);
        compared++;
      }
    }
    assert.ok(compared > 100, `only ${compared} cases had every programme placed`);
  });

  it("keeps a running programme where it is and plans around it", () => {
    const input: PlanInput = {
      steps: flat([0.1, 0.1, 0.3, 0.3]), stepMs: STEP_MS, limitW: [3000, 3000, 3000, 3000], baseW: [0, 0, 0, 0],
      fixed: [{ id: "running", earliest: 0, latestEnd: 4, powerW: [2000, 2000], fixedStart: 2 }, { id: "new", earliest: 0, latestEnd: 4, powerW: [2000, 2000] }],
      energy: [],
    };
    const out = plan(input);
    assert.deepEqual(out.fixed.map((p) => p.placed && p.start), [2, 0]);
  });

  it("says why a programme cannot be placed", () => {
    const out = plan({ steps: flat([0.1, 0.2]), stepMs: STEP_MS, limitW: [1000, 1000], baseW: [0, 0], energy: [],
      fixed: [{ id: "big", earliest: 0, latestEnd: 2, powerW: [2000] }, { id: "long", earliest: 1, latestEnd: 2, powerW: [100, 100] }] });
    assert.deepEqual(out.fixed.map((p) => !p.placed && p.reason), [
      "no start in the window keeps the site under its import limit", "the window holds 1 steps, the programme needs 2",
    ]);
  });

  it("refuses malformed input with a specific error", () => {
    assert.throws(() => plan({ steps: flat([0.1]), stepMs: STEP_MS, limitW: [], baseW: [0], fixed: [], energy: [] }), PlanInputError);
    assert.throws(() => plan({ steps: flat([0.1]), stepMs: STEP_MS, limitW: [1], baseW: [0], fixed: [{ id: "x", earliest: 0, latestEnd: 1, powerW: [-1] }], energy: [] }),
      /programme x: powers must be finite and >= 0/);
  });
});

describe("cem planner: divisible energy", () => {
  /** every integer number of units per step (a unit = 250 W for one step), the total fixed */
  function bruteEnergy(steps: Step[], capUnits: number[], needUnits: number, unitW: number): number {
    let best = Infinity;
    const units: number[] = [];
    const go = (t: number, left: number, cost: number) => {
      if (t === steps.length) {
        if (left === 0) best = Math.min(best, cost);
        return;
      }
      for (let u = 0; u <= Math.min(capUnits[t], left); u++) {
        units[t] = u;
        go(t + 1, left - u, cost + energyCost(steps[t], 0, whOf(u * unitW, STEP_MS)));
      }
    };
    go(0, needUnits, 0);
    return best;
  }

  it("fills only its window, under its max power and the headroom, as cheaply as brute force (150 seeded cases)", () => {
    const unitW = 250;
    for (let seed = 5000; seed < 5150; seed++) {
      const r = rng(seed);
      const n = int(r, 2, 5);
      const steps: Step[] = Array.from({ length: n }, () => {
        const p = int(r, 5, 40) / 100;
        return r() < 0.4 ? { tiers: [{ fromWh: 0, price: p }, { fromWh: whOf(unitW * int(r, 1, 3), STEP_MS), price: p + 0.15 }] } : { tiers: [{ fromWh: 0, price: p }] };
      });
      const limitW = steps.map(() => unitW * int(r, 0, 6));
      const maxW = unitW * int(r, 1, 5);
      const earliest = int(r, 0, n - 1);
      const latestEnd = int(r, earliest + 1, n);
      const loadW = steps.map(() => 0);
      const cap = steps.map((_, t) => (t >= earliest && t < latestEnd ? Math.floor(Math.min(maxW, limitW[t]) / unitW) : 0));
      const capacity = cap.reduce((a, b) => a + b, 0);
      const needUnits = int(r, 0, capacity + 2);
      const out = allocateEnergy({ steps, stepMs: STEP_MS, limitW, loadW }, { id: "ev", earliest, latestEnd, energyWh: whOf(needUnits * unitW, STEP_MS), maxW });
      out.powerW.forEach((w, t) => {
        if (t < earliest || t >= latestEnd) assert.equal(w, 0, `seed ${seed}: power outside the window at step ${t}`);
        assert.ok(w <= Math.min(maxW, limitW[t]) + 1e-6, `seed ${seed}: ${w} W at step ${t}`);
      });
      const delivered = Math.min(needUnits, capacity);
      assert.ok(Math.abs(out.energyWh - whOf(delivered * unitW, STEP_MS)) < 1e-6, `seed ${seed}: delivered ${out.energyWh} Wh`);
      assert.ok(Math.abs(out.cost - bruteEnergy(steps, cap, delivered, unitW)) < 1e-9, `seed ${seed}: cost ${out.cost}`);
    }
  });

  it("plans energy around the programmes already placed", () => {
    const out = plan({
      steps: flat([0.1, 0.2, 0.3]), stepMs: 3_600_000, limitW: [4000, 4000, 4000], baseW: [0, 0, 0],
      fixed: [{ id: "washer", earliest: 0, latestEnd: 3, powerW: [2000] }],
      energy: [{ id: "ev", earliest: 0, latestEnd: 3, energyWh: 5000, maxW: 3000 }],
    });
    assert.deepEqual(out.fixed[0].placed && out.fixed[0].start, 0);
    assert.deepEqual(out.energy[0].powerW, [2000, 3000, 0]);
  });
});

describe("cem planner: grid and split", () => {
  it("takes each step's price from the slot over its middle, scales tiers, and prices unknown steps at the dearest", () => {
    const g = buildGrid([{ start: 0, end: 3_600_000, price: 0.2, tiers: [{ aboveWh: 1000, price: 0.4 }] }, { start: 3_600_000, end: 7_200_000, price: 0.1, co2: 50 }],
      0, 9_000_000, 1_800_000, "cheapest");
    assert.deepEqual(g.steps.map((s) => s.tiers), [
      [{ fromWh: 0, price: 0.2 }, { fromWh: 500, price: 0.4 }], [{ fromWh: 0, price: 0.2 }, { fromWh: 500, price: 0.4 }],
      [{ fromWh: 0, price: 0.1 }], [{ fromWh: 0, price: 0.1 }], [{ fromWh: 0, price: 0.2 }],
    ]);
    assert.equal(g.unknown, 1);
  });

  it("resamples a profile keeping its energy, and finds runs of equal power", () => {
    assert.deepEqual(resample([{ durationMs: 1500, powerW: 2000 }, { durationMs: 500, powerW: 400 }], 1000), [2000, 1200]);
    assert.deepEqual(runsOf([0, 5, 5, 0, 3, 4]), [{ from: 1, to: 3, powerW: 5 }, { from: 4, to: 5, powerW: 3 }, { from: 5, to: 6, powerW: 4 }]);
  });

  it("splits a reduction least important class first, in proportion inside a class", () => {
    const s = split(500, [{ id: "a", priority: 5, availableW: 300 }, { id: "b", priority: 1, availableW: 200 }, { id: "c", priority: 5, availableW: 100 }]);
    assert.deepEqual(s.shares, [{ id: "b", shareW: 200 }, { id: "a", shareW: 225 }, { id: "c", shareW: 75 }]);
    assert.equal(s.achievedW, 500);
    assert.equal(split(900, [{ id: "a", priority: 1, availableW: 200 }]).achievedW, 200);
  });
});
