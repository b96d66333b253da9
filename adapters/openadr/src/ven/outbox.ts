/**
 * Ordered, durable, idempotent delivery of what the VEN sends on its own (oadrCreatedEvent, oadrUpdateReport,
 * oadrCreateOpt, ...). Items live in the store's outbox, so a restart keeps them; the head is retried with
 * exponential backoff until the VTN takes it, and nothing behind it overtakes it. An item the VTN refuses for
 * good, or that cannot be sent at all, is dropped with an audit entry rather than blocking the queue forever.
 */
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import type { OadrMessage, ServiceName } from "../codec/index.ts";

export interface Outgoing {
  service: ServiceName;
  message: OadrMessage;
}

/** Thrown by `deliver` when the item should be tried again later (VTN down, not registered yet, ...). */
export class RetryLater extends Error {}

export interface OutboxOptions {
  store: AdapterStore;
  channel: string;
  logger: Logger;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Sends one item; resolves when the VTN took it, throws RetryLater (or an error with `retryable: true`) to retry. */
  deliver(item: Outgoing): Promise<void>;
  /** Delivery waits while this is false (not registered). */
  ready(): boolean;
}

const retryable = (err: unknown) => err instanceof RetryLater || (err as { retryable?: boolean })?.retryable === true;

export class Outbox {
  private running = false;
  private loop?: Promise<void>;
  private wakeIdle?: () => void;
  private wakeBackoff?: () => void;

  constructor(private readonly opts: OutboxOptions) {}

  /** Queues an item; the id makes it idempotent (the same id twice is queued once). */
  async enqueue(id: string, item: Outgoing): Promise<boolean> {
    const added = await this.opts.store.enqueue(this.opts.channel, id, item);
    this.kick();
    return added;
  }

  depth(): Promise<number> {
    return this.opts.store.queueDepth(this.opts.channel);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    this.wakeIdle?.();
    this.wakeBackoff?.();
    await this.loop;
  }

  /** Something changed (new item, registered): an idle loop looks again. */
  kick() {
    this.wakeIdle?.();
  }

  /** The VTN answered again: retry the head now instead of waiting out the backoff. */
  retryNow() {
    this.wakeIdle?.();
    this.wakeBackoff?.();
  }

  private async run() {
    const { store, channel, logger } = this.opts;
    let failures = 0;
    while (this.running) {
      const head = this.opts.ready() ? (await store.pending(channel, 1))[0] : undefined;
      if (!head) {
        await new Promise<void>((ok) => (this.wakeIdle = ok));
        continue;
      }
      const item = head.payload as Outgoing;
      try {
        await this.opts.deliver(item);
        await store.ack(channel, head.id);
        failures = 0;
      } catch (err) {
        const message = (err as Error).message;
        if (retryable(err)) {
          await store.failed(channel, head.id, message);
          const delay = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** failures++);
          logger.debug({ id: head.id, attempts: head.attempts + 1, delay, err: message }, "OpenADR delivery deferred");
          if (!this.running) break;
          await new Promise<void>((ok) => {
            const t = setTimeout(ok, delay);
            this.wakeBackoff = () => (clearTimeout(t), ok());
          });
        } else {
          logger.warn({ id: head.id, type: item.message.type, err: message }, "OpenADR payload dropped: the VTN refused it or it cannot be sent");
          await store.audit({ action: "openadr.undeliverable", target: head.id, outcome: "failed", detail: { type: item.message.type, error: message } });
          await store.ack(channel, head.id);
        }
      }
    }
  }
}
