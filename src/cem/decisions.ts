/**
 * Every decision the CEM takes, with the event that caused it, the policy, the reason and the numbers: written to
 * the audit log and kept (the most recent ones) for the API ("why was the AHU set back at 14:02").
 */
import type { NeutralMessage } from "../model/index.ts";
import type { Store } from "../store/types.ts";
import { iso } from "./durations.ts";

export type Numbers = Record<string, number | string | boolean | null>;

export interface Decision {
  seq: number;
  at: string;
  policy: string;
  action: string;
  /** device id, building, or "grid" for answers sent north */
  target: string;
  outcome: "ok" | "refused" | "failed";
  why: string;
  event?: { id: string; type: string; source: string; origin?: string };
  numbers: Numbers;
}

export interface DecisionInput {
  policy: string;
  action: string;
  target: string;
  why: string;
  outcome?: Decision["outcome"];
  cause?: NeutralMessage;
  numbers?: Numbers;
}

export interface DecisionQuery { target?: string; policy?: string; since?: string; limit?: number }

const KEEP = 1000;

export class DecisionLog {
  private recent: Decision[] = [];
  private seq = 0;

  constructor(private store: Store, private now: () => number) {}

  async record(d: DecisionInput): Promise<Decision> {
    const m = d.cause;
    const entry: Decision = {
      seq: ++this.seq, at: iso(this.now()), policy: d.policy, action: d.action, target: d.target,
      outcome: d.outcome ?? "ok", why: d.why, numbers: d.numbers ?? {},
      ...(m ? { event: { id: m.id, type: m.type, source: m.source, ...(m.origin ? { origin: `${m.origin.protocol}:${m.origin.ref}` } : {}) } } : {}),
    };
    this.recent.push(entry);
    if (this.recent.length > KEEP) this.recent.shift();
    await this.store.audit({
      actor: `cem:${d.policy}`, action: d.action, target: d.target, outcome: entry.outcome,
      detail: { why: d.why, policy: d.policy, numbers: entry.numbers, ...(entry.event ? { event: entry.event } : {}) },
    });
    return entry;
  }

  /** Most recent first. */
  query(q: DecisionQuery = {}): Decision[] {
    const since = q.since ? Date.parse(q.since) : undefined;
    return this.recent.filter((d) => (!q.target || d.target === q.target) && (!q.policy || d.policy === q.policy) &&
      (since === undefined || Date.parse(d.at) >= since)).reverse().slice(0, Math.min(q.limit ?? 100, KEEP));
  }
}
