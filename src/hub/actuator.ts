/**
 * Drives devices from neutral messages through their mapping tables. Each message that a device's table answers
 * becomes an activation; its `while` values are claims on points. Per point the highest-priority claim holds
 * (latest wins a tie); when the last claim goes the point is restored as its rule says (previous value read
 * before the first write, relinquish, or explicit values). Activations, claims' snapshots and one-shot progress
 * are kept in the store, so a restart resumes and still restores at the end.
 */
import type { Logger } from "pino";
import { makeMessage, type NeutralMessage } from "../model/index.ts";
import { boundariesOf, evaluate, restoreValues, selectRule, triggerOf, windowOf, type PointPlan } from "../mapping/engine.ts";
import type { Restore } from "../mapping/schema.ts";
import { fromRaw, toRaw, ValueError, type EngValue } from "../mapping/values.ts";
import type { Store } from "../store/types.ts";
import type { BoundDevice } from "./bindings.ts";
import type { BusPort, SouthboundAdapter } from "./contract.ts";
import type { PointRef, PointValue } from "./points.ts";

interface Activation {
  id: string;
  device: string;
  message: NeutralMessage;
  originKey?: string;
  trigger: string;
  start: number;
  end?: number;
  setDone: boolean;
  reported: boolean;
}

interface Claim { activation: string; priority: number; seq: number; value?: EngValue; restore: Restore; message: NeutralMessage }

interface SavedPoint {
  snapshot: EngValue | null;
  written?: EngValue;
  lastRestore?: { restore: Restore; message: NeutralMessage };
}

interface PointState {
  claims: Map<string, Claim>;
  /** engineering value read before our first write; null when it could not be read */
  snapshot?: EngValue | null;
  written?: EngValue;
  lastRestore?: { restore: Restore; message: NeutralMessage };
}

export interface ActuationRecord {
  at: string;
  device: string;
  point: string;
  value: EngValue | null;
  action: "write" | "restore" | "relinquish";
  messageId: string;
  trigger: string;
  ok: boolean;
  error?: string;
}

const NS = "hub";
const MAX_TIMER = 2 ** 31 - 1;

export class Actuator {
  private activations = new Map<string, Activation>();
  private points = new Map<string, PointState>();
  private timers = new Map<string, NodeJS.Timeout[]>();
  private queues = new Map<string, Promise<unknown>>();
  private seq = 0;
  private stopped = false;
  private listeners = new Set<(r: ActuationRecord) => void>();
  readonly recent: ActuationRecord[] = [];

  constructor(
    private devices: Map<string, BoundDevice>,
    private adapterOf: (device: BoundDevice) => SouthboundAdapter,
    private store: Store,
    private bus: BusPort,
    private logger: Logger,
    private siteId: string,
    private now: () => number = Date.now,
  ) {}

  /** Resumes activations saved before a stop or crash: those that ended meanwhile are restored now. */
  async resume() {
    const saved = await this.store.listDocs<Activation>(NS, "activations");
    for (const { id, doc } of await this.store.listDocs<SavedPoint>(NS, "snapshots")) {
      this.points.set(id, { claims: new Map(), ...doc });
    }
    for (const { doc } of saved) {
      if (!this.devices.has(doc.device)) continue;
      this.activations.set(doc.id, doc);
      await this.serial(doc.device, () => this.step(doc));
    }
    // points snapshotted by an activation that was lost before it was saved still get their value back
    for (const [key, st] of this.points) {
      if (st.claims.size === 0) await this.serial(key.split("/")[0], () => this.settle(key));
    }
  }

  /** Handles one message addressed to one device. Resolves when the first writes are done. */
  handle(deviceId: string, msg: NeutralMessage): Promise<void> {
    return this.serial(deviceId, () => this.accept(deviceId, msg));
  }

  async stop() {
    this.stopped = true;
    for (const ts of this.timers.values()) ts.forEach(clearTimeout);
    this.timers.clear();
    await Promise.allSettled([...this.queues.values()]);
  }

