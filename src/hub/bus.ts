/**
 * The in-process bus. Every message is validated once on entry, deduplicated on its id (retransmissions are
 * acknowledged, not delivered twice), and delivered to the subscribers whose endpoint one of its targets names,
 * directly, through a group, or through {kind: "all"}. Observers (no endpoint) see every message of their types.
 */
import type { Logger } from "pino";
import { validateMessage, type Envelope, type MessageType, type NeutralMessage, type Ref } from "../model/index.ts";
import type { BusPort, PublishReceipt, SubscribeFilter, Unsubscribe } from "./contract.ts";
import type { GroupRegistry } from "./groups.ts";

interface Subscription {
  types?: ReadonlySet<string>;
  endpoint?: Ref;
  handler: (m: NeutralMessage) => void | Promise<void>;
}

const DEDUP_WINDOW = 10_000;

export class Bus implements BusPort {
  private subs = new Set<Subscription>();
  private seen = new Set<string>();
  private taps = new Set<(m: NeutralMessage) => void>();

  constructor(private groups: GroupRegistry, private logger: Logger) {}

  /** Does a message with these targets reach this endpoint? */
  reaches(targets: Ref[], endpoint: Ref): boolean {
    return targets.some((t) => {
      if (t.kind === "all") return true;
      if (endpoint.kind === "all") return false;
      if (t.kind === endpoint.kind && t.id === endpoint.id) return true;
      return t.kind === "group" && endpoint.kind === "device" && this.groups.has(t.id, endpoint.id);
    });
  }

  async publish(input: unknown): Promise<PublishReceipt> {
    const msg = validateMessage(input);
    if (this.seen.has(msg.id)) return { id: msg.id, duplicate: true, delivered: 0 };
    this.remember(msg.id);
    for (const tap of this.taps) tap(msg);
    const targets = [...this.subs].filter((s) =>
      (!s.types || s.types.has(msg.type)) && (!s.endpoint || this.reaches(msg.targets, s.endpoint)));
    const results = await Promise.allSettled(targets.map(async (s) => s.handler(msg)));
    for (const r of results) {
      if (r.status === "rejected") this.logger.error({ err: r.reason, messageId: msg.id, type: msg.type }, "bus subscriber failed");
    }
    return { id: msg.id, duplicate: false, delivered: targets.length };
  }

  subscribe<T extends MessageType>(filter: SubscribeFilter<T>, handler: (m: Envelope<T>) => void | Promise<void>): Unsubscribe {
    const sub: Subscription = {
      ...(filter.types ? { types: new Set<string>(filter.types) } : {}),
      ...(filter.endpoint ? { endpoint: filter.endpoint } : {}),
      handler: handler as (m: NeutralMessage) => void | Promise<void>,
    };
    this.subs.add(sub);
    return () => void this.subs.delete(sub);
  }

  /** Synchronous observation of every accepted message (API live view, metrics), before delivery. */
  tap(fn: (m: NeutralMessage) => void): Unsubscribe {
    this.taps.add(fn);
    return () => void this.taps.delete(fn);
  }

  private remember(id: string) {
    this.seen.add(id);
    if (this.seen.size > DEDUP_WINDOW) this.seen.delete(this.seen.values().next().value as string);
  }
}
