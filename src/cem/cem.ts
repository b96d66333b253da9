/**
 * The Customer Energy Manager: listens as the site's CEM endpoint (and the building) for the grid messages it is
 * configured to decide, hands them to its policies one at a time, and keeps the device-side picture up to date.
 * Grid message types it does not claim take the direct path: the hub applies them through the device tables.
 */
import type { Logger } from "pino";
import { durationMs, makeMessage, type BodyOf, type Envelope, type MessageType, type NeutralMessage, type Ref } from "../model/index.ts";
import { CemAlive } from "./alive.ts";
import type { CemConfig } from "./config.ts";
import { DecisionLog, type DecisionInput, type DecisionQuery } from "./decisions.ts";
import { DeviceBook } from "./devices.ts";
import { iso } from "./durations.ts";
import type { CemHost } from "./host.ts";
import { GridMode } from "./mode.ts";
import { Overrides } from "./overrides.ts";
import { createPolicies } from "./policies/index.ts";
import type { CemContext, NorthInit, Policy, Summary } from "./policy.ts";
import { PriceBook } from "./prices.ts";
import { Timers } from "./timers.ts";
import { Batch, overall, ResultTracker, type Answer } from "./tracker.ts";
import { Windows } from "./windows.ts";

/** Device-side reports: followed by policies, never claimed from the grid's direct path. */
const DEVICE_SIDE = new Set<MessageType>(["DeviceStatus", "Telemetry", "InstantaneousPower", "Warning", "Result", "Metering"]);
const MAX_QUEUE = 10_000;

export class Cem {
  private readonly ctx: CemContext;
  private readonly log: DecisionLog;
  private readonly tracker = new ResultTracker();
  private readonly policies: Policy[];
  private readonly claimed: Set<string>;
  private readonly endpoints: Ref[];
  private readonly alive?: CemAlive;
  private queue: Promise<void> = Promise.resolve();
  private depth = 0;
  private unsub?: () => void;
  private stopped = false;

  /** The site's CEM, or undefined when the config has no enabled `cem:` section. */
  static create(host: CemHost): Cem | undefined {
    const cfg = host.config.cem;
    return cfg?.enabled ? new Cem(host, cfg, Date.now) : undefined;
  }

  private constructor(private host: CemHost, readonly config: CemConfig, now: () => number) {
    const site = host.config.site.id;
    const source = `cem:${site}`;
    const logger: Logger = host.logger.child({ part: "cem" });
    this.log = new DecisionLog(host.store, now);
    const timers = new Timers(now, (err, key) => logger.error({ err, key }, "CEM timer failed"), (fn) => this.enqueue(fn));
    const devices = new DeviceBook(host, config.devices);
    const publish = (m: NeutralMessage) => host.bus.publish(m);
    const resultTimeoutMs = durationMs(config.resultTimeout);
    this.endpoints = [{ kind: "cem", id: site }, { kind: "building", id: site }];
    this.ctx = {
      site, source, config, logger, store: host.store, now, devices, timers,
      ms: durationMs,
      prices: new PriceBook(),
      mode: new GridMode(),
      windows: new Windows(source, now, publish),
      overrides: new Overrides(devices, source, now),
      batch: (cause) => new Batch({ source, now, timers, resultTimeoutMs, publish, tracker: this.tracker }, cause),
      north: async <T extends MessageType>(type: T, body: BodyOf<T>, init: NorthInit = {}) => {
        const m = makeMessage(type, body, { source, targets: [{ kind: "building", id: site }], created: new Date(now()), ...init });
        await publish(m as NeutralMessage);
        return m as Envelope<T>;
      },
      answer: (cause, of, batch, policy, summarize) => void this.answer(cause, of, batch, policy, summarize),
      explain: async (d: DecisionInput) => {
        await this.log.record(d);
      },
    };
    this.policies = createPolicies(this.ctx);
    const decided = this.policies.flatMap((p) => p.types).filter((t) => !DEVICE_SIDE.has(t));
    this.claimed = new Set(config.handles ? decided.filter((t) => config.handles!.includes(t)) : decided);
    if (config.alive) this.alive = new CemAlive(this.ctx, config.alive.interval);
  }

  /** Subscribes to the bus: from here on the CEM claims its message types. Call before the grid adapters start. */
  listen() {
    if (this.unsub || this.stopped) return;
    const types = [...new Set<MessageType>([...this.policies.flatMap((p) => p.types), "Result", "DeviceStatus", "InstantaneousPower"])];
    this.unsub = this.host.bus.subscribe({ types }, (m) => this.intake(m as NeutralMessage));
  }