  /** Live observation of every actuation record as it is made (API stream, event journal, metrics). */
  onRecord(fn: (r: ActuationRecord) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  active(): { id: string; device: string; messageId: string; trigger: string; start: string; end?: string }[] {
    return [...this.activations.values()].map((a) => ({
      id: a.id, device: a.device, messageId: a.message.id, trigger: a.trigger,
      start: new Date(a.start).toISOString(), ...(a.end ? { end: new Date(a.end).toISOString() } : {}),
    }));
  }

  private serial<T>(device: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(device) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.queues.set(device, next.catch(() => undefined));
    return next;
  }

  private async accept(deviceId: string, msg: NeutralMessage) {
    const dev = this.devices.get(deviceId)!;
    const table = dev.loaded?.table;
    if (!table) return;
    const originKey = msg.origin ? `${msg.origin.protocol}:${msg.origin.ref}` : undefined;
    const prior = [...this.activations.values()].filter((a) => a.device === deviceId &&
      ((originKey && a.originKey === originKey) || (msg.type === "Emergency" && msg.body.phase === "end" && a.trigger === "Emergency")));
    const win = windowOf(msg);
    const now = this.now();
    const ending = (msg.type === "Emergency" && msg.body.phase === "end") || (win.end !== undefined && win.end <= now);
    const rule = ending ? undefined : selectRule(table, msg, Math.max(now, win.start));
    if (!rule) {
      for (const p of prior) await this.finish(p);
      if (!ending && msg.targets.some((t) => t.kind === "device" && t.id === deviceId)) {
        await this.result(dev, msg, "unsuccessful", `table ${table.table} has no rule for ${triggerOf(msg)} that matches`);
      } else if (ending && prior.length) {
        await this.result(dev, msg, "successful");
      }
      return;
    }
    const act: Activation = {
      id: `${deviceId}:${msg.id}`, device: deviceId, message: msg, trigger: rule.trigger,
      start: win.start, setDone: false, reported: false,
      ...(originKey ? { originKey } : {}), ...(win.end !== undefined ? { end: win.end } : {}),
    };
    this.activations.set(act.id, act);
    await this.save(act);
    await this.step(act);
    for (const p of prior) await this.finish(p);
  }

  /** Brings an activation up to date with the clock and arms the timer for its next boundary. */
  private async step(act: Activation) {
    if (this.stopped || !this.activations.has(act.id)) return;
    const now = this.now();
    if (act.end !== undefined && now >= act.end) return this.finish(act);
    if (now >= act.start) await this.apply(act, now);
    const next = [act.start, ...boundariesOf(act.message), ...(act.end !== undefined ? [act.end] : [])].filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next !== undefined) this.arm(act, next);
  }

  private arm(act: Activation, at: number) {
    const delay = Math.min(MAX_TIMER, Math.max(0, at - this.now()));
    const t = setTimeout(() => {
      this.timers.set(act.id, (this.timers.get(act.id) ?? []).filter((x) => x !== t));
      void this.serial(act.device, () => this.step(act)).catch((err) => this.logger.error({ err, activation: act.id }, "actuation step failed"));
    }, delay);
    this.timers.set(act.id, [...(this.timers.get(act.id) ?? []), t]);
  }

  private async apply(act: Activation, at: number) {
    const dev = this.devices.get(act.device)!;
    const table = dev.loaded!.table;
    const rule = selectRule(table, act.message, at)?.rule;
    const touched = Object.keys({ ...rule?.while, ...rule?.set });
    await this.snapshot(dev, touched);
    const current = Object.fromEntries(touched.map((p) => [p, this.state(dev.id, p).snapshot ?? null]));
    const evals = evaluate(table, act.message, at, current);
    const errors: string[] = [];
    let attempted = 0;
    for (const ev of evals) {
      if (ev.kind === "set") {
        if (act.setDone) continue;
        const writes = Object.entries(ev.points);
        attempted += writes.length;
        errors.push(...await this.writeMany(dev, act.message, act.trigger, writes, "write"));
        // a one-shot write is not restored: its snapshot must not become what a later claim restores to
        for (const [point] of writes) {
          if (this.state(dev.id, point).claims.size === 0 && !ev.points[point]?.error && !rule?.while?.[point]) await this.forget(`${dev.id}/${point}`);
        }
        act.setDone = true;
        await this.save(act);
        continue;
      }
      const planned = Object.entries(ev.points);
      for (const [point, plan] of planned) {
        if (plan.error) errors.push(plan.error);
        this.state(dev.id, point).claims.set(act.id, {
          activation: act.id, priority: ev.priority, seq: ++this.seq, restore: ev.restore, message: act.message,
          ...(plan.value !== undefined && !plan.error ? { value: plan.value } : {}),
        });
      }
      attempted += planned.length;
      for (const [point] of planned) errors.push(...await this.settle(`${dev.id}/${point}`));
    }
    if (!act.reported) {
      act.reported = true;
      await this.save(act);
      const outcome = errors.length === 0 ? "successful" : errors.length < attempted ? "partial" : "unsuccessful";
      await this.result(dev, act.message, outcome, errors.join("; ") || undefined);
    }
  }

