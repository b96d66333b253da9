/**
 * Flexible start (JWG1, JWG2, JWG1100-1103, JWG18). Offers come as FlexibleStartOffer messages (a device or a grid
 * adapter that can announce one: an EV's 2030.5 FlowReservationRequest) or are built by the CEM from a programme in
 * the device's `cem.devices` entry, when the device reports waiting-for-start or, for tasks such as "hot water by
 * 07:00", whenever a tariff arrives. All open offers are planned together (planner/) into the cheapest (or
 * lowest-CO2) windows of the current import price profile under the site limit. A programme gets its start time
 * (StartTimeAssignment, re-sent with the same correlationId when a new price moves it, never once it runs), a
 * heating window (LoadGenerationManagement increase) or a temperature window; an energy amount (EV by a deadline)
 * gets charging windows at the planned power. Planning pauses outside market mode (yellow, red, disaster).
 */
import { durationMs, toUnit, type Envelope, type NeutralMessage } from "../../model/index.ts";
import { deadlineOf } from "../clock.ts";
import type { Programme } from "../config.ts";
import { iso, toDurationPrecise } from "../durations.ts";
import { buildGrid, plan, resample, runsOf, stepAtOrAfter, stepsUntil, timeOf, type EnergyLoad, type FixedLoad, type Grid } from "../planner/index.ts";
import type { CemContext, Policy } from "../policy.ts";
import type { WindowItem } from "../windows.ts";

const NAME = "flexible-start";

type Execute = "timer" | "window" | "temperature" | "energy";

interface Offer {
  /** the FlexibleStartOffer message id: assignments carry it as correlationId */
  id: string;
  cause: NeutralMessage;
  device: string;
  earliest: number;
  latestEnd: number;
  execute: Execute;
  profile: { durationMs: number; powerW: number }[];
  energyWh: number;
  maxW: number;
  setpoint?: number;
  startAt?: number;
  started: boolean;
}

const total = (o: Offer) => o.profile.reduce((a, p) => a + p.durationMs, 0);
const powerOf = (i: WindowItem) => (i.body as { slots: { power?: { value: number } }[] }).slots[0].power?.value ?? 0;

