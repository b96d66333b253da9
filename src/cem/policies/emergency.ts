/**
 * Emergency from the grid (OpenADR SIMPLE level 3, a 2030.5 control in an emergency program): every non-exempt device
 * to its emergency state within the one pass, the devices' Results folded into one confirmation north, and
 * everything given back at `phase: end`, at a cancellation (same origin, end in the past) or at the validity end.
 */
import type { Envelope } from "../../model/index.ts";
import { engageEmergency, releaseEmergency } from "../emergency-shed.ts";
import type { CemContext, Policy } from "../policy.ts";
import { keyOf, spanOf } from "../span.ts";

const NAME = "emergency";

export function emergency(ctx: CemContext): Policy {
  const active = new Set<string>();

  async function release(m: Envelope<"Emergency">, keys: string[], why: string, answer = true) {
    const batch = ctx.batch(m);
    let n = 0;
    for (const key of keys) {
      n += await releaseEmergency(ctx, batch, key);
      active.delete(key);
      ctx.timers.cancel(`${key}:end`);
    }
    await ctx.explain({ policy: NAME, action: "end", target: ctx.site, cause: m, why, numbers: { released: n } });
    if (answer) ctx.answer(m, "Emergency", batch, NAME, () => ({ outcome: "successful" }));
  }

  return {
    name: NAME,
    types: ["Emergency"],
    async handle(m) {
      if (m.type !== "Emergency") return;
      const key = keyOf("em", m);
      const { start, end, open } = spanOf(ctx, m);
      if (m.body.phase === "end") return release(m, [...active], "end of emergency message");
      if (end <= ctx.now()) return release(m, active.has(key) ? [key] : [], "the grid cancelled the emergency");
      const batch = ctx.batch(m);
      const r = await engageEmergency(ctx, NAME, batch, key, m, m.body, start, end);
      active.add(key);
      await ctx.explain({
        policy: NAME, action: "engage", target: ctx.site, cause: m, why: `${m.body.mode}${m.body.level !== undefined ? ` level ${m.body.level}` : ""}`,
        numbers: { switched: r.switched.length, exempt: r.exempt.length, unable: r.unable.length },
      });
      ctx.answer(m, "Emergency", batch, NAME);
      if (!open) ctx.timers.at(`${key}:end`, end, () => release(m, [key], "validity end", false));
    },
  };
}
