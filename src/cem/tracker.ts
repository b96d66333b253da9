/**
 * Device (or member building) Results for the messages the CEM sends, gathered per cause: a Batch knows what it
 * sent and settles when every recipient answered or the deadline passed. Nothing here blocks the CEM's queue:
 * results arrive whenever the actuator reaches a message's start.
 */
import { makeMessage, toUnit, type BodyOf, type Envelope, type MessageType, type NeutralMessage } from "../model/index.ts";
import type { Timers } from "./timers.ts";

/** a device, or a member building of a group (cascaded CEM) */
export type Recipient = { kind: "device" | "building"; id: string };

export type Outcome = "successful" | "unsuccessful" | "partial";
export interface Answer { messageId: string; recipient: string; outcome: Outcome; reason?: string; achievedW?: number }

export interface SendOptions {
  validity?: { start: string; end?: string };
  /** origin ref (protocol "cem"): a later message with the same ref supersedes this one */
  origin?: string;
}

export interface BatchDeps {
  source: string;
  now(): number;
  timers: Timers;
  resultTimeoutMs: number;
  publish(m: NeutralMessage): Promise<{ delivered: number }>;
  tracker: ResultTracker;
}

let batches = 0;

export class Batch {
  private expected = new Map<string, { recipient: string; startsAt: number }>();
  private answers = new Map<string, Answer>();
  private settle?: () => void;
  private done?: Promise<Answer[]>;
  private readonly key = `batch:${++batches}`;

  constructor(private deps: BatchDeps, readonly cause: NeutralMessage | undefined) {}

  /** Publishes a message to one recipient (a device, or a member building) and expects its Result. */
  async send<T extends MessageType>(to: Recipient, type: T, body: BodyOf<T>, opts: SendOptions = {}): Promise<Envelope<T>> {
    if (this.done) throw new Error("this batch has settled; start a new one");
    const msg = makeMessage(type, body, {
      source: this.deps.source, targets: [to],
      ...(this.cause ? { correlationId: this.cause.id } : {}),
      ...(opts.validity ? { validity: opts.validity } : {}),
      ...(opts.origin ? { origin: { protocol: "cem", ref: opts.origin } } : {}),
    });
    const startsAt = Math.max(this.deps.now(), opts.validity ? Date.parse(opts.validity.start) : 0);
    this.expected.set(msg.id, { recipient: to.id, startsAt });
    this.deps.tracker.register(msg.id, this);
    const receipt = await this.deps.publish(msg as NeutralMessage);
    if (receipt.delivered === 0) {
      this.take({ messageId: msg.id, recipient: to.id, outcome: "unsuccessful", reason: `${to.id} does not take ${type} messages` });
    }
    return msg;
  }

  take(a: Answer) {
    if (!this.expected.has(a.messageId) || this.answers.has(a.messageId)) return;
    this.answers.set(a.messageId, a);
    this.deps.tracker.unregister(a.messageId);
    if (this.answers.size === this.expected.size) this.settle?.();
  }

  /** Every answer, once all are in or `resultTimeout` after the latest start; the silent ones count as unsuccessful. */
  settled(): Promise<Answer[]> {
    this.done ??= new Promise<void>((ok) => {
      this.settle = ok;
      if (this.answers.size === this.expected.size) return ok();
      const deadline = Math.max(...[...this.expected.values()].map((e) => e.startsAt)) + this.deps.resultTimeoutMs;
      this.deps.timers.at(this.key, deadline, ok, true);
    }).then(() => {
      this.deps.timers.cancel(this.key);
      return [...this.expected].map(([id, e]) => {
        this.deps.tracker.unregister(id);
        return this.answers.get(id) ?? { messageId: id, recipient: e.recipient, outcome: "unsuccessful" as const, reason: "no result within the result timeout" };
      });
    });
    return this.done;
  }
}

export class ResultTracker {
  private waiting = new Map<string, Batch>();

  register(id: string, b: Batch) {
    this.waiting.set(id, b);
  }

  unregister(id: string) {
    this.waiting.delete(id);
  }

  onResult(m: Envelope<"Result">) {
    const b = m.correlationId ? this.waiting.get(m.correlationId) : undefined;
    if (!b) return;
    const achieved = m.body.achieved?.unit === "W" ? toUnit(m.body.achieved, "W") : undefined;
    b.take({
      messageId: m.correlationId!, recipient: m.source.replace(/^(device|cem):/, ""), outcome: m.body.outcome,
      ...(m.body.reason ? { reason: m.body.reason } : {}), ...(achieved !== undefined ? { achievedW: achieved } : {}),
    });
  }
}

/** One outcome for several: all successful, none, or partial. */
export function overall(outcomes: Outcome[]): Outcome {
  if (outcomes.length && outcomes.every((o) => o === "successful")) return "successful";
  if (outcomes.some((o) => o !== "unsuccessful")) return "partial";
  return "unsuccessful";
}