export function flexibleStart(ctx: CemContext): Policy {
  const offers = new Map<string, Offer>();
  const programmeOf = (device: string): Programme | undefined => ctx.devices.get(device)?.cfg.programme;

  function fromMessage(m: Envelope<"FlexibleStartOffer">): Offer | string {
    const b = m.body;
    if (!ctx.devices.get(b.device)) return `no device ${b.device} on this site`;
    const slots = b.profile.sequences[0].slots;
    try {
      const energyWh = slots.reduce((a, s) => a + (s.energy ? toUnit(s.energy, "Wh") : 0), 0);
      const base = { id: m.id, cause: m as NeutralMessage, device: b.device, earliest: Date.parse(b.earliestStart), latestEnd: Date.parse(b.latestEnd), started: false };
      if (energyWh > 0) {
        const maxW = Math.max(...slots.map((s) => toUnit(s.powerMax ?? s.power, "W")));
        return { ...base, execute: "energy", profile: [], energyWh, maxW };
      }
      const cfg = programmeOf(b.device);
      const execute: Execute = cfg?.execute ?? (ctx.devices.answers(b.device, "StartTimeAssignment") ? "timer" : "window");
      return {
        ...base, execute, energyWh: 0, maxW: 0, ...(cfg?.setpoint !== undefined ? { setpoint: cfg.setpoint } : {}),
        profile: slots.map((s) => ({ durationMs: durationMs(s.duration), powerW: toUnit(s.power, "W") })),
      };
    } catch (e) {
      return `the offer's profile cannot be read: ${(e as Error).message}`;
    }
  }

  /** The offer the CEM makes on behalf of a device that cannot announce one (its programme in the cem config). */
  async function announce(device: string, p: Programme, latestEnd: number, why: string) {
    const now = ctx.now();
    const slots = p.profile.map((s) => ({ duration: s.duration, power: { value: s.powerW, unit: "W" as const } }));
    const totalMs = p.profile.reduce((a, s) => a + durationMs(s.duration), 0);
    const m = await ctx.north("FlexibleStartOffer", {
      device, programme: "programme", earliestStart: iso(now), latestEnd: iso(latestEnd), duration: toDurationPrecise(totalMs),
      profile: { kind: "estimated", scope: { kind: "device", id: device }, sequences: [{ id: "programme", direction: "consumption", earliestStart: iso(now), latestEnd: iso(latestEnd), slots }] },
      incentiveProgramme: ctx.config.site.objective,
    }, { targets: [{ kind: "cem", id: ctx.site }] });
    await adopt(m, why);
  }

  async function adopt(m: Envelope<"FlexibleStartOffer">, why: string) {
    const o = fromMessage(m);
    if (typeof o === "string") {
      await ctx.explain({ policy: NAME, action: "refuse offer", target: m.body.device, cause: m as NeutralMessage, outcome: "refused", why: o });
      return;
    }
    for (const old of offers.values()) if (old.device === o.device && !old.started && old.execute !== "energy") await drop(old, "replaced by a new offer");
    offers.set(o.id, o);
    await ctx.explain({
      policy: NAME, action: "offer", target: o.device, cause: m as NeutralMessage, why,
      numbers: { earliest: iso(o.earliest), latestEnd: iso(o.latestEnd), ...(o.execute === "energy" ? { energyWh: o.energyWh, maxW: o.maxW } : { durationMs: total(o) }) },
    });
  }

  async function drop(o: Offer, why: string) {
    offers.delete(o.id);
    if (!o.started) await ctx.windows.cancel(`fs:${o.id}`);
    await ctx.explain({ policy: NAME, action: "drop offer", target: o.device, cause: o.cause, why });
  }

  async function expire(now: number) {
    for (const o of [...offers.values()]) {
      if (o.execute === "energy" ? o.latestEnd <= now : o.started ? (o.startAt ?? now) + total(o) <= now : o.latestEnd <= now) {
        await drop(o, o.started || o.execute === "energy" ? "finished" : "its latest end passed before it started");
      }
    }
  }

  /** Energy of the windows already started at `boundary` (carried over unchanged), and those windows clipped there. */
  function committed(o: Offer, boundary: number): { wh: number; items: WindowItem[] } {
    const items = ctx.windows.items(`fs:${o.id}`).filter((i) => i.start < boundary).map((i) => ({ ...i, end: Math.min(i.end, boundary) }));
    return { wh: items.reduce((a, i) => a + (powerOf(i) * (i.end - i.start)) / 3_600_000, 0), items };
  }

  /** consume at `powerW` for the window: "setpoint" for a charging run, "increase" for a heating window */
  function loadItem(o: Offer, start: number, end: number, powerW: number, request: "setpoint" | "increase"): WindowItem {
    return {
      type: "LoadGenerationManagement", start, end,
      body: { scope: { kind: "device", id: o.device }, direction: "consumption", request, urgency: "normal", mandatory: false,
        slots: [{ duration: toDurationPrecise(end - start), power: { value: Math.round(powerW), unit: "W" } }] },
    };
  }

  async function execute(o: Offer, startAt: number, why: string, numbers: Record<string, number | string>, cause: NeutralMessage) {
    const batch = ctx.batch(o.cause);
    const end = startAt + total(o);
    if (o.execute === "timer") {
      await batch.send({ kind: "device", id: o.device }, "StartTimeAssignment", { device: o.device, offerId: o.id, startAt: iso(startAt) }, { origin: `fs:${o.id}` });
    } else {
      const avgW = o.profile.reduce((a, p) => a + p.powerW * p.durationMs, 0) / total(o);
      const item: WindowItem = o.execute === "temperature"
        ? { type: "TemperatureProfile", start: startAt, end, body: { scope: { kind: "device", id: o.device }, slots: [{ duration: toDurationPrecise(end - startAt), setpoint: { value: o.setpoint!, unit: "degC" } }] } }
        : loadItem(o, startAt, end, avgW, "increase");
      await ctx.windows.replace(batch, `fs:${o.id}`, o.device, [item]);
    }
    void batch.settled();
    o.startAt = startAt;
    await ctx.explain({ policy: NAME, action: o.execute === "timer" ? "assign start" : `${o.execute} window`, target: o.device, cause, why, numbers: { startAt: iso(startAt), offer: o.id, ...numbers } });
  }

  async function replan(trigger: string, cause?: NeutralMessage) {
    const now = ctx.now();
    await expire(now);
    const open = [...offers.values()];
    // a programme whose start has come is running: it keeps its place
    for (const o of open) if (o.startAt !== undefined && o.startAt <= now) o.started = true;
    if (!open.some((o) => !o.started)) return;
    if (!ctx.mode.market) {
      await ctx.explain({ policy: NAME, action: "pause", target: ctx.site, why: `${trigger}: no market planning while the grid is ${ctx.mode.disaster ? "in a disaster" : ctx.mode.light}`, numbers: { offers: open.length } });
      return;
    }
    const stepMs = ctx.ms(ctx.config.planner.step);
    const origin = Math.floor(now / stepMs) * stepMs;
    const horizonEnd = Math.min(now + ctx.ms(ctx.config.planner.horizon), Math.max(...open.map((o) => o.latestEnd)));
    const prices = ctx.prices.get("import");
    const objective = ctx.config.site.objective;
    const grid: Grid = buildGrid(prices?.slots ?? [], origin, horizonEnd, stepMs, objective);
    const n = grid.steps.length;
    const baseW = new Array<number>(n).fill(ctx.config.site.baseLoadW);
    const carried = new Map<string, { wh: number; items: WindowItem[] }>();
    for (const o of open.filter((x) => x.execute === "energy")) {
      const c = committed(o, origin + stepMs);
      carried.set(o.id, c);
      for (const i of c.items) if (i.end > origin && n) baseW[0] += (powerOf(i) * (i.end - Math.max(i.start, origin))) / stepMs;
    }
    const fixed: FixedLoad[] = open.filter((o) => o.execute !== "energy").map((o) => ({
      id: o.id, powerW: resample(o.profile, stepMs),
      earliest: stepAtOrAfter(grid, Math.max(o.earliest, now)), latestEnd: stepsUntil(grid, o.latestEnd),
      ...(o.started ? { fixedStart: Math.floor(((o.startAt ?? now) - origin) / stepMs) } : {}),
    }));
    const energy: EnergyLoad[] = open.filter((o) => o.execute === "energy").map((o) => ({
      id: o.id, maxW: o.maxW, energyWh: Math.max(0, o.energyWh - carried.get(o.id)!.wh),
      earliest: Math.max(1, stepAtOrAfter(grid, o.earliest)), latestEnd: stepsUntil(grid, o.latestEnd),
    }));
    const result = plan({ steps: grid.steps, stepMs, limitW: new Array<number>(n).fill(ctx.config.site.importLimitW), baseW, fixed, energy, maxNodes: ctx.config.planner.maxNodes });
    const common = { objective, stepMs, unknownPriceSteps: grid.unknown, optimal: String(result.optimal) };
    for (const p of result.fixed) {
      const o = offers.get(p.id)!;
      if (o.started) continue;
      if (!p.placed) {
        await ctx.explain({ policy: NAME, action: "cannot place", target: o.device, cause: cause ?? o.cause, outcome: "refused", why: `${trigger}: ${p.reason}`, numbers: common });
        continue;
      }
      const startAt = timeOf(grid, p.start);
      if (startAt !== o.startAt) await execute(o, startAt, `${trigger}: the ${objective} window between ${iso(o.earliest)} and ${iso(o.latestEnd)}`, { ...common, cost: Number(p.cost.toFixed(6)) }, cause ?? o.cause);
    }
    for (const a of result.energy) {
      const o = offers.get(a.id)!;
      const c = carried.get(o.id)!;
      const items = [...c.items, ...runsOf(a.powerW).map((r) => loadItem(o, timeOf(grid, r.from), timeOf(grid, r.to), r.powerW, "setpoint"))];
      const batch = ctx.batch(o.cause);
      const sent = await ctx.windows.replace(batch, `fs:${o.id}`, o.device, items);
      void batch.settled();
      await ctx.explain({
        policy: NAME, action: "charge windows", target: o.device, cause: cause ?? o.cause, outcome: a.shortfallWh > 0.001 ? "failed" : "ok",
        why: `${trigger}: ${a.energyWh.toFixed(3)} Wh more by ${iso(o.latestEnd)} in the ${objective} steps${a.shortfallWh > 0.001 ? `, ${a.shortfallWh.toFixed(3)} Wh short` : ""}`,
        numbers: { ...common, energyWh: o.energyWh, committedWh: Number(c.wh.toFixed(3)), windows: items.length, sent, cost: Number(a.cost.toFixed(6)) },
      });
    }
  }

  async function onStatus(m: Envelope<"DeviceStatus">) {
    const { device, state } = m.body;
    const p = programmeOf(device);
    const mine = [...offers.values()].filter((o) => o.device === device && o.execute !== "energy");
    if (state === "running") {
      for (const o of mine.filter((x) => !x.started)) {
        o.started = true;
        o.startAt ??= ctx.now();
        await ctx.explain({ policy: NAME, action: "started", target: device, cause: m as NeutralMessage, why: "the device runs its programme: it is never moved now", numbers: { startAt: iso(o.startAt) } });
      }
      return;
    }
    if (state === "waiting-for-start" && p?.trigger === "status" && !mine.some((o) => !o.started)) {
      const raw = typeof p.latestEnd === "string" ? p.latestEnd : (await ctx.devices.read(device, [p.latestEnd.point]))[p.latestEnd.point];
      const latestEnd = deadlineOf(raw, ctx.config.site.timeZone, ctx.now());
      if (latestEnd === undefined) {
        await ctx.explain({ policy: NAME, action: "refuse offer", target: device, cause: m as NeutralMessage, outcome: "refused", why: `no latest end: ${JSON.stringify(raw)} is not a time` });
        return;
      }
      await announce(device, p, latestEnd, "the device waits for its start");
      await replan("programme offer", m as NeutralMessage);
    }
  }

  async function onTariff() {
    const now = ctx.now();
    for (const d of ctx.devices.all()) {
      const p = d.cfg.programme;
      if (p?.trigger !== "tariff") continue;
      const raw = typeof p.latestEnd === "string" ? p.latestEnd : (await ctx.devices.read(d.id, [p.latestEnd.point]))[p.latestEnd.point];
      const latestEnd = deadlineOf(raw, ctx.config.site.timeZone, now);
      if (latestEnd === undefined || [...offers.values()].some((o) => o.device === d.id && o.latestEnd === latestEnd)) continue;
      await announce(d.id, p, latestEnd, `task due by ${iso(latestEnd)}`);
    }
  }

  ctx.mode.onChange(async (mode) => {
    if (mode.market) await replan("market mode again");
  });

  return {
    name: NAME,
    types: ["FlexibleStartOffer", "DeviceStatus", "PriceEnvironmentProfile", "Tariff"],
    wants: (m) => m.type !== "DeviceStatus" || !!programmeOf(m.body.device) || [...offers.values()].some((o) => o.device === m.body.device),
    async handle(m) {
      if (m.type === "FlexibleStartOffer") {
        await adopt(m, "offered");
        await replan("new offer", m);
      } else if (m.type === "DeviceStatus") {
        await onStatus(m);
      } else {
        await onTariff();
        await replan("new price", m);
      }
    },
  };
}