  /** Starts the policies (and CEM-alive reporting) once the devices and the grid side are up. */
  async start() {
    this.listen();
    for (const p of this.policies) await p.start?.();
    await this.alive?.start();
    this.ctx.logger.info({ policies: this.policies.map((p) => p.name), claims: [...this.claimed] }, "CEM started");
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.unsub?.();
    await this.queue;
    for (const p of this.policies) await p.stop?.();
    this.ctx.timers.stop();
  }

  /** Resolves once every message taken so far has been decided. */
  async idle(): Promise<void> {
    for (let i = 0; i < MAX_QUEUE; i++) {
      const q = this.queue;
      await q;
      if (q === this.queue) return;
    }
  }

  /** Does the CEM decide this grid message (so that the hub must not apply it through the device tables directly)? */
  claims(m: NeutralMessage): boolean {
    return !!this.unsub && !this.stopped && m.source !== this.ctx.source && this.claimed.has(m.type) && this.reachesMe(m.targets);
  }

  /** The policies running, and the grid message types the CEM decides. */
  describe(): { policies: string[]; claims: string[] } {
    return { policies: this.policies.map((p) => p.name), claims: [...this.claimed].sort() };
  }

  /** Recent decisions, most recent first: what was done, to which device, because of which event, and why. */
  decisions(q?: DecisionQuery) {
    return this.log.query(q);
  }

  private reachesMe(targets: Ref[]): boolean {
    return this.endpoints.some((e) => this.host.bus.reaches(targets, e));
  }

  private intake(m: NeutralMessage) {
    if (this.stopped) return;
    if (m.type === "Result") this.tracker.onResult(m);
    if (m.source === this.ctx.source) return;
    this.ctx.devices.observe(m);
    if (m.type === "PriceEnvironmentProfile" || m.type === "Tariff") this.ctx.prices.update(m);
    const fromDevice = m.source.startsWith("device:");
    if (!fromDevice && !this.claims(m)) return;
    if (!fromDevice && DEVICE_SIDE.has(m.type)) return;
    if (!this.policies.some((p) => p.types.includes(m.type))) return;
    void this.enqueue(() => this.run(m)).catch((err) => this.ctx.logger.error({ err, messageId: m.id }, "CEM message dropped"));
  }

  /** One decision at a time: messages and timers alike. Bounded: a full queue refuses more work. */
  private enqueue(fn: () => Promise<void> | void): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.depth >= MAX_QUEUE) return Promise.reject(new Error(`the CEM queue is full (${MAX_QUEUE})`));
    this.depth++;
    const next = this.queue.then(fn).finally(() => this.depth--);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every wanting policy in turn; one policy's failure is explained and does not stop the others. */
  private async run(m: NeutralMessage) {
    for (const p of this.policies) {
      if (!p.types.includes(m.type) || p.wants?.(m) === false) continue;
      try {
        await p.handle(m);
      } catch (err) {
        this.ctx.logger.error({ err, policy: p.name, messageId: m.id }, "CEM policy failed");
        await this.log.record({ policy: p.name, action: `handle ${m.type}`, target: this.ctx.site, outcome: "failed", why: (err as Error).message, cause: m });
      }
    }
  }

  private async answer(cause: NeutralMessage, of: string, batch: Batch, policy: string, summarize?: (a: Answer[]) => Summary) {
    const answers = await batch.settled();
    if (this.stopped) return;
    const s = summarize ? summarize(answers) : { outcome: overall(answers.map((a) => a.outcome)) };
    const failed = answers.filter((a) => a.outcome !== "successful").map((a) => `${a.recipient}: ${a.reason ?? a.outcome}`);
    const reason = s.reason ?? (failed.length ? failed.join("; ") : undefined);
    await this.ctx.north("Result", {
      of, outcome: s.outcome, at: iso(this.ctx.now()),
      ...(s.achievedW !== undefined ? { achieved: { value: Math.round(s.achievedW), unit: "W" as const } } : {}),
      ...(reason ? { reason } : {}),
    }, { correlationId: cause.id });
    await this.log.record({
      policy, action: "answer", target: "grid", cause, outcome: s.outcome === "unsuccessful" ? "failed" : "ok",
      why: `${answers.length} recipient(s) answered: ${s.outcome}${reason ? ` (${reason})` : ""}`,
      numbers: { recipients: answers.length, successful: answers.filter((a) => a.outcome === "successful").length, ...(s.achievedW !== undefined ? { achievedW: Math.round(s.achievedW) } : {}) },
    });
  }
}
