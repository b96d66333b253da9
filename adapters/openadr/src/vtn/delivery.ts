/**
 * Each VEN has one delivery queue in the store (channel `ven:<venID>`). oadrPoll takes its head: each payload leaves
 * once, in order, even when several VTN processes share a PostgreSQL store. Event changes queue a "distribute"
 * marker rather than a payload, because 2.0b's oadrDistributeEvent always carries every event of the VEN: the
 * payload is built when the marker leaves, so it is current, and consecutive markers collapse into one.
 * Push VENs get the same queue pushed to them (push.ts); the `onQueued` hook starts that.
 */
import { randomUUID } from "node:crypto";
import type { OadrMessage, OadrMessageOf } from "../codec/index.ts";
import { toOadrEvent } from "./events.ts";
import type { Delivery, VenRecord, VtnEvent } from "./records.ts";
import type { VtnState } from "./state.ts";
import { targetFor } from "./targeting.ts";

/** How many queue writes run at once when an event fans out to many VENs. */
const FANOUT_CONCURRENCY = 32;
/** At most this many consecutive distribute markers are folded into one payload per take. */
const COLLAPSE_LIMIT = 100;

/** Runs tasks one after another per key (a VEN's poll and push never interleave within one process). */
export class KeyedSerializer {
  private tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class DeliveryQueues {
  readonly serial = new KeyedSerializer();

  constructor(
    private readonly state: VtnState,
    private readonly vtnID: string,
    private readonly now: () => number,
    private readonly onQueued: (ven: VenRecord) => void,
  ) {}

  /** The VEN's current oadrDistributeEvent: every live event that reaches it, targets narrowed to it. */
  async distribute(ven: VenRecord, requestID: string = randomUUID(), replyLimit?: number): Promise<OadrMessageOf<"oadrDistributeEvent">> {
    const now = this.now();
    const [events, opts] = await Promise.all([this.state.liveEvents(now), this.state.optsOf(ven.venID)]);
    const mine = events.flatMap((ev) => {
      const target = targetFor(ev, ven, opts);
      return target ? [toOadrEvent(ev, now, target)] : [];
    });
    const limited = replyLimit === undefined || replyLimit === 0 ? mine : mine.slice(0, replyLimit);
    return { type: "oadrDistributeEvent", requestID, vtnID: this.vtnID, events: limited };
  }

  /** Tells every VEN an event reaches (before or after the change) to fetch its event list again. */
  async eventChanged(ev: VtnEvent, before?: VtnEvent): Promise<number> {
    const vens = (await this.state.listVens()).filter((v) => v.registrationID !== undefined);
    const reached = vens.filter((v) => targetFor(ev, v, []) || (before && targetFor(before, v, [])));
    const id = `event:${ev.eventID}:${ev.modificationNumber}`;
    for (let i = 0; i < reached.length; i += FANOUT_CONCURRENCY) {
      await Promise.all(reached.slice(i, i + FANOUT_CONCURRENCY).map((v) => this.queue(v, id, { kind: "distribute" })));
    }
    return reached.length;
  }

  /** Tells one VEN to fetch its event list again (its opts changed, it registered). */
  refreshEvents(ven: VenRecord, reason: string) {
    return this.queue(ven, `refresh:${reason}`, { kind: "distribute" });
  }

  /** Queues a fixed payload (oadrCreateReport, oadrCancelReport, oadrRequestReregistration, ...). */
  send(ven: VenRecord, message: OadrMessage & { requestID?: string }) {
    return this.queue(ven, `${message.type}:${message.requestID ?? randomUUID()}`, { kind: "message", message });
  }

  private async queue(ven: VenRecord, id: string, item: Delivery) {
    const added = await this.state.enqueue(ven.venID, id, item);
    if (added) this.onQueued(ven);
  }

  /** oadrPoll: the VEN's next payload, taken from the queue (undefined when nothing is pending). */
  next(ven: VenRecord): Promise<OadrMessage | undefined> {
    return this.serial.run(ven.venID, async () => {
      const head = await this.state.take(ven.venID);
      if (!head) return undefined;
      if (head.item.kind === "message") return head.item.message;
      await this.dropFollowingMarkers(ven.venID, 0);
      return this.distribute(ven);
    });
  }

  /** Removes the distribute markers that follow the first `skip` items: the payload built next covers them. */
  private async dropFollowingMarkers(venID: string, skip: number) {
    for (const p of (await this.state.pending(venID, skip + COLLAPSE_LIMIT)).slice(skip)) {
      if (p.item.kind !== "distribute") return;
      await this.state.ack(venID, p.id);
    }
  }

  /**
   * For push: the VEN's head payload without removing it; `done` removes it once the VEN has it, `failed` records
   * the attempt and leaves it for the next poll or push. Undefined when the queue is empty.
   */
  async head(ven: VenRecord): Promise<{ message: OadrMessage; done(): Promise<void>; failed(error: string): Promise<void> } | undefined> {
    const [pending] = await this.state.pending(ven.venID, 1);
    if (!pending) return undefined;
    const failed = (error: string) => this.state.failed(ven.venID, pending.id, error);
    if (pending.item.kind === "message") {
      return { message: pending.item.message, done: () => this.state.ack(ven.venID, pending.id), failed };
    }
    // markers behind this one are dropped before the payload is built, so that it covers their changes
    await this.dropFollowingMarkers(ven.venID, 1);
    const message = await this.distribute(ven);
    return { message, done: () => this.state.ack(ven.venID, pending.id), failed };
  }

  /** Events still live that reach the VEN (for the operator API). */
  async eventsOf(ven: VenRecord): Promise<VtnEvent[]> {
    const now = this.now();
    const [events, opts] = await Promise.all([this.state.liveEvents(now), this.state.optsOf(ven.venID)]);
    return events.filter((ev) => targetFor(ev, ven, opts));
  }
}
