/**
 * Load/generation management (JWG14, JWG212x, WGSP2121, JWG2001): a requested reduction of consumption, absolute
 * (W) or relative (% of what the devices draw now), is split across the devices by the customer's priorities and
 * their flexibility; one Result goes north with what was achieved (partial when the request is out of reach). Other
 * requests (generation limits, increases, setpoints) go to the devices whose tables act on them. A modification
 * (same origin) re-plans; an end in the past cancels. At the end each reduced device's load curve goes north, and a
 * request against a plan (baseline.planRef, cascaded CEM) gets a suppression performance report.
 */
import { placeSlots, type Envelope, type LoadGenerationManagement, type NeutralMessage } from "../../model/index.ts";
import { loadCurve } from "../curves.ts";
import { iso } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";
import { achievedW, flexibilityW, reductionW, shed, sheddable } from "../shed.ts";
import { keyOf, spanOf } from "../span.ts";

const NAME = "load-management";
const round = (w: number) => Math.round(w);

function isReduction(b: LoadGenerationManagement): boolean {
  return (b.direction === "consumption" || b.direction === "net-import") && (b.request === "decrease" || b.request === "limit");
}

export function loadManagement(ctx: CemContext): Policy {
  const groupId = ctx.config.policies.group?.id;

  async function cancel(m: NeutralMessage, key: string) {
    let n = 0;
    for (const k of ctx.windows.keys(`${key}:`)) n += await ctx.windows.cancel(k);
    ctx.timers.cancel(`${key}:curve`);
    await ctx.explain({ policy: NAME, action: "cancel", target: ctx.site, cause: m, why: "the grid ended the request", numbers: { windows: n } });
    await ctx.north("Result", { of: "LoadGenerationManagement", outcome: "successful", at: iso(ctx.now()) }, { correlationId: m.id });
  }

  async function reduce(m: Envelope<"LoadGenerationManagement">, key: string, start: number, end: number) {
    const b = m.body;
    const terms = { urgency: b.urgency, mandatory: b.mandatory, ...(b.baseline ? { baseline: b.baseline } : {}) };
    const candidates = sheddable(ctx, ctx.devices.inScope(b.scope), terms);
    const baselineW = candidates.reduce((a, d) => a + (ctx.devices.drawW(d.id) ?? d.cfg.ratedPowerW ?? 0), 0);
    const windows = placeSlots(b.slots, start).map((s) => ({ start: Math.max(s.start, start), end: Math.min(s.end, end), reduceW: reductionW(b.request, s.slot, baselineW) }))
      .filter((w) => w.end > w.start);
    const requested = Math.max(0, ...windows.map((w) => w.reduceW));
    const batch = ctx.batch(m);
    const plan = await shed(ctx, batch, { key, windows, candidates, ...terms });
    for (const d of candidates) {
      const share = Math.max(0, ...plan.perWindow.map((s) => s.shares.find((x) => x.id === d.id)?.shareW ?? 0));
      if (share <= 0) continue;
      await ctx.explain({
        policy: NAME, action: "reduce", target: d.id, cause: m,
        why: `${round(requested)} W requested (${b.urgency}${b.mandatory ? ", mandatory" : ""}); priority ${d.cfg.priority} gives ${round(share)} W of its ${round(flexibilityW(ctx, d))} W flexibility`,
        numbers: { requestedW: round(requested), shareW: round(share), priority: d.cfg.priority, flexibilityW: round(flexibilityW(ctx, d)), baselineW: round(baselineW) },
      });
    }
    if (!plan.devices.length) {
      await ctx.explain({ policy: NAME, action: "reduce", target: ctx.site, cause: m, outcome: "refused", why: "no device can reduce (exempt, no flexibility, or no table rule)", numbers: { requestedW: round(requested) } });
    }
    ctx.answer(m, "LoadGenerationManagement", batch, NAME, (answers) => {
      const got = achievedW(plan, answers);
      const outcome = got >= requested - 0.5 ? "successful" : got > 0 ? "partial" : "unsuccessful";
      return { outcome, achievedW: got, ...(outcome !== "successful" ? { reason: `${round(got)} W of the ${round(requested)} W requested can be achieved` } : {}) };
    });
    if (b.baseline && typeof b.baseline === "object") {
      void batch.settled().then(async (answers) => {
        const ok = new Set(answers.filter((a) => a.outcome === "successful").map((a) => a.recipient));
        const at = iso(ctx.now());
        await ctx.north("LogInfo", {
          kind: "suppression-performance",
          entries: plan.devices.map((id) => ({
            at, device: id, event: ok.has(id) ? "reduced" : "not reduced",
            value: { value: round(Math.max(0, ...plan.perWindow.map((s) => s.shares.find((x) => x.id === id)?.shareW ?? 0))), unit: "W" as const },
            detail: `against plan ${(b.baseline as { planRef: string }).planRef}`,
          })),
        }, { correlationId: m.id });
      });
    }
    ctx.timers.at(`${key}:curve`, end, async () => {
      for (const id of plan.devices) {
        const curve = await loadCurve(ctx, id, start - (end - start), end);
        if (curve) await ctx.north("Metering", curve, { correlationId: m.id });
      }
    });
  }

  async function relay(m: Envelope<"LoadGenerationManagement">, key: string, start: number, end: number) {
    const batch = ctx.batch(m);
    const at = Math.max(ctx.now(), start);
    const targets = ctx.devices.inScope(m.body.scope).filter((d) => ctx.devices.wouldApply(d.id, m as NeutralMessage, at));
    for (const d of targets) {
      await ctx.windows.replace(batch, `${key}:${d.id}`, d.id, [{ type: "LoadGenerationManagement", body: { ...m.body, scope: { kind: "device", id: d.id } }, start, end }]);
      await ctx.explain({ policy: NAME, action: `relay ${m.body.request} ${m.body.direction}`, target: d.id, cause: m, why: "its table acts on this request", numbers: {} });
    }
    ctx.answer(m, "LoadGenerationManagement", batch, NAME);
  }

  return {
    name: NAME,
    types: ["LoadGenerationManagement"],
    wants: (m) => m.type === "LoadGenerationManagement" && !(groupId && m.body.scope.kind === "group" && m.body.scope.id === groupId),
    async handle(m) {
      if (m.type !== "LoadGenerationManagement") return;
      const key = keyOf("lm", m);
      const { start, end } = spanOf(ctx, m);
      if (end <= ctx.now()) return cancel(m, key);
      return isReduction(m.body) ? reduce(m, key, start, end) : relay(m, key, start, end);
    },
  };
}
