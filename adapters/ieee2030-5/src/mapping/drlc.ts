/** EndDeviceControl -> plain control values per control kind, then messages through the `drlc` rules. */
import type { EndDeviceControlValue } from "../codec/index.ts";
import type { DerPlan } from "./der.ts";
import { plan, type ControlValue, type PlanContext } from "./plan.ts";
import { drlcControls, type DrlcControl, type GridMap } from "./table.ts";

/** TargetReduction unit types (2030.5 UnitType): 1 kW, 2 W. */
const TARGET_WATTS: Readonly<Record<number, number>> = { 1: 1000, 2: 1 };

export function controlValue(c: EndDeviceControlValue, kind: DrlcControl): ControlValue | undefined {
  switch (kind) {
    case "DutyCycle":
      return c.DutyCycle ? { percent: c.DutyCycle.normalValue } : undefined;
    case "Offset": {
      const o = c.Offset;
      if (!o) return undefined;
      // the offset is subtracted from the normal setting, added when the load shifts forward
      const pct = o.loadAdjustmentPercentageOffset;
      return pct === undefined ? {} : { percent: (c.loadShiftForward ? pct : -pct) / 100 };
    }
    case "SetPoint": {
      const s = c.SetPoint;
      if (!s) return undefined;
      return {
        ...(s.coolingSetpoint !== undefined ? { cooling: s.coolingSetpoint / 100 } : {}),
        ...(s.heatingSetpoint !== undefined ? { heating: s.heatingSetpoint / 100 } : {}),
      };
    }
    case "TargetReduction": {
      const t = c.TargetReduction;
      if (!t) return undefined;
      const factor = TARGET_WATTS[t.type];
      return factor ? { watts: t.value * factor } : {};
    }
    case "ApplianceLoadReduction":
      return c.ApplianceLoadReduction ? { code: c.ApplianceLoadReduction.type } : undefined;
  }
}

export function planDrlc(c: EndDeviceControlValue, map: GridMap, ctx: PlanContext): DerPlan {
  const out: DerPlan = { messages: [], skipped: [] };
  for (const kind of drlcControls) {
    const value = controlValue(c, kind);
    if (!value) continue;
    try {
      const made = plan(kind, map.drlc[kind], value, ctx);
      if (!made.length) out.skipped.push({ mode: kind, reason: map.drlc[kind] ? "the table's rule makes no message" : "the table has no rule for it" });
      out.messages.push(...made);
    } catch (err) {
      out.skipped.push({ mode: kind, reason: (err as Error).message });
    }
  }
  return out;
}
