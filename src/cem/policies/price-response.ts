/**
 * Price response (JWG18, JWG13, JWG16, WGSP2112): per device thresholds on the import or export price; each run of
 * slots that crosses a threshold becomes a window: discharge the battery while the price is at or above X, charge
 * at or below Y, reduce (the table's decrease rule) at or above Z, consume now at or below W. Tiered prices compare
 * the price of the next Wh after the site's base load in that slot; time-of-use prices are just slots. A storage
 * device is never discharged below its SoC floor: its state of charge is read while a discharge window runs, and
 * the window ends (the actuator restores the device) when the floor is reached.
 */
import type { NeutralMessage } from "../../model/index.ts";
import type { DeviceInfo } from "../devices.ts";
import { iso, toDurationPrecise } from "../durations.ts";
import type { PricedSlot } from "../planner/index.ts";
import type { CemContext, Policy } from "../policy.ts";
import { marginalPrice, type PriceInfo } from "../prices.ts";
import type { WindowItem } from "../windows.ts";

const NAME = "price-response";

type Action = "discharge" | "charge" | "reduce" | "consume";
interface Run { action: Action; start: number; end: number; price: number }

const ACTIONS: { action: Action; field: "dischargeAbove" | "chargeBelow" | "offAbove" | "onBelow"; above: boolean }[] = [
  { action: "discharge", field: "dischargeAbove", above: true }, { action: "charge", field: "chargeBelow", above: false },
  { action: "reduce", field: "offAbove", above: true }, { action: "consume", field: "onBelow", above: false },
];

export function priceResponse(ctx: CemContext): Policy {
  const socCheckMs = ctx.ms(ctx.config.policies.priceResponse.socCheck);
  const exhausted = new Set<string>();

  function runs(d: DeviceInfo, info: PriceInfo): Run[] {
    const pr = d.cfg.priceResponse!;
    const now = ctx.now();
    const future = info.slots.filter((s) => s.end > now).sort((a, b) => a.start - b.start);
    const priceOf = (s: PricedSlot) => marginalPrice(s, (ctx.config.site.baseLoadW * (s.end - s.start)) / 3_600_000);
    const out: Run[] = [];
    for (const a of ACTIONS) {
      const threshold = pr[a.field];
      if (threshold === undefined) continue;
      for (const s of future) {
        const p = priceOf(s);
        if (p === undefined || (a.above ? p < threshold : p > threshold)) continue;
        const last = out[out.length - 1];
        if (last && last.action === a.action && last.end === s.start) {
          last.end = s.end;
          last.price = a.above ? Math.min(last.price, p) : Math.max(last.price, p);
        } else out.push({ action: a.action, start: s.start, end: s.end, price: p });
      }
    }
    return out;
  }

  function item(d: DeviceInfo, r: Run, powerW: number | undefined): WindowItem {
    const direction = r.action === "discharge" ? "generation" : "consumption";
    const request = r.action === "reduce" ? "decrease" : "increase";
    return {
      type: "LoadGenerationManagement", start: r.start, end: r.end,
      body: { scope: { kind: "device", id: d.id }, direction, request, urgency: "normal", mandatory: false,
        slots: [{ duration: toDurationPrecise(r.end - r.start), ...(powerW ? { power: { value: powerW, unit: "W" as const } } : {}) }] },
    };
  }

  async function readSoc(d: DeviceInfo): Promise<number | undefined> {
    const point = d.table?.report?.DeviceStatus?.soc;
    const v = point ? (await ctx.devices.read(d.id, [point]))[point] : undefined;
    return typeof v === "number" ? v : ctx.devices.soc(d.id);
  }

  /** Ends a running discharge window once the state of charge is at the floor; re-arms while any is left. */
  async function guard(d: DeviceInfo) {
    const floor = d.cfg.socFloor!;
    const now = ctx.now();
    const keys = ctx.windows.keys(`pr:${d.id}:discharge@`);
    const running = keys.filter((k) => ctx.windows.items(k).some((i) => i.start <= now && now < i.end));
    if (running.length) {
      const soc = await readSoc(d);
      if (soc !== undefined && soc <= floor) {
        for (const k of running) {
          exhausted.add(k);
          await ctx.windows.cancel(k);
        }
        await ctx.explain({ policy: NAME, action: "stop discharge", target: d.id, why: `state of charge ${soc} % reached the floor ${floor} %`, numbers: { soc, socFloor: floor } });
      }
    }
    if (ctx.windows.keys(`pr:${d.id}:discharge@`).some((k) => ctx.windows.items(k).some((i) => i.end > ctx.now()))) {
      ctx.timers.at(`pr-soc:${d.id}`, ctx.now() + socCheckMs, () => guard(d));
    }
  }

  async function respond(d: DeviceInfo, info: PriceInfo, cause: NeutralMessage) {
    const pr = d.cfg.priceResponse!;
    const powerW = pr.powerW ?? d.cfg.ratedPowerW;
    const batch = ctx.batch(cause);
    const wanted = new Set<string>();
    const planned = runs(d, info);
    for (const r of planned) {
      const key = `pr:${d.id}:${r.action}@${r.start}`;
      if (exhausted.has(key)) continue;
      if ((r.action === "discharge" || r.action === "charge") && !powerW) {
        await ctx.explain({ policy: NAME, action: r.action, target: d.id, cause, outcome: "refused", why: "no power: give priceResponse.powerW or ratedPowerW", numbers: {} });
        continue;
      }
      wanted.add(key);
      await ctx.windows.replace(batch, key, d.id, [item(d, r, r.action === "reduce" || r.action === "consume" ? d.cfg.ratedPowerW : powerW)]);
      await ctx.explain({
        policy: NAME, action: r.action, target: d.id, cause,
        why: `${info.flow} price ${r.price} ${r.action === "discharge" || r.action === "reduce" ? ">=" : "<="} threshold from ${iso(r.start)} to ${iso(r.end)}`,
        numbers: { price: r.price, threshold: pr[ACTIONS.find((a) => a.action === r.action)!.field] ?? null, start: iso(r.start), end: iso(r.end), powerW: powerW ?? null },
      });
      if (r.action === "discharge" && d.cfg.socFloor !== undefined) ctx.timers.at(`pr-soc-at:${key}`, r.start, () => guard(d));
    }
    for (const k of ctx.windows.keys(`pr:${d.id}:`)) if (!wanted.has(k)) await ctx.windows.cancel(k);
    void batch.settled();
  }

  return {
    name: NAME,
    types: ["PriceEnvironmentProfile", "Tariff"],
    async handle(m) {
      const flow = m.type === "PriceEnvironmentProfile" ? m.body.flow : m.type === "Tariff" ? m.body.profile.flow : undefined;
      const info = flow ? ctx.prices.get(flow) : undefined;
      if (!info) return;
      const devices = ctx.devices.all().filter((d) => d.cfg.priceResponse && d.cfg.priceResponse.flow === flow);
      if (!devices.length) return;
      if (!ctx.mode.market) {
        await ctx.explain({ policy: NAME, action: "pause", target: ctx.site, cause: m, why: `no price response while the grid is ${ctx.mode.disaster ? "in a disaster" : ctx.mode.light}` });
        return;
      }
      for (const d of devices) await respond(d, info, m);
    },
  };
}
