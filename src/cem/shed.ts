/**
 * Reducing consumption by a requested amount: the devices that can give (not exempt, with flexibility, whose table
 * answers a reduction) are split by the customer's priorities; each gets a LoadGenerationManagement decrease for
 * the window with its share (in W, and as a share of its rated power for tables that dim or throttle by %).
 */
import { makeMessage, toUnit, type LoadGenerationManagement, type Quantity, type Urgency } from "../model/index.ts";
import type { DeviceInfo } from "./devices.ts";
import { split, type Split } from "./planner/index.ts";
import type { CemContext } from "./policy.ts";
import { toDurationPrecise } from "./durations.ts";
import type { Answer, Batch } from "./tracker.ts";

export interface ShedRequest {
  /** windows key: a later request with the same key replaces this one */
  key: string;
  /** one reduction per window (W) */
  windows: { start: number; end: number; reduceW: number }[];
  candidates: DeviceInfo[];
  urgency: Urgency;
  mandatory: boolean;
  baseline?: LoadGenerationManagement["baseline"];
}

export interface ShedPlan { perWindow: Split[]; devices: string[] }

/** How far a device can reduce now: its declared flexibility, no more than it draws above its minimum. */
export function flexibilityW(ctx: CemContext, d: DeviceInfo): number {
  const declared = d.cfg.decreaseW > 0 ? d.cfg.decreaseW : d.cfg.ratedPowerW !== undefined ? d.cfg.ratedPowerW - (d.cfg.minPowerW ?? 0) : 0;
  const draw = ctx.devices.drawW(d.id);
  return Math.max(0, draw !== undefined && draw > 0 ? Math.min(declared, draw - (d.cfg.minPowerW ?? 0)) : declared);
}

type Terms = Pick<ShedRequest, "urgency" | "mandatory" | "baseline">;

function deviceBody(d: DeviceInfo, shareW: number, durationMs: number, r: Terms): LoadGenerationManagement {
  const rated = d.cfg.ratedPowerW;
  return {
    scope: { kind: "device", id: d.id }, direction: "consumption", request: "decrease", urgency: r.urgency, mandatory: r.mandatory,
    slots: [{ duration: toDurationPrecise(durationMs), power: { value: Math.round(shareW), unit: "W" },
      ...(rated ? { relative: -Math.min(100, Math.round((100 * shareW) / rated)) } : {}) }],
    ...(r.baseline ? { baseline: r.baseline } : {}),
  };
}

/** Devices that would act on a reduction: not exempt, with flexibility, and a matching table rule. */
export function sheddable(ctx: CemContext, among: DeviceInfo[], terms: Terms): DeviceInfo[] {
  return among.filter((d) => {
    if (d.cfg.exempt || flexibilityW(ctx, d) <= 0) return false;
    const probe = makeMessage("LoadGenerationManagement", deviceBody(d, 1, 60_000, terms), { source: ctx.source, targets: [{ kind: "device", id: d.id }] });
    return ctx.devices.wouldApply(d.id, probe, ctx.now());
  });
}

export async function shed(ctx: CemContext, batch: Batch, r: ShedRequest): Promise<ShedPlan> {
  const flex = r.candidates.map((d) => ({ id: d.id, priority: d.cfg.priority, availableW: flexibilityW(ctx, d) }));
  const perWindow = r.windows.map((w) => split(w.reduceW, flex));
  const involved = new Set(perWindow.flatMap((s) => s.shares.filter((x) => x.shareW > 0).map((x) => x.id)));
  for (const d of r.candidates) {
    const items = r.windows.flatMap((w, i) => {
      const share = perWindow[i].shares.find((s) => s.id === d.id)?.shareW ?? 0;
      return share > 0 ? [{ type: "LoadGenerationManagement" as const, body: deviceBody(d, share, w.end - w.start, r), start: w.start, end: w.end }] : [];
    });
    await ctx.windows.replace(batch, `${r.key}:${d.id}`, d.id, items);
  }
  // devices of an earlier version of this request that are no longer asked
  const asked = new Set(r.candidates.map((d) => `${r.key}:${d.id}`));
  for (const k of ctx.windows.keys(`${r.key}:`)) if (!asked.has(k)) await ctx.windows.cancel(k);
  return { perWindow, devices: [...involved] };
}

/** Achieved = the shares of the devices that answered successfully (the largest window counts). */
export function achievedW(plan: ShedPlan, answers: Answer[]): number {
  const ok = new Set(answers.filter((a) => a.outcome === "successful").map((a) => a.recipient));
  return Math.max(0, ...plan.perWindow.map((s) => s.shares.filter((x) => ok.has(x.id)).reduce((a, x) => a + x.shareW, 0)));
}

/** What a request asks to shed, in W, from its slot and a baseline (the candidates' draw now). */
export function reductionW(request: LoadGenerationManagement["request"], slot: { power?: Quantity; relative?: number }, baselineW: number): number {
  if (slot.power) {
    const p = toUnit(slot.power, "W");
    return request === "limit" || request === "setpoint" ? Math.max(0, baselineW - p) : Math.abs(p);
  }
  if (slot.relative !== undefined) {
    return request === "limit" || request === "setpoint" ? Math.max(0, (baselineW * (100 - slot.relative)) / 100) : (baselineW * Math.abs(slot.relative)) / 100;
  }
  return 0;
}
