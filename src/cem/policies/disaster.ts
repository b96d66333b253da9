/**
 * Disaster accommodation (JWG21, JWG2042). On the disaster signal the devices the user did not prioritise are
 * switched off one by one, least important first; prioritised storage charges rapidly; the accommodation report
 * goes north. A scheduled blackout stops the prioritised devices `blackoutLead` before its start and gives them
 * back at its end. `disaster.active: false` gives everything back and market planning resumes.
 */
import type { Command, Envelope } from "../../model/index.ts";
import type { DeviceInfo } from "../devices.ts";
import { iso } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";

const NAME = "disaster";
const OWNER = "disaster";
const BLACKOUT = "blackout";

function isStorage(d: DeviceInfo): boolean {
  return d.deviceClass === "storage-battery" || d.deviceClass === "evse" || d.deviceClass === "ev";
}

export function disaster(ctx: CemContext): Policy {
  const leadMs = ctx.ms(ctx.config.policies.disaster.blackoutLead);
  const firstOf = (d: DeviceInfo, commands: Command[]) => commands.find((c) => ctx.devices.answers(d.id, `Command.${c.action}`));

  async function declare(m: Envelope<"GridStatus">) {
    const batch = ctx.batch(m);
    const entries: { at: string; device: string; event: string; detail?: string }[] = [];
    const at = () => iso(ctx.now());
    for (const d of ctx.devices.all().sort((a, b) => a.cfg.priority - b.cfg.priority)) {
      if (d.cfg.exempt) continue;
      const command = d.cfg.keepInDisaster ? (isStorage(d) ? firstOf(d, [{ action: "charge", rapid: true }]) : undefined) : firstOf(d, [{ action: "off" }, { action: "standby" }]);
      if (!command) {
        if (d.cfg.keepInDisaster) entries.push({ at: at(), device: d.id, event: "kept", detail: "prioritised by the user" });
        continue;
      }
      await ctx.overrides.apply(batch, OWNER, d.id, command);
      entries.push({ at: at(), device: d.id, event: command.action === "charge" ? "rapid charge" : command.action, detail: `priority ${d.cfg.priority}` });
      await ctx.explain({
        policy: NAME, action: `command ${command.action}`, target: d.id, cause: m,
        why: d.cfg.keepInDisaster ? "disaster: prioritised storage charges rapidly" : "disaster: orderly off, least important first", numbers: { priority: d.cfg.priority },
      });
    }
    await ctx.mode.set({ disaster: true });
    ctx.answer(m, "GridStatus", batch, NAME);
    await ctx.north("LogInfo", { kind: "accommodation-report", entries }, { correlationId: m.id });
  }

  async function blackout(m: Envelope<"GridStatus">, start: number, end: number) {
    ctx.timers.at("disaster:blackout", start - leadMs, async () => {
      const batch = ctx.batch(m);
      for (const d of ctx.devices.all().filter((x) => x.cfg.keepInDisaster && !x.cfg.exempt)) {
        const command = firstOf(d, [{ action: "standby" }, { action: "off" }]);
        if (!command) continue;
        await ctx.overrides.apply(batch, BLACKOUT, d.id, command);
        await ctx.explain({ policy: NAME, action: `command ${command.action}`, target: d.id, cause: m, why: `scheduled blackout at ${iso(start)}`, numbers: { leadMs } });
      }
      void batch.settled();
    });
    ctx.timers.at("disaster:blackout-end", end, async () => {
      const batch = ctx.batch(m);
      const back = await ctx.overrides.release(batch, BLACKOUT);
      void batch.settled();
      await ctx.explain({ policy: NAME, action: "blackout over", target: ctx.site, cause: m, why: `power back at ${iso(end)}`, numbers: { released: back.length } });
    });
    await ctx.explain({ policy: NAME, action: "blackout scheduled", target: ctx.site, cause: m, why: `prioritised devices stop at ${iso(start - leadMs)}`, numbers: { start: iso(start), end: iso(end) } });
  }

  async function lift(m: Envelope<"GridStatus">) {
    ctx.timers.cancel("disaster:blackout");
    ctx.timers.cancel("disaster:blackout-end");
    const batch = ctx.batch(m);
    const back = [...await ctx.overrides.release(batch, BLACKOUT), ...await ctx.overrides.release(batch, OWNER)];
    await ctx.explain({ policy: NAME, action: "lift", target: ctx.site, cause: m, why: "disaster over: devices given back, normal plans resume", numbers: { released: back.length } });
    ctx.answer(m, "GridStatus", batch, NAME);
    await ctx.mode.set({ disaster: false });
  }

  return {
    name: NAME,
    types: ["GridStatus"],
    wants: (m) => m.type === "GridStatus" && (m.body.disaster !== undefined || m.body.scheduledBlackout !== undefined),
    async handle(m) {
      if (m.type !== "GridStatus") return;
      const { disaster: signal, scheduledBlackout } = m.body;
      if (signal?.active === false) return lift(m);
      if (signal?.active && !ctx.mode.disaster) await declare(m);
      if (scheduledBlackout) await blackout(m, Date.parse(scheduledBlackout.start), Date.parse(scheduledBlackout.end));
    },
  };
}
