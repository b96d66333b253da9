/**
 * Traffic light grid status (004 §3.4.5.1, WGSP2112). Green: market mode, prices drive flexible starts. Yellow: the
 * devices under a DSM contract reduce by their flexibility (LoadGenerationManagement, mandatory); the others are
 * left alone. Red: the emergency path (every non-exempt device to its emergency state). Each change first takes
 * back what the previous colour did; a status with a validity end falls back to green at that end.
 */
import type { Envelope } from "../../model/index.ts";
import { engageEmergency, releaseEmergency } from "../emergency-shed.ts";
import type { Light } from "../mode.ts";
import type { CemContext, Policy } from "../policy.ts";
import { achievedW, flexibilityW, shed, sheddable } from "../shed.ts";
import { spanOf } from "../span.ts";

const NAME = "traffic-light";
const YELLOW = "tl-yellow";
const RED = "tl-red";

export function trafficLight(ctx: CemContext): Policy {
  async function leave(m: Envelope<"GridStatus">, next: Light) {
    const batch = ctx.batch(m);
    let n = 0;
    if (next !== "yellow") for (const k of ctx.windows.keys(`${YELLOW}:`)) n += await ctx.windows.cancel(k);
    if (next !== "red") n += await releaseEmergency(ctx, batch, RED);
    if (n) await ctx.explain({ policy: NAME, action: "release", target: ctx.site, cause: m, why: `leaving ${ctx.mode.light} for ${next}`, numbers: { released: n } });
  }

  async function apply(m: Envelope<"GridStatus">, light: Light, start: number, end: number) {
    await leave(m, light);
    const batch = ctx.batch(m);
    if (light === "yellow") {
      const terms = { urgency: "high" as const, mandatory: true };
      const contracted = sheddable(ctx, ctx.devices.all().filter((d) => d.cfg.contracted), terms);
      const total = contracted.reduce((a, d) => a + flexibilityW(ctx, d), 0);
      const plan = await shed(ctx, batch, { key: YELLOW, windows: [{ start, end, reduceW: total }], candidates: contracted, ...terms });
      for (const d of contracted) {
        await ctx.explain({ policy: NAME, action: "reduce", target: d.id, cause: m, why: "yellow: DSM contract, mandatory reduction by its flexibility", numbers: { shareW: Math.round(flexibilityW(ctx, d)) } });
      }
      ctx.answer(m, "GridStatus", batch, NAME, (answers) => ({ outcome: answers.every((a) => a.outcome === "successful") ? "successful" : "partial", achievedW: achievedW(plan, answers) }));
    } else if (light === "red") {
      const r = await engageEmergency(ctx, NAME, batch, RED, m, { phase: "start", mode: "emergency-connected-off" }, start, end);
      await ctx.explain({ policy: NAME, action: "red", target: ctx.site, cause: m, why: "red: emergency path", numbers: { switched: r.switched.length, exempt: r.exempt.length } });
      ctx.answer(m, "GridStatus", batch, NAME);
    } else {
      await ctx.explain({ policy: NAME, action: "green", target: ctx.site, cause: m, why: "green: market mode, prices drive planning again", numbers: {} });
    }
    await ctx.mode.set({ light });
  }

  return {
    name: NAME,
    types: ["GridStatus"],
    wants: (m) => m.type === "GridStatus" && m.body.trafficLight !== undefined,
    async handle(m) {
      if (m.type !== "GridStatus" || !m.body.trafficLight) return;
      const { start, end, open } = spanOf(ctx, m);
      ctx.timers.cancel("tl:end");
      if (end <= ctx.now()) return apply(m, "green", start, end);
      await apply(m, m.body.trafficLight, start, end);
      if (!open && m.body.trafficLight !== "green") ctx.timers.at("tl:end", end, () => apply(m, "green", end, end));
    },
  };
}
