/** A device's load curve over a window, from the telemetry history of the point its table reports power from. */
import { fromUnit, type BodyOf } from "../model/index.ts";
import type { EngineeringUnit } from "../model/quantity.ts";
import { iso } from "./durations.ts";
import type { CemContext } from "./policy.ts";

export async function loadCurve(ctx: CemContext, device: string, from: number, to: number): Promise<BodyOf<"Metering"> | undefined> {
  const table = ctx.devices.get(device)?.table;
  const point = table?.report?.InstantaneousPower?.power;
  const unit = point ? table!.points[point]?.unit : undefined;
  if (!point || !unit) return undefined;
  const rows = await ctx.store.queryTelemetry({ device, point, from: iso(from), to: iso(to), limit: 2000 });
  const readings = rows.filter((r) => typeof r.value === "number").map((r) => ({ at: r.ts, power: fromUnit(r.value as number, unit as EngineeringUnit) }));
  return readings.length ? { meter: device, kind: "load-curve", readings } : undefined;
}