  /** Reads, once, the values of points we are about to take over, so that `restore: previous` has them. */
  private async snapshot(dev: BoundDevice, names: string[]) {
    const table = dev.loaded!.table;
    const missing = names.filter((n) => this.state(dev.id, n).snapshot === undefined && table.points[n]?.access === "rw");
    if (!missing.length) return;
    const refs = missing.map((n) => this.ref(dev, n));
    let values: PointValue[] = [];
    try {
      values = await this.adapterOf(dev).read(refs);
    } catch (err) {
      this.logger.warn({ err, device: dev.id }, "could not read points before taking them over");
    }
    for (const n of missing) {
      const v = values.find((x) => x.point === n);
      const st = this.state(dev.id, n);
      st.snapshot = v && v.quality !== "bad" ? fromRaw(table.points[n], v.value) : null;
      await this.persist(`${dev.id}/${n}`, st);
    }
  }

  /** Makes a point hold what its claims say: the top claim's value, or its restore when no claim holds it. */
  private async settle(key: string): Promise<string[]> {
    const [deviceId, point] = key.split("/");
    const dev = this.devices.get(deviceId);
    if (!dev?.loaded) return [];
    const st = this.state(deviceId, point);
    const holding = [...st.claims.values()].filter((c) => c.value !== undefined)
      .sort((a, b) => b.priority - a.priority || b.seq - a.seq)[0];
    if (holding) {
      st.lastRestore = { restore: holding.restore, message: holding.message };
      if (st.written === holding.value) return [];
      const errs = await this.writeMany(dev, holding.message, triggerOf(holding.message), [[point, { value: holding.value }]], "write");
      if (!errs.length) st.written = holding.value;
      await this.persist(key, st);
      return errs;
    }
    if (st.written === undefined && st.claims.size === 0) {
      await this.forget(key);
      return [];
    }
    const errs = st.written === undefined ? [] : await this.restore(dev, point, st);
    delete st.written;
    if (st.claims.size === 0) await this.forget(key);
    else await this.persist(key, st);
    return errs;
  }

  private async restore(dev: BoundDevice, point: string, st: PointState): Promise<string[]> {
    const how = st.lastRestore?.restore ?? "previous";
    const msg = st.lastRestore?.message;
    const trigger = msg ? triggerOf(msg) : "restore";
    if (how === "none") return [];
    if (how === "relinquish") {
      const adapter = this.adapterOf(dev);
      const ref = this.ref(dev, point);
      const res = adapter.relinquish ? await adapter.relinquish([ref]) : [];
      const bad = res.find((r) => r.quality === "bad");
      await this.record(dev, point, null, "relinquish", msg, trigger, bad?.error?.message);
      return bad ? [`${point}: ${bad.error?.message}`] : [];
    }
    let plan: PointPlan;
    if (how === "previous") {
      if (st.snapshot === null || st.snapshot === undefined) {
        const error = `${point}: no previous value to restore (it could not be read before the first write)`;
        await this.record(dev, point, null, "restore", msg, trigger, error);
        return [error];
      }
      plan = { value: st.snapshot };
    } else {
      if (!(point in how)) return [];
      plan = restoreValues(dev.loaded!.table, msg!, { [point]: how[point] }, { [point]: st.snapshot ?? null })[point];
    }
    return this.writeMany(dev, msg, trigger, [[point, plan]], "restore");
  }

