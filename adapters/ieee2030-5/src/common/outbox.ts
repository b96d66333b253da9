/**
 * Store-and-forward delivery over the store's queues: items leave in order per channel (channels in parallel), at
 * least once; a failure that may pass backs the channel off (doubling up to a maximum) and retries; anything else,
 * or too many attempts, drops the item (the owner audits it). The client's Responses and the server's Notifications use it.
 */
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";

export interface OutboxOptions<T> {
  store: AdapterStore;
  logger: Logger;
  /** the channels to drain (read at each pass) */
  channels(): Iterable<string>;
  deliver(item: T, channel: string): Promise<void>;
  retryable(err: unknown): boolean;
  backoff: { initialMs: number; maxMs: number };
  maxAttempts: number;
  dropped(item: T, channel: string, err: unknown, attempts: number): Promise<void>;
  /** false holds delivery (e.g. not registered yet) */
  ready?(): boolean;
}

export class Outbox<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly o: OutboxOptions<T>) {}

  async enqueue(channel: string, id: string, item: T): Promise<boolean> {
    const added = await this.o.store.enqueue(channel, id, item);
    this.kick();
    return added;
  }

  start() {
    this.stopped = false;
    this.kick();
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Delivers whatever is due, now (also: after a link came back, call it to skip the backoff). */
  kick(resetBackoff = false) {
    if (this.stopped) return;
    if (resetBackoff) this.notBefore.clear();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().catch((err) => this.o.logger.error({ err }, "outbox delivery failed")).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  depth(channel: string): Promise<number> {
    return this.o.store.queueDepth(channel);
  }

  /** Every channel at once (one slow peer does not hold the others up), each in order. */
  private async drain() {
    clearTimeout(this.timer);
    if (this.o.ready && !this.o.ready()) return;
    const waits = await Promise.all([...this.o.channels()].map((ch) => this.drainChannel(ch)));
    const wake = Math.min(Infinity, ...waits);
    if (wake !== Infinity && !this.stopped) this.timer = setTimeout(() => this.kick(), Math.max(0, wake - Date.now()));
  }

  /** Delivers a channel's due items in order; resolves with when to try again (Infinity: nothing waits). */
  private async drainChannel(channel: string): Promise<number> {
    for (let n = 0; n < 10_000 && !this.stopped; n++) {
      const due = this.notBefore.get(channel) ?? 0;
      if (due > Date.now()) return due;
      const [item] = await this.o.store.pending(channel, 1);
      if (!item) return Infinity;
      try {
        await this.o.deliver(item.payload as T, channel);
        await this.o.store.ack(channel, item.id);
        this.notBefore.delete(channel);
      } catch (err) {
        if (!this.o.retryable(err) || item.attempts + 1 >= this.o.maxAttempts) {
          await this.o.store.ack(channel, item.id);
          await this.o.dropped(item.payload as T, channel, err, item.attempts + 1);
          continue;
        }
        await this.o.store.failed(channel, item.id, (err as Error).message);
        const delay = Math.min(this.o.backoff.maxMs, this.o.backoff.initialMs * 2 ** item.attempts);
        this.notBefore.set(channel, Date.now() + delay);
        this.o.logger.warn({ err: (err as Error).message, channel, retryInMs: delay }, "delivery failed; will retry");
        return Date.now() + delay;
      }
    }
    return Date.now();
  }
}
