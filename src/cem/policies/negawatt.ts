/**
 * Negawatt trading (JWG22, A.1.23). A day-ahead request (date, window, area amount) is answered with a bid: the
 * reduction the site's flexible devices can give now (at most the area amount) at the customer's price. Nothing
 * moves until the bid result: only an accepted bid schedules the reduction (the awarded amount, else the bid) for
 * the window, split across the devices like any load management request.
 */
import { toUnit, type Envelope } from "../../model/index.ts";
import { iso } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";
import { achievedW, flexibilityW, shed, sheddable } from "../shed.ts";

const NAME = "negawatt";
const TERMS = { urgency: "normal" as const, mandatory: true };

interface Bid { request: Envelope<"NegawattRequest">; reductionW: number }

export function negawatt(ctx: CemContext): Policy {
  const price = ctx.config.policies.negawatt!.price;
  const bids = new Map<string, Bid>();

  async function bid(m: Envelope<"NegawattRequest">) {
    const flexible = sheddable(ctx, ctx.devices.all(), TERMS).reduce((a, d) => a + flexibilityW(ctx, d), 0);
    const reductionW = Math.min(flexible, toUnit(m.body.areaAmount, "W"));
    if (reductionW <= 0) {
      await ctx.explain({ policy: NAME, action: "no bid", target: "grid", cause: m, outcome: "refused", why: "no flexible load to offer", numbers: { flexibleW: 0 } });
      return;
    }
    const sent = await ctx.north("NegawattBid", { requestId: m.id, reduction: { value: Number((reductionW / 1000).toFixed(3)), multiplier: 3, unit: "W" }, price: { value: price, unit: "currency/kWh" } }, { correlationId: m.id });
    bids.set(sent.id, { request: m, reductionW });
    await ctx.explain({ policy: NAME, action: "bid", target: "grid", cause: m, why: `${Math.round(reductionW)} W of flexible load for ${m.body.window.start}..${m.body.window.end}`,
      numbers: { flexibleW: Math.round(flexible), bidW: Math.round(reductionW), price } });
  }

  async function result(m: Envelope<"BidResult">) {
    const b = bids.get(m.body.bidId);
    if (!b) {
      await ctx.explain({ policy: NAME, action: "bid result", target: "grid", cause: m, outcome: "refused", why: `no bid ${m.body.bidId}` });
      return;
    }
    bids.delete(m.body.bidId);
    if (!m.body.accepted) {
      await ctx.explain({ policy: NAME, action: "bid rejected", target: "grid", cause: m, why: "not awarded: nothing is scheduled", numbers: {} });
      return;
    }
    const reduceW = m.body.awarded ? toUnit(m.body.awarded, "W") : b.reductionW;
    const window = { start: Date.parse(b.request.body.window.start), end: Date.parse(b.request.body.window.end), reduceW };
    const batch = ctx.batch(m);
    const plan = await shed(ctx, batch, { key: `nw:${m.body.bidId}`, windows: [window], candidates: sheddable(ctx, ctx.devices.all(), TERMS), ...TERMS });
    await ctx.explain({ policy: NAME, action: "schedule reduction", target: ctx.site, cause: m, why: `bid accepted: ${Math.round(reduceW)} W from ${iso(window.start)} to ${iso(window.end)}`,
      numbers: { awardedW: Math.round(reduceW), devices: plan.devices.length } });
    ctx.answer(m, "BidResult", batch, NAME, (answers) => {
      const got = achievedW(plan, answers);
      return { outcome: got >= reduceW - 0.5 ? "successful" : got > 0 ? "partial" : "unsuccessful", achievedW: got };
    });
  }

  return {
    name: NAME,
    types: ["NegawattRequest", "BidResult"],
    async handle(m) {
      if (m.type === "NegawattRequest") await bid(m);
      if (m.type === "BidResult") await result(m);
    },
  };
}