  private async writeMany(dev: BoundDevice, msg: NeutralMessage | undefined, trigger: string, plans: [string, PointPlan][], action: "write" | "restore"): Promise<string[]> {
    const table = dev.loaded!.table;
    const errors: string[] = [];
    const writes: { ref: PointRef; value: ReturnType<typeof toRaw>; eng: EngValue }[] = [];
    for (const [point, plan] of plans) {
      if (plan.error) { errors.push(plan.error); continue; }
      if (plan.value === undefined) continue;
      try {
        writes.push({ ref: this.ref(dev, point), value: toRaw(point, table.points[point], plan.value), eng: plan.value });
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        errors.push(e.message);
        await this.record(dev, point, plan.value, action, msg, trigger, e.message);
      }
    }
    if (!writes.length) return errors;
    let results: PointValue[];
    try {
      results = await this.adapterOf(dev).write(writes.map(({ ref, value }) => ({ ref, value })));
    } catch (e) {
      results = writes.map((w) => ({ device: dev.id, point: w.ref.point, value: null, ts: new Date().toISOString(), quality: "bad" as const, error: e as never }));
    }
    for (const w of writes) {
      const r = results.find((x) => x.point === w.ref.point);
      const error = !r ? "the adapter returned no result" : r.quality === "bad" ? (r.error?.message ?? "write failed") : undefined;
      if (error) errors.push(`${w.ref.point}: ${error}`);
      await this.record(dev, w.ref.point, w.eng, action, msg, trigger, error);
    }
    return errors;
  }

  private async record(dev: BoundDevice, point: string, value: EngValue | null, action: ActuationRecord["action"], msg: NeutralMessage | undefined, trigger: string, error?: string) {
    const rec: ActuationRecord = {
      at: new Date().toISOString(), device: dev.id, point, value, action, messageId: msg?.id ?? "", trigger, ok: !error,
      ...(error ? { error } : {}),
    };
    this.recent.push(rec);
    if (this.recent.length > 500) this.recent.shift();
    for (const fn of this.listeners) fn(rec);
    await this.store.audit({
      actor: "hub.actuator", action: `device.${action}`, target: `${dev.id}/${point}`, outcome: error ? "failed" : "ok",
      detail: { value, trigger, messageId: rec.messageId, source: msg?.source, ...(msg?.correlationId ? { correlationId: msg.correlationId } : {}), ...(error ? { error } : {}) },
    });
  }

  private async finish(act: Activation) {
    this.activations.delete(act.id);
    for (const t of this.timers.get(act.id) ?? []) clearTimeout(t);
    this.timers.delete(act.id);
    await this.store.deleteDoc(NS, "activations", act.id);
    for (const [key, st] of this.points) {
      if (!key.startsWith(`${act.device}/`)) continue;
      const claim = st.claims.get(act.id);
      if (!claim) continue;
      st.claims.delete(act.id);
      if (![...st.claims.values()].some((c) => c.value !== undefined)) st.lastRestore = { restore: claim.restore, message: claim.message };
      await this.settle(key);
    }
  }

  /** What a restart needs to put the point back: the snapshot, what we wrote, and how to restore it. */
  private async persist(key: string, st: PointState) {
    await this.store.putDoc(NS, "snapshots", key, {
      snapshot: st.snapshot ?? null,
      ...(st.written !== undefined ? { written: st.written } : {}),
      ...(st.lastRestore ? { lastRestore: st.lastRestore } : {}),
    } satisfies SavedPoint);
  }

  private async forget(key: string) {
    this.points.delete(key);
    await this.store.deleteDoc(NS, "snapshots", key);
  }

  private async save(act: Activation) {
    await this.store.putDoc(NS, "activations", act.id, act);
  }

  private state(device: string, point: string): PointState {
    const key = `${device}/${point}`;
    let st = this.points.get(key);
    if (!st) this.points.set(key, (st = { claims: new Map() }));
    return st;
  }

  private ref(dev: BoundDevice, point: string): PointRef {
    const ref = dev.points.find((p) => p.point === point);
    if (!ref) throw new Error(`device ${dev.id} has no point ${point}`);
    return ref;
  }

  private async result(dev: BoundDevice, msg: NeutralMessage, outcome: "successful" | "unsuccessful" | "partial", reason?: string) {
    await this.bus.publish(makeMessage("Result", {
      of: triggerOf(msg), outcome, at: new Date(this.now()).toISOString(), ...(reason ? { reason } : {}),
    }, { source: `device:${dev.id}`, targets: [{ kind: "cem", id: this.siteId }], correlationId: msg.id }));
  }
}
