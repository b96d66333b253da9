/** From times to the planner's step grid and back: prices (or CO2) per step, profiles per step, runs of equal power. */
import type { Step } from "./types.ts";

export interface PricedSlot {
  start: number;
  end: number;
  /** currency/kWh */
  price?: number;
  /** gCO2/kWh */
  co2?: number;
  /** further price levels once the slot's energy exceeds `aboveWh` */
  tiers?: { aboveWh: number; price: number }[];
}

export type Objective = "cheapest" | "greenest";

export interface Grid {
  origin: number;
  stepMs: number;
  steps: Step[];
  /** steps whose price (or CO2) no slot gave: they cost the dearest known value, so plans avoid them */
  unknown: number;
}

export const MAX_STEPS = 5000;

/**
 * Steps of `stepMs` from `origin` to `end`. Each step takes the slot that covers its middle; tier thresholds are
 * scaled to the step's share of the slot. `greenest` ranks by CO2 intensity and ignores price tiers.
 */
export function buildGrid(slots: PricedSlot[], origin: number, end: number, stepMs: number, objective: Objective): Grid {
  const n = Math.max(0, Math.min(MAX_STEPS, Math.ceil((end - origin) / stepMs)));
  const valueOf = (s: PricedSlot) => (objective === "greenest" ? s.co2 : s.price);
  const known = slots.map(valueOf).filter((v): v is number => v !== undefined);
  const dearest = known.length ? Math.max(...known) : 0;
  let unknown = 0;
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const mid = origin + (i + 0.5) * stepMs;
    const slot = slots.find((s) => s.start <= mid && mid < s.end);
    const v = slot ? valueOf(slot) : undefined;
    if (v === undefined) {
      unknown++;
      steps.push({ tiers: [{ fromWh: 0, price: dearest }] });
      continue;
    }
    const share = stepMs / (slot!.end - slot!.start);
    const more = objective === "cheapest" ? (slot!.tiers ?? []).map((t) => ({ fromWh: t.aboveWh * share, price: t.price })) : [];
    steps.push({ tiers: [{ fromWh: 0, price: v }, ...more.filter((t) => t.fromWh > 0).sort((a, b) => a.fromWh - b.fromWh)] });
  }
  return { origin, stepMs, steps, unknown };
}

/** A power profile (durations and powers) as one average power per step, energy kept. */
export function resample(profile: { durationMs: number; powerW: number }[], stepMs: number): number[] {
  const total = profile.reduce((a, p) => a + p.durationMs, 0);
  const n = Math.ceil(total / stepMs);
  const out = new Array<number>(n).fill(0);
  let t = 0;
  for (const p of profile) {
    const end = t + p.durationMs;
    for (let i = Math.floor(t / stepMs); i < n && i * stepMs < end; i++) {
      const overlap = Math.min(end, (i + 1) * stepMs) - Math.max(t, i * stepMs);
      if (overlap > 0) out[i] += (p.powerW * overlap) / stepMs;
    }
    t = end;
  }
  return out;
}

/** The first step that starts at or after `t`. */
export function stepAtOrAfter(g: Pick<Grid, "origin" | "stepMs">, t: number): number {
  return Math.max(0, Math.ceil((t - g.origin) / g.stepMs - 1e-9));
}

/** The number of whole steps between the origin and `t` (an exclusive end index). */
export function stepsUntil(g: Pick<Grid, "origin" | "stepMs">, t: number): number {
  return Math.floor((t - g.origin) / g.stepMs + 1e-9);
}

export function timeOf(g: Pick<Grid, "origin" | "stepMs">, i: number): number {
  return g.origin + i * g.stepMs;
}

/** Contiguous runs of equal non-zero power: [from, to) step indices. */
export function runsOf(powerW: number[]): { from: number; to: number; powerW: number }[] {
  const out: { from: number; to: number; powerW: number }[] = [];
  powerW.forEach((w, i) => {
    const last = out[out.length - 1];
    if (w <= 0) return;
    if (last && last.to === i && Math.abs(last.powerW - w) < 1e-6) last.to = i + 1;
    else out.push({ from: i, to: i + 1, powerW: w });
  });
  return out;
}
