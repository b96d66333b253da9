/**
 * The building side of a cascaded CEM (JWG2001 Model 2, JWG2002 Model 3): at start the customer's priorities, the
 * building's estimated power profile and its curtailment ability go north; triage proposals (AdjustmentProposals)
 * are answered with the manager's choice: the proposal this building can meet with its flexibility that pays the
 * most, else the one that asks the least. Reduction requests against a plan are load management's.
 */
import type { Envelope } from "../../model/index.ts";
import { iso } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";
import { flexibilityW, sheddable } from "../shed.ts";

const NAME = "cascade";

export function cascade(ctx: CemContext): Policy {
  const estimateW = () => ctx.devices.all().reduce((a, d) => a + Math.max(0, ctx.devices.drawW(d.id) ?? d.cfg.ratedPowerW ?? 0), 0);
  const abilityW = () => sheddable(ctx, ctx.devices.all(), { urgency: "high", mandatory: false }).reduce((a, d) => a + flexibilityW(ctx, d), 0);
  const planW = (p: Envelope<"AdjustmentProposals">["body"]["proposals"][number]["plan"]) => {
    const slots = p.sequences.flatMap((s) => s.slots);
    return Math.max(...slots.map((s) => s.power.value * 10 ** (s.power.multiplier ?? 0)));
  };

  async function choose(m: Envelope<"AdjustmentProposals">) {
    const estimate = estimateW();
    const ability = abilityW();
    const ranked = m.body.proposals.map((p) => ({ p, cutW: Math.max(0, estimate - planW(p.plan)), pays: p.incentive ? p.incentive.amount.value * 10 ** (p.incentive.amount.multiplier ?? 0) : 0 }));
    const feasible = ranked.filter((r) => r.cutW <= ability + 1e-6).sort((a, b) => b.pays - a.pays || a.cutW - b.cutW);
    const pick = feasible[0] ?? [...ranked].sort((a, b) => a.cutW - b.cutW)[0];
    await ctx.north("ProposalSelection", { proposalId: pick.p.id }, { correlationId: m.id });
    await ctx.north("PowerProfile", { ...pick.p.plan, kind: "selected", scope: { kind: "building", id: ctx.site } }, { correlationId: m.id });
    await ctx.explain({
      policy: NAME, action: "select proposal", target: "grid", cause: m,
      why: feasible.length ? `proposal ${pick.p.id} is within the building's flexibility and pays the most` : `no proposal is within the building's flexibility; ${pick.p.id} asks the least`,
      numbers: { estimateW: Math.round(estimate), abilityW: Math.round(ability), cutW: Math.round(pick.cutW), proposals: ranked.length },
    });
  }

  /** What the upper CEM plans with: the customer's priorities, the estimated profile, the curtailment ability. */
  async function report() {
    const now = iso(ctx.now());
    const devices = ctx.devices.all();
    await ctx.north("Priorities", {
      aggregated: false,
      items: devices.map((d) => ({ scope: { kind: "device" as const, id: d.id }, priority: d.cfg.priority, category: d.cfg.exempt ? "critical" : "curtailable",
        ...(d.cfg.minPowerW !== undefined ? { minPower: { value: d.cfg.minPowerW, unit: "W" as const } } : {}) })),
    });
    await ctx.north("PowerProfile", {
      kind: "estimated", scope: { kind: "building", id: ctx.site },
      sequences: [{ id: "estimate", direction: "consumption", slots: [{ start: now, duration: ctx.config.planner.horizon, power: { value: Math.round(estimateW()), unit: "W" } }] }],
    });
    await ctx.north("BuildingInfo", { building: ctx.site, curtailmentAbility: { value: Math.round(abilityW()), unit: "W" } });
  }

  return {
    name: NAME,
    types: ["AdjustmentProposals"],
    start() {
      // once the hub is up (the grid side started), not while it boots
      ctx.timers.at("cascade:report", ctx.now(), report);
    },
    async handle(m) {
      if (m.type === "AdjustmentProposals") await choose(m);
    },
  };
}
