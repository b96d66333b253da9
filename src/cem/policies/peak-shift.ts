/**
 * Peak shift by battery aggregation (JWG17, JWG2023-2027; the peer is a battery SCADA) and battery dispatch
 * (JWG2121/WGSP2121, JWG1130). A schedule request is answered with the battery's schedule: its state of charge now,
 * and per slot what it is planned to do and the customer's limits (max charge/discharge power, SoC min/max). An
 * inquiry is accepted only if every slot stays within those limits, the state of charge simulated slot by slot; an
 * execution notification then drives the battery slot by slot. A status request gets power, SoC and condition. A
 * dispatch request drives the battery slot by slot and reports the energy delivered and the SoC at its end.
 */
import { placeSlots, toUnit, type Direction, type Envelope, type NeutralMessage } from "../../model/index.ts";
import { nextTimeOfDay } from "../clock.ts";
import { iso, toDurationPrecise } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";
import type { WindowItem } from "../windows.ts";

const NAME = "peak-shift";

interface Step { start: number; end: number; powerW: number; direction: Direction }

export function peakShift(ctx: CemContext): Policy {
  const cfg = ctx.config.policies.peakShift!;
  const accepted = new Map<string, Step[]>();

  const soc = async () => {
    const point = ctx.devices.get(cfg.battery)?.table?.report?.DeviceStatus?.soc;
    const v = point ? (await ctx.devices.read(cfg.battery, [point]))[point] : undefined;
    return typeof v === "number" ? v : ctx.devices.soc(cfg.battery);
  };

  function item(s: Step): WindowItem {
    return {
      type: "LoadGenerationManagement", start: s.start, end: s.end,
      body: { scope: { kind: "device", id: cfg.battery }, direction: s.direction, request: "setpoint", urgency: "normal", mandatory: true,
        slots: [{ duration: toDurationPrecise(s.end - s.start), power: { value: Math.round(s.powerW), unit: "W" } }] },
    };
  }

  /** Why the steps leave the customer's limits, or undefined when they stay within them. */
  function outOfLimits(steps: Step[], socNow: number): string | undefined {
    let level = socNow;
    for (const [i, s] of steps.entries()) {
      const max = s.direction === "generation" ? cfg.maxDischargeW : cfg.maxChargeW;
      if (s.powerW > max) return `slot ${i}: ${Math.round(s.powerW)} W is above the maximum ${s.direction === "generation" ? "discharge" : "charge"} ${max} W`;
      const deltaPct = ((s.powerW * (s.end - s.start)) / 3_600_000 / cfg.capacityWh) * 100;
      level += s.direction === "generation" ? -deltaPct : deltaPct;
      if (level < cfg.socMin - 1e-9) return `slot ${i}: the state of charge would fall to ${level.toFixed(1)} %, below ${cfg.socMin} %`;
      if (level > cfg.socMax + 1e-9) return `slot ${i}: the state of charge would rise to ${level.toFixed(1)} %, above ${cfg.socMax} %`;
    }
    return undefined;
  }

  async function drive(m: NeutralMessage, key: string, steps: Step[], of: string) {
    const batch = ctx.batch(m);
    await ctx.windows.replace(batch, key, cfg.battery, steps.map(item));
    ctx.answer(m, of, batch, NAME);
    await ctx.explain({ policy: NAME, action: "drive", target: cfg.battery, cause: m, why: `${steps.length} slot(s) from ${iso(steps[0].start)}`, numbers: { slots: steps.length } });
    return batch;
  }

  async function schedule(m: Envelope<"ScheduleRequest">) {
    const slotMs = ctx.ms(cfg.slot);
    const now = ctx.now();
    const start = m.body.day === "next-day" ? nextTimeOfDay("00:00", ctx.config.site.timeZone, now) : Math.ceil(now / slotMs) * slotMs;
    const planned = ctx.windows.keys().flatMap((k) => ctx.windows.items(k)).filter((i) => (i.body as { scope?: { id?: string } }).scope?.id === cfg.battery);
    const initialSoc = (await soc()) ?? cfg.socMin;
    const slots = Array.from({ length: cfg.slots }, (_, i) => {
      const t = start + i * slotMs;
      const w = planned.find((p) => p.start <= t && t < p.end);
      const b = w?.body as { direction?: Direction; slots?: { power?: { value: number } }[] } | undefined;
      const power = b?.slots?.[0]?.power?.value ?? 0;
      return {
        ...(i === 0 ? { start: iso(t) } : {}), duration: cfg.slot,
        ...(cfg.form === "detail" ? { charge: { value: b?.direction === "consumption" ? power : 0, unit: "W" as const }, discharge: { value: b?.direction === "generation" ? power : 0, unit: "W" as const } } : {}),
        maxCharge: { value: cfg.maxChargeW, unit: "W" as const }, maxDischarge: { value: cfg.maxDischargeW, unit: "W" as const }, socMin: cfg.socMin, socMax: cfg.socMax,
      };
    });
    await ctx.north("BatterySchedule", { form: cfg.form, day: m.body.day, initialSoc, slots }, { correlationId: m.id });
    await ctx.explain({ policy: NAME, action: "schedule", target: "grid", cause: m, why: `${cfg.form} schedule for ${m.body.day}`, numbers: { initialSoc, slots: cfg.slots } });
  }

  async function inquiry(m: Envelope<"Inquiry">) {
    const now = ctx.now();
    const steps = placeSlots(m.body.slots, Date.parse(m.validity?.start ?? m.created)).map((s) => ({ start: s.start, end: s.end, powerW: toUnit(s.slot.surplus, "W"), direction: s.slot.direction }));
    const level = await soc();
    const why = level === undefined ? "the battery's state of charge is unknown" : steps.some((s) => s.end <= now) ? "a slot lies in the past" : outOfLimits(steps, level);
    if (!why) accepted.set(m.id, steps);
    await ctx.north("InquiryAnswer", { inquiryId: m.id, accepted: !why, ...(why ? { reason: why } : {}) }, { correlationId: m.id });
    await ctx.explain({ policy: NAME, action: why ? "reject inquiry" : "accept inquiry", target: cfg.battery, cause: m, outcome: why ? "refused" : "ok",
      why: why ?? "within the customer's power and state-of-charge limits", numbers: { soc: level ?? null, slots: steps.length } });
  }

  async function execution(m: Envelope<"ExecutionNotification">) {
    const steps = accepted.get(m.body.inquiryId);
    if (!steps) {
      await ctx.north("Result", { of: "ExecutionNotification", outcome: "unsuccessful", reason: `no accepted inquiry ${m.body.inquiryId}`, at: iso(ctx.now()) }, { correlationId: m.id });
      await ctx.explain({ policy: NAME, action: "execute", target: cfg.battery, cause: m, outcome: "refused", why: `no accepted inquiry ${m.body.inquiryId}` });
      return;
    }
    accepted.delete(m.body.inquiryId);
    await drive(m, `ps:${m.body.inquiryId}`, steps, "ExecutionNotification");
  }

  async function status(m: Envelope<"BatteryStatusRequest">) {
    const level = (await soc()) ?? 0;
    const draw = ctx.devices.drawW(cfg.battery) ?? 0;
    const s = ctx.devices.lastStatus(cfg.battery);
    await ctx.north("BatteryStatus", { activePower: { value: -draw, unit: "W" }, soc: level, condition: s?.mode ?? s?.state ?? "unknown" }, { correlationId: m.id });
  }

  async function dispatch(m: Envelope<"BatteryDispatchRequest">) {
    const steps = placeSlots(m.body.slots, Date.parse(m.validity?.start ?? m.created)).map((s) => ({ start: s.start, end: s.end, powerW: toUnit(s.slot.power, "W"), direction: s.slot.direction }));
    const batch = await drive(m, `bd:${m.id}`, steps, "BatteryDispatchRequest");
    const end = Math.max(...steps.map((s) => s.end));
    ctx.timers.at(`bd:${m.id}:info`, end, () => void batch.settled().then(async (answers) => {
      const ok = answers.some((a) => a.outcome === "successful");
      const wh = ok ? steps.reduce((a, s) => a + (s.direction === "generation" ? 1 : -1) * (s.powerW * (s.end - s.start)) / 3_600_000, 0) : 0;
      const level = await soc();
      await ctx.north("BatteryDispatchInfo", { delivered: { value: Number(wh.toFixed(3)), unit: "Wh" }, ...(level !== undefined ? { soc: level } : {}), at: iso(ctx.now()) }, { correlationId: m.id });
    }));
  }

  return {
    name: NAME,
    types: ["ScheduleRequest", "Inquiry", "ExecutionNotification", "BatteryStatusRequest", "BatteryDispatchRequest"],
    async handle(m) {
      if (m.type === "ScheduleRequest") return schedule(m);
      if (m.type === "Inquiry") return inquiry(m);
      if (m.type === "ExecutionNotification") return execution(m);
      if (m.type === "BatteryStatusRequest") return status(m);
      if (m.type === "BatteryDispatchRequest") return dispatch(m);
    },
  };
}
