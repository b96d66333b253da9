/** DERControlBase -> plain control values per mode, then messages through the grid table's `der` rules. */
import type { DERControlBaseValue } from "../codec/index.ts";
import { plan, type ControlValue, type PlanContext, type PlannedMessage } from "./plan.ts";
import { derModes, type DerMode, type GridMap } from "./table.ts";

const pow10 = (value: number, multiplier: number) => value * 10 ** multiplier;
const curveModes = new Set<DerMode>(["opModFreqWatt", "opModVoltVar", "opModVoltWatt", "opModWattPF", "opModWattVar"]);

export interface DerContext extends PlanContext {
  /** the DER's setMaxW (W): converts percentages to watts and back; absent = no conversion */
  setMaxW?: number;
  /** the DERCurve a curve mode links to (fetched by the client) */
  curve(href: string): unknown;
}

/** The plain value of one mode, or undefined when the control does not carry it. */
export function modeValue(base: DERControlBaseValue, mode: DerMode, ctx: Pick<DerContext, "setMaxW" | "curve">): ControlValue | undefined {
  const toWatts = (percent: number) => (ctx.setMaxW !== undefined ? (percent / 100) * ctx.setMaxW : undefined);
  switch (mode) {
    case "opModConnect":
    case "opModEnergize":
      return base[mode] === undefined ? undefined : { bool: base[mode] };
    case "opModMaxLimW":
    case "opModFixedW": {
      const v = base[mode];
      if (v === undefined) return undefined;
      const percent = v / 100;
      const watts = toWatts(percent);
      return { percent, ...(watts !== undefined ? { watts } : {}) };
    }
    case "opModTargetW": {
      const v = base.opModTargetW;
      if (!v) return undefined;
      const watts = pow10(v.value, v.multiplier);
      return { watts, ...(ctx.setMaxW ? { percent: (watts / ctx.setMaxW) * 100 } : {}) };
    }
    case "opModFixedPFAbsorbW":
    case "opModFixedPFInjectW": {
      const v = base[mode];
      return v ? { powerFactor: pow10(v.displacement, v.multiplier), bool: v.excitation } : undefined;
    }
    case "opModFixedVar":
      return base.opModFixedVar ? { percent: base.opModFixedVar.value / 100 } : undefined;
    case "opModTargetVar":
      return base.opModTargetVar ? { vars: pow10(base.opModTargetVar.value, base.opModTargetVar.multiplier) } : undefined;
    default: {
      const link = curveModes.has(mode) ? base[mode] : undefined;
      return link ? { curve: ctx.curve(link.href) ?? { href: link.href } } : undefined;
    }
  }
}

/** The modes a control carries (for supersession: two controls conflict only where their modes meet). */
export function modesOf(base: DERControlBaseValue): DerMode[] {
  return derModes.filter((m) => base[m] !== undefined);
}

export interface DerPlan {
  messages: PlannedMessage[];
  /** modes the table has no rule for, or whose rule could not be applied, with why */
  skipped: { mode: string; reason: string }[];
}

export function planDer(base: DERControlBaseValue, map: GridMap, ctx: DerContext): DerPlan {
  const out: DerPlan = { messages: [], skipped: [] };
  for (const mode of modesOf(base)) {
    const value = modeValue(base, mode, ctx);
    if (!value) continue;
    try {
      const made = plan(mode, map.der[mode], value, ctx);
      if (!made.length) out.skipped.push({ mode, reason: map.der[mode] ? "the table's rule makes no message" : "the table has no rule for it" });
      out.messages.push(...made);
    } catch (err) {
      out.skipped.push({ mode, reason: (err as Error).message });
    }
  }
  return out;
}
