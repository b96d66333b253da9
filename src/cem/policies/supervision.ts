/**
 * Supervision (JWG11, WGSP2113, JWG3102, WGSP2114). A device that missed two expected status messages (the
 * telemetry pipeline's Warning disconnect) is asked once more by a direct read; unanswered, its DeviceStatus
 * unreachable and a Warning disconnect go north. When every device but the meter is gone at once, the premises
 * have lost power: once they are back the post-event data goes north (a grid blackout when the meter went down
 * too, a breaker trip when it did not, with the duration), then event-terminated, and each device gets back the
 * state it had before (from the telemetry history, through the commands its table has). Log requests are answered
 * from the history and audited; status requests from the last reports.
 */
import type { EngValue } from "../../mapping/values.ts";
import { fromUnit, type Envelope, type NeutralMessage, type Ref } from "../../model/index.ts";
import type { EngineeringUnit } from "../../model/quantity.ts";
import type { DeviceInfo } from "../devices.ts";
import { iso, toDurationPrecise } from "../durations.ts";
import type { CemContext, Policy } from "../policy.ts";

const NAME = "supervision";
const MAX_LOG_ROWS = 5000;
const PROBE_POINTS = 4;

const isMeter = (d: DeviceInfo) => d.deviceClass === "meter";

export function supervision(ctx: CemContext): Policy {
  const unreachable = new Map<string, number>();
  const outage = { since: 0, meterDown: false, active: false };

  /** The points a command of the table can write: what "the state before" means for a device. */
  function commandable(d: DeviceInfo): string[] {
    const on = d.table?.on ?? {};
    return [...new Set(Object.entries(on).filter(([t]) => t.startsWith("Command.")).flatMap(([, rules]) => (rules ?? []).flatMap((r) => Object.keys(r.set ?? {}))))];
  }

  async function probe(d: DeviceInfo): Promise<boolean> {
    const points = Object.entries(d.table?.points ?? {}).filter(([, p]) => p.access !== "w").slice(0, PROBE_POINTS).map(([n]) => n);
    const values = await ctx.devices.read(d.id, points);
    return Object.values(values).some((v) => v !== null);
  }

  async function lost(m: Envelope<"Warning">, d: DeviceInfo) {
    if (unreachable.has(d.id)) return;
    if (await probe(d)) {
      await ctx.explain({ policy: NAME, action: "status request", target: d.id, cause: m as NeutralMessage, why: "answered the direct read after missing its status messages" });
      return;
    }
    const now = ctx.now();
    unreachable.set(d.id, now);
    await ctx.north("DeviceStatus", { device: d.id, deviceClass: (d.deviceClass ?? "load") as "load", at: iso(now), state: "unreachable" });
    await ctx.north("Warning", { scope: { kind: "device", id: d.id }, kind: "disconnect", detail: "two expected status messages missed and the status request unanswered" });
    await ctx.explain({ policy: NAME, action: "unreachable", target: d.id, cause: m as NeutralMessage, outcome: "failed", why: "status request unanswered", numbers: {} });
    const devices = ctx.devices.all().filter((x) => x.table);
    const others = devices.filter((x) => !isMeter(x));
    if (!outage.active && others.length >= 2 && others.every((x) => unreachable.has(x.id))) {
      outage.active = true;
      outage.since = Math.min(...others.map((x) => unreachable.get(x.id)!));
      outage.meterDown = devices.some((x) => isMeter(x) && unreachable.has(x.id));
      await ctx.explain({ policy: NAME, action: "power loss", target: ctx.site, why: "every device is unreachable at once", numbers: { devices: others.length } });
    }
    if (outage.active && isMeter(d)) outage.meterDown = true;
  }

  async function back(m: NeutralMessage, device: string) {
    unreachable.delete(device);
    await ctx.explain({ policy: NAME, action: "reachable", target: device, cause: m, why: "reports again" });
    if (!outage.active || [...unreachable.keys()].some((id) => !isMeter(ctx.devices.get(id)!))) return;
    outage.active = false;
    const duration = toDurationPrecise(ctx.now() - outage.since);
    const type = outage.meterDown || !ctx.devices.all().some(isMeter) ? "grid-blackout" : "breaker-trip";
    const scope: Ref = { kind: "building", id: ctx.site };
    await ctx.north("Warning", { scope, kind: "blackout", event: { type, duration }, detail: `power lost at ${iso(outage.since)}` });
    await ctx.north("Warning", { scope, kind: "event-terminated", detail: `${type} over after ${duration}` });
    outage.meterDown = false;
    const batch = ctx.batch(m);
    for (const d of ctx.devices.all()) await restore(d, batch, m);
    void batch.settled();
  }

  /** Puts back what the device held before the outage, as far as its table's commands can. */
  async function restore(d: DeviceInfo, batch: ReturnType<CemContext["batch"]>, m: NeutralMessage) {
    const points = commandable(d);
    if (!points.length) return;
    const before: Record<string, EngValue | null> = {};
    for (const p of points) {
      const rows = await ctx.store.queryTelemetry({ device: d.id, point: p, to: iso(outage.since), limit: 100_000 });
      const last = rows[rows.length - 1];
      before[p] = last && last.value !== null ? last.value : null;
    }
    const now = await ctx.devices.read(d.id, points);
    const after = Object.fromEntries(Object.entries(now).filter(([p, v]) => v !== null && before[p] !== null)) as Record<string, EngValue>;
    const r = ctx.overrides.restoreFor(d.id, before, after);
    for (const command of r.commands) await batch.send({ kind: "device", id: d.id }, "Command", { device: d.id, command });
    if (r.commands.length || r.unrestorable.length) {
      await ctx.explain({ policy: NAME, action: "restore", target: d.id, cause: m, outcome: r.unrestorable.length ? "failed" : "ok",
        why: `back to its state before the outage with ${r.commands.map((c) => c.action).join(", ") || "nothing"}${r.unrestorable.length ? `; cannot restore ${r.unrestorable.join(", ")}` : ""}`, numbers: {} });
    }
  }

  async function logRequest(m: Envelope<"LogRequest">) {
    const devices = ctx.devices.inScope(m.body.scope).filter((d) => !m.body.deviceClass || d.deviceClass === m.body.deviceClass);
    const entries: { at: string; device: string; event: string; value?: ReturnType<typeof fromUnit>; detail?: string }[] = [];
    for (const d of devices) {
      const rows = await ctx.store.queryTelemetry({ device: d.id, from: m.body.from, to: m.body.to, limit: MAX_LOG_ROWS - entries.length });
      for (const r of rows) {
        const unit = d.table?.points[r.point]?.unit as EngineeringUnit | undefined;
        entries.push(typeof r.value === "number" && unit
          ? { at: r.ts, device: d.id, event: r.point, value: fromUnit(r.value, unit) }
          : { at: r.ts, device: d.id, event: r.point, detail: String(r.value) });
      }
      if (entries.length >= MAX_LOG_ROWS) break;
    }
    await ctx.north("LogInfo", { kind: "device-log", entries }, { correlationId: m.id });
    const target = m.body.scope.kind === "all" ? "all" : `${m.body.scope.kind}:${m.body.scope.id}`;
    await ctx.store.audit({ actor: m.source, action: "log.read", target, outcome: "ok",
      detail: { requestId: m.id, devices: devices.map((d) => d.id), rows: entries.length, from: m.body.from, to: m.body.to, ...(m.body.deviceClass ? { deviceClass: m.body.deviceClass } : {}) } });
    await ctx.explain({ policy: NAME, action: "log", target, cause: m as NeutralMessage, why: `${entries.length} readings of ${devices.length} device(s) for ${m.source}`, numbers: { rows: entries.length } });
  }

  async function statusRequest(m: NeutralMessage, device: string) {
    const devices = device === "all" ? ctx.devices.all() : ctx.devices.all().filter((d) => d.id === device);
    for (const d of devices) {
      const last = ctx.devices.lastStatus(d.id);
      const state = unreachable.has(d.id) ? "unreachable" : last?.state ?? "on";
      await ctx.north("DeviceStatus", { ...(last ?? {}), device: d.id, deviceClass: (d.deviceClass ?? "load") as "load", at: iso(ctx.now()), state }, { correlationId: m.id });
    }
  }

  return {
    name: NAME,
    types: ["Warning", "Telemetry", "LogRequest", "StatusRequest", "DeviceStateRequest"],
    wants: (m) => (m.type === "Warning" ? m.source.startsWith("device:") && m.body.kind === "disconnect" : m.type === "Telemetry" ? unreachable.has(m.body.device) : true),
    async handle(m) {
      if (m.type === "Warning" && m.body.scope.kind === "device") {
        const d = ctx.devices.get(m.body.scope.id);
        if (d) await lost(m, d);
      } else if (m.type === "Telemetry") await back(m, m.body.device);
      else if (m.type === "LogRequest") await logRequest(m);
      else if (m.type === "StatusRequest" || m.type === "DeviceStateRequest") await statusRequest(m, m.body.device);
    },
  };
}
