/**
 * Blackout prevention (JWG8, WGSP2122): every device except the declared exemptions goes to its emergency state.
 * A device whose table answers Emergency gets it as a window (the table's `while` holds, the actuator restores at
 * the end); any other gets the first command its table has of emergencyMode, standby, off (taken back at the end).
 * Which devices and how is pre-agreed configuration, never message content.
 */
import { makeMessage, type Command, type Emergency, type NeutralMessage } from "../model/index.ts";
import type { CemContext } from "./policy.ts";
import type { Batch } from "./tracker.ts";

const FALLBACK: Command[] = [{ action: "emergencyMode", on: true }, { action: "standby" }, { action: "off" }];

export async function engageEmergency(ctx: CemContext, policy: string, batch: Batch, key: string, cause: NeutralMessage,
  body: Emergency, start: number, end: number): Promise<{ switched: string[]; exempt: string[]; unable: string[] }> {
  const out = { switched: [] as string[], exempt: [] as string[], unable: [] as string[] };
  const at = Math.max(ctx.now(), start);
  for (const d of ctx.devices.all().sort((a, b) => a.cfg.priority - b.cfg.priority)) {
    if (d.cfg.exempt) {
      out.exempt.push(d.id);
      await ctx.explain({ policy, action: "exempt", target: d.id, cause, why: "declared exempt from emergency switching (pre-agreed)", numbers: { priority: d.cfg.priority } });
      continue;
    }
    const copy = makeMessage("Emergency", body, { source: ctx.source, targets: [{ kind: "device", id: d.id }] });
    if (ctx.devices.wouldApply(d.id, copy, at)) {
      await ctx.windows.replace(batch, `${key}:${d.id}`, d.id, [{ type: "Emergency", body, start, end }]);
      out.switched.push(d.id);
      await ctx.explain({ policy, action: "emergency", target: d.id, cause, why: `${body.mode}: its table's Emergency rule until the end`, numbers: { level: body.level ?? null } });
      continue;
    }
    const command = FALLBACK.find((c) => ctx.devices.answers(d.id, `Command.${c.action}`));
    if (!command) {
      out.unable.push(d.id);
      await ctx.explain({ policy, action: "emergency", target: d.id, cause, outcome: "refused", why: "its table has no Emergency rule and no emergencyMode, standby or off command", numbers: {} });
      continue;
    }
    const restore = await ctx.overrides.apply(batch, key, d.id, command);
    out.switched.push(d.id);
    await ctx.explain({
      policy, action: `command ${command.action}`, target: d.id, cause, why: `${body.mode}; given back with ${restore.commands.map((c) => c.action).join(", ") || "nothing to restore"}`,
      numbers: { unrestorable: restore.unrestorable.join("; ") || null },
    });
  }
  return out;
}

/** Gives every device back: emergency windows end (the actuator restores), commands are taken back. */
export async function releaseEmergency(ctx: CemContext, batch: Batch, key: string): Promise<number> {
  let n = 0;
  for (const k of ctx.windows.keys(`${key}:`)) n += await ctx.windows.cancel(k);
  n += (await ctx.overrides.release(batch, key)).length;
  return n;
}
