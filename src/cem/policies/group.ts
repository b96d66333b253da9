/**
 * Group of buildings (JWG2002 Model 3, JWG23): this hub is the group's CEM. A suppression request for the group is
 * split across the member buildings by their priority and curtailment ability (BuildingInfo, else the config),
 * each member CEM gets its share as a LoadGenerationManagement for its building, and once they have answered one
 * aggregated report (LogInfo) and one Result with the total achieved go north. The members are the group hub's
 * VENs over OpenADR (or any transport that carries neutral messages to {kind: building, id: member}).
 */
import { placeSlots, toUnit, type BodyOf, type Envelope } from "../../model/index.ts";
import { iso, toDurationPrecise } from "../durations.ts";
import { split } from "../planner/index.ts";
import type { CemContext, Policy } from "../policy.ts";
import { reductionW } from "../shed.ts";
import { keyOf, spanOf } from "../span.ts";

const NAME = "group";

export function group(ctx: CemContext): Policy {
  const cfg = ctx.config.policies.group!;
  const ability = new Map(Object.entries(cfg.members).map(([id, m]) => [id, m.curtailmentW]));

  async function suppress(m: Envelope<"LoadGenerationManagement">) {
    const key = keyOf("gr", m);
    const { start, end } = spanOf(ctx, m);
    const batch = ctx.batch(m);
    if (end <= ctx.now()) {
      for (const k of ctx.windows.keys(`${key}:`)) await ctx.windows.cancel(k);
      ctx.answer(m, "LoadGenerationManagement", batch, NAME, () => ({ outcome: "successful" }));
      return;
    }
    const b = m.body;
    const baselineW = [...ability.values()].reduce((a, w) => a + w, 0);
    const requested = Math.max(0, ...placeSlots(b.slots, start).map((s) => reductionW(b.request, s.slot, baselineW)));
    const s = split(requested, Object.entries(cfg.members).map(([id, mem]) => ({ id, priority: mem.priority, availableW: ability.get(id) ?? 0 })));
    for (const [id] of Object.entries(cfg.members)) {
      const share = s.shares.find((x) => x.id === id)?.shareW ?? 0;
      const body: BodyOf<"LoadGenerationManagement"> = {
        scope: { kind: "building", id }, direction: "consumption", request: "decrease", urgency: b.urgency, mandatory: b.mandatory,
        slots: [{ duration: toDurationPrecise(end - start), power: { value: Math.round(share), unit: "W" } }],
        ...(b.baseline ? { baseline: b.baseline } : {}),
      };
      await ctx.windows.replace(batch, `${key}:${id}`, { kind: "building", id }, share > 0 ? [{ type: "LoadGenerationManagement", body, start, end }] : []);
      if (share > 0) {
        await ctx.explain({ policy: NAME, action: "share", target: id, cause: m, why: `group ${cfg.id}: ${Math.round(share)} W of ${Math.round(requested)} W by priority ${cfg.members[id].priority}`,
          numbers: { requestedW: Math.round(requested), shareW: Math.round(share), curtailmentW: ability.get(id) ?? 0 } });
      }
    }
    ctx.answer(m, "LoadGenerationManagement", batch, NAME, (answers) => {
      const got = answers.reduce((a, x) => a + (x.achievedW ?? 0), 0);
      return { outcome: got >= requested - 0.5 ? "successful" : got > 0 ? "partial" : "unsuccessful", achievedW: got };
    });
    void batch.settled().then((answers) => ctx.north("LogInfo", {
      kind: "aggregated-suppression-performance",
      entries: answers.map((a) => ({ at: iso(ctx.now()), event: a.outcome, detail: `building ${a.recipient}`, value: { value: Math.round(a.achievedW ?? 0), unit: "W" as const } })),
    }, { correlationId: m.id }));
  }

  return {
    name: NAME,
    types: ["LoadGenerationManagement", "BuildingInfo"],
    wants: (m) => m.type === "BuildingInfo" || (m.type === "LoadGenerationManagement" && m.body.scope.kind === "group" && m.body.scope.id === cfg.id),
    async handle(m) {
      if (m.type === "BuildingInfo" && m.body.building in cfg.members && m.body.curtailmentAbility) {
        ability.set(m.body.building, toUnit(m.body.curtailmentAbility, "W"));
        await ctx.explain({ policy: NAME, action: "member info", target: m.body.building, cause: m, why: "curtailment ability reported", numbers: { curtailmentW: ability.get(m.body.building)! } });
      }
      if (m.type === "LoadGenerationManagement") await suppress(m);
    },
  };
}
