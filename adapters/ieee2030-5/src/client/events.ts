/**
 * The event book: every DERControl and EndDeviceControl this EndDevice has seen, and what became of it. Rules
 * (2030.5 event handling): randomizeStart/Duration pick the effective times once; a control that overlaps another
 * in time and shares a control mode with it supersedes it when its program's primacy is lower, or, at equal
 * primacy, when it is newer (creationTime); a control the server cancels, or stops listing, is cancelled.
 * Each live control becomes neutral messages (grid table) with origin {ieee2030-5, mRID}: a message with the same
 * origin and an end in the past withdraws them. Responses follow responseRequired: received (1) at first sight,
 * started (2) when a device reports acting on it, completed (3) at its end (252 not applicable when nothing
 * acted), cancelled (6), superseded (7). State lives in the hub store: a restart resumes, never re-publishes.
 */
import type { Logger } from "pino";
import type { Envelope } from "gridhub/model";
import type { AdapterStore, EventRecord } from "gridhub/store";
import type { DERControlValue, EndDeviceControlValue } from "../codec/index.ts";
import { modesOf, planDer } from "../mapping/der.ts";
import { planDrlc } from "../mapping/drlc.ts";
import type { GridMap } from "../mapping/table.ts";
import { hubEventId, PROTOCOL } from "../common/ids.ts";
import { originRef, type Publisher, type PublishedMessage } from "./publisher.ts";

/** Response status codes (IEEE 2030.5 "Response types by function set"). */
export const RESPONSE = {
  received: 1, started: 2, completed: 3, optOut: 4, optIn: 5, cancelled: 6, superseded: 7,
  notApplicable: 252, invalid: 253, expired: 254,
} as const;
const SPECIFIC = 0x02;
const RECEIVED = 0x01;
const EVENT_STATUS = { cancelled: 2, cancelledRandom: 3, superseded: 4 } as const;
const MAX_TIMER = 2 ** 31 - 1;

export type EventKind = "der" | "drlc";
export type EventState = "scheduled" | "active" | "completed" | "cancelled" | "superseded";

export interface TrackedEvent {
  mRID: string;
  kind: EventKind;
  program: { mRID: string; primacy: number };
  control: DERControlValue | EndDeviceControlValue;
  /** effective times, server clock, seconds since the epoch (randomization applied) */
  start: number;
  end: number;
  state: EventState;
  /** absolute URL the responses go to */
  replyTo?: string;
  responseRequired: number;
  messages: PublishedMessage[];
  /** a device reported acting on one of its messages */
  started: boolean;
  problems: string[];
}

export interface ProgramControls<C> {
  mRID: string;
  primacy: number;
  controls: C[];
}

export interface BookDeps {
  store: AdapterStore;
  publisher: Publisher;
  logger: Logger;
  name: string;
  map: GridMap;
  building: string;
  setMaxW?: number;
  commandDevices: readonly string[];
  /** DeviceCategoryType bits of this EndDevice; undefined = every category applies */
  deviceCategory?: number;
  randomize: boolean;
  random(): number;
  /** the server's clock (ms) */
  serverNow(): number;
  /** a server time (ms) on the hub's clock */
  toLocal(serverMs: number): number;
  /** absolute URL of a reference from the server */
  url(href: string): string;
  curve(href: string): unknown;
  respond(ev: TrackedEvent, status: number): Promise<void>;
}

const live = (e: TrackedEvent) => e.state === "scheduled" || e.state === "active";
const storeState: Record<EventState, EventRecord["state"]> = {
  scheduled: "pending", active: "active", completed: "completed", cancelled: "cancelled", superseded: "superseded",
};

function randomOffset(range: number | undefined, random: () => number): number {
  if (!range) return 0;
  return Math.round(random() * range);
}

function modes(ev: Pick<TrackedEvent, "kind" | "control">): Set<string> {
  // DRLC controls of one device all act on its load: any two overlap
  return ev.kind === "der" ? new Set(modesOf((ev.control as DERControlValue).DERControlBase)) : new Set(["load"]);
}

/**
 * Does the newly seen `a` supersede `b`? Lower primacy wins; at equal primacy the newer creationTime, and at equal
 * creationTime (it has a one-second resolution) the one seen last.
 */
function supersedes(a: TrackedEvent, b: TrackedEvent): boolean {
  if (a.program.primacy !== b.program.primacy) return a.program.primacy < b.program.primacy;
  return a.control.creationTime >= b.control.creationTime;
}

export class EventBook {
  private readonly events = new Map<string, TrackedEvent>();
  private readonly byMessage = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** controls seen and deliberately left alone (other device category, cancelled or over before we saw them) */
  private readonly ignored: Record<EventKind, Set<string>> = { der: new Set(), drlc: new Set() };
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly d: BookDeps) {}

  /** Events still live, or whose interval has not passed (the server may still list them), come back from the store. */
  async load() {
    const now = this.d.serverNow() / 1000;
    for (const r of await this.d.store.listEvents()) {
      const ev = r.payload as TrackedEvent;
      if (!live(ev) && ev.end <= now) continue;
      this.events.set(ev.mRID, ev);
      for (const m of ev.messages) this.byMessage.set(m.id, ev.mRID);
    }
    for (const ev of this.events.values()) if (live(ev)) this.arm(ev);
  }

  list(): TrackedEvent[] {
    return [...this.events.values()];
  }

  get(mRID: string): TrackedEvent | undefined {
    return this.events.get(mRID);
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    return this.queue;
  }

  /**
   * A fresh view of programs' event lists. With `complete`, programs missing from `programs` are gone: their live
   * events are cancelled; events missing from a listed program are cancelled either way.
   */
  sync(kind: EventKind, programs: ProgramControls<DERControlValue | EndDeviceControlValue>[], complete: boolean): Promise<void> {
    return this.serial(async () => {
      const listed = new Set<string>();
      const byCreation = programs.flatMap((p) => p.controls.map((c) => ({ p, c }))).sort((a, b) => a.c.creationTime - b.c.creationTime);
      for (const { p, c } of byCreation) {
        listed.add(c.mRID);
        await this.take(kind, p, c);
      }
      const covered = new Set(programs.map((p) => p.mRID));
      for (const ev of [...this.events.values()]) {
        if (ev.kind !== kind || !live(ev) || listed.has(ev.mRID)) continue;
        if (complete || covered.has(ev.program.mRID)) await this.cancel(ev, "the server no longer lists it");
      }
      if (complete) this.forget(kind, listed);
    });
  }

  /** Drops from memory what the server no longer lists and that is over (the store keeps the history). */
  private forget(kind: EventKind, listed: ReadonlySet<string>) {
    const now = this.d.serverNow() / 1000;
    for (const id of this.ignored[kind]) if (!listed.has(id)) this.ignored[kind].delete(id);
    for (const ev of [...this.events.values()]) {
      if (ev.kind !== kind || live(ev) || listed.has(ev.mRID) || ev.end > now) continue;
      this.events.delete(ev.mRID);
      for (const m of ev.messages) this.byMessage.delete(m.id);
    }
  }

  /**
   * A device's Result for one of our messages: the first success or partial success means the event started.
   * Queued, not awaited: Results arrive while the bus still delivers the message that caused them.
   */
  onResult(m: Envelope<"Result">): void {
    const mRID = m.correlationId ? this.byMessage.get(m.correlationId) : undefined;
    if (!mRID) return;
    void this.serial(async () => {
      const ev = this.events.get(mRID);
      if (!ev) return;
      if (m.body.outcome === "unsuccessful") {
        ev.problems.push(`${m.source}: ${m.body.reason ?? "unsuccessful"}`);
        await this.save(ev);
        return;
      }
      if (ev.started || !live(ev)) return;
      ev.started = true;
      await this.save(ev);
      await this.d.respond(ev, RESPONSE.started);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch((err) => this.d.logger.error({ err }, "event book step failed"));
    return next;
  }

  private async take(kind: EventKind, p: ProgramControls<unknown>, c: DERControlValue | EndDeviceControlValue) {
    const status = c.EventStatus.currentStatus;
    const known = this.events.get(c.mRID);
    if (known) {
      if (!live(known)) return;
      if (status === EVENT_STATUS.cancelled || status === EVENT_STATUS.cancelledRandom) {
        await this.cancelled(known, status === EVENT_STATUS.cancelledRandom);
      } else if (status === EVENT_STATUS.superseded) {
        await this.supersede(known, "the server marked it superseded");
      }
      return;
    }
    if (this.ignored[kind].has(c.mRID)) return;
    const why = this.notForUs(c);
    if (why) {
      this.ignored[kind].add(c.mRID);
      this.d.logger.info({ mRID: c.mRID, why }, "2030.5 event ignored");
      return;
    }
    const rs = this.d.randomize ? randomOffset(c.randomizeStart, this.d.random) : 0;
    const rd = this.d.randomize ? randomOffset(c.randomizeDuration, this.d.random) : 0;
    const start = c.interval.start + rs;
    const end = start + Math.max(0, c.interval.duration + rd);
    const now = this.d.serverNow() / 1000;
    if (end <= now) {
      this.ignored[kind].add(c.mRID);
      return;
    }
    const ev: TrackedEvent = {
      mRID: c.mRID, kind, program: { mRID: p.mRID, primacy: p.primacy }, control: c, start, end,
      state: now >= start ? "active" : "scheduled", responseRequired: parseInt(c.responseRequired ?? "00", 16),
      ...(c.replyTo ? { replyTo: this.d.url(c.replyTo) } : {}), messages: [], started: false, problems: [],
    };
    this.events.set(ev.mRID, ev);
    await this.save(ev);
    await this.d.respond(ev, RESPONSE.received);
    for (const other of [...this.events.values()]) {
      if (other === ev || other.kind !== kind || !live(other) || !(other.start < ev.end && ev.start < other.end)) continue;
      const shared = modes(other);
      if (![...modes(ev)].some((m) => shared.has(m))) continue;
      if (supersedes(ev, other)) {
        await this.supersede(other, `superseded by ${ev.mRID}`);
      } else {
        await this.supersede(ev, `superseded by ${other.mRID}`);
        return;
      }
    }
    await this.publish(ev);
    this.arm(ev);
  }

  /** Why a new control does not concern this EndDevice, or undefined. */
  private notForUs(c: DERControlValue | EndDeviceControlValue): string | undefined {
    const status = c.EventStatus.currentStatus;
    if (status === EVENT_STATUS.cancelled || status === EVENT_STATUS.cancelledRandom || status === EVENT_STATUS.superseded) {
      return "cancelled or superseded before it was seen";
    }
    if (this.d.deviceCategory !== undefined && c.deviceCategory !== undefined && (parseInt(c.deviceCategory, 16) & this.d.deviceCategory) === 0) {
      return `device category ${c.deviceCategory} is not this device's`;
    }
    return undefined;
  }

  private async publish(ev: TrackedEvent) {
    const duration = `PT${Math.max(1, ev.end - ev.start)}S`;
    const ctx = {
      building: this.d.building, duration, primacy: ev.program.primacy, commandDevices: this.d.commandDevices,
      mandatory: ev.kind === "der" ? true : (ev.control as EndDeviceControlValue).drProgramMandatory,
    };
    const planned = ev.kind === "der"
      ? planDer((ev.control as DERControlValue).DERControlBase, this.d.map, { ...ctx, ...(this.d.setMaxW ? { setMaxW: this.d.setMaxW } : {}), curve: (h) => this.d.curve(h) })
      : planDrlc(ev.control as EndDeviceControlValue, this.d.map, ctx);
    for (const s of planned.skipped) ev.problems.push(`${s.mode}: ${s.reason}`);
    const validity = { start: new Date(this.d.toLocal(ev.start * 1000)).toISOString(), end: new Date(this.d.toLocal(ev.end * 1000)).toISOString() };
    for (const pm of planned.messages) {
      const ref = originRef(ev.mRID, pm, planned.messages.length);
      const sent = await this.d.publisher.send(pm, ref, validity, (id) => this.byMessage.set(id, ev.mRID));
      if (sent) ev.messages.push(sent);
      else {
        ev.problems.push(`${pm.key}: the ${pm.type} message was refused by the neutral model`);
      }
    }
    if (ev.problems.length) this.d.logger.warn({ mRID: ev.mRID, problems: ev.problems }, "2030.5 event only partly mapped");
    await this.save(ev);
  }

  /** Withdraws an event's messages: the same origin again, its validity ending now. */
  private withdraw(ev: TrackedEvent) {
    return this.d.publisher.withdraw(ev.messages, this.d.toLocal(this.d.serverNow()));
  }

  private async cancelled(ev: TrackedEvent, randomized: boolean) {
    const spread = Math.max(Math.abs(ev.control.randomizeStart ?? 0), Math.abs(ev.control.randomizeDuration ?? 0));
    if (!randomized || !this.d.randomize || !spread) return this.cancel(ev, "cancelled by the server");
    // cancelled with randomization: end within the larger randomization range, not all devices at once
    this.clear(ev.mRID);
    const delayMs = Math.round(this.d.random() * spread * 1000);
    this.timers.set(ev.mRID, setTimeout(() => void this.serial(() => this.cancel(ev, "cancelled by the server (randomized)")), delayMs));
  }

  private async cancel(ev: TrackedEvent, why: string) {
    if (!live(ev)) return;
    this.clear(ev.mRID);
    ev.state = "cancelled";
    await this.withdraw(ev);
    await this.save(ev);
    this.d.logger.info({ mRID: ev.mRID, why }, "2030.5 event cancelled");
    await this.d.respond(ev, RESPONSE.cancelled);
  }

  private async supersede(ev: TrackedEvent, why: string) {
    if (!live(ev)) return;
    this.clear(ev.mRID);
    ev.state = "superseded";
    await this.withdraw(ev);
    await this.save(ev);
    this.d.logger.info({ mRID: ev.mRID, why }, "2030.5 event superseded");
    await this.d.respond(ev, RESPONSE.superseded);
  }

  private arm(ev: TrackedEvent) {
    if (this.stopped) return;
    this.clear(ev.mRID);
    const now = this.d.serverNow();
    const at = ev.state === "scheduled" ? ev.start * 1000 : ev.end * 1000;
    const t = setTimeout(() => void this.serial(() => this.step(ev.mRID)), Math.min(MAX_TIMER, Math.max(0, at - now)));
    this.timers.set(ev.mRID, t);
  }

  private clear(mRID: string) {
    clearTimeout(this.timers.get(mRID));
    this.timers.delete(mRID);
  }

  /** The clock reached an event's start or end. */
  private async step(mRID: string) {
    const ev = this.events.get(mRID);
    if (!ev || !live(ev) || this.stopped) return;
    const now = this.d.serverNow() / 1000;
    if (now >= ev.end) {
      this.clear(mRID);
      ev.state = "completed";
      await this.save(ev);
      await this.d.respond(ev, ev.started ? RESPONSE.completed : RESPONSE.notApplicable);
      return;
    }
    if (ev.state === "scheduled" && now >= ev.start) {
      ev.state = "active";
      await this.save(ev);
    }
    this.arm(ev);
  }

  private async save(ev: TrackedEvent) {
    await this.d.store.upsertEvent({
      id: hubEventId(this.d.name, ev.mRID), source: this.d.name, protocol: PROTOCOL, ref: ev.mRID,
      modification: ev.control.creationTime, state: storeState[ev.state],
      start: new Date(this.d.toLocal(ev.start * 1000)).toISOString(), end: new Date(this.d.toLocal(ev.end * 1000)).toISOString(),
      payload: ev, ...(ev.messages[0] ? { messageId: ev.messages[0].id } : {}), updated: new Date().toISOString(),
    });
  }

  /** Response-required bits decide which statuses are sent. */
  static wanted(ev: Pick<TrackedEvent, "responseRequired">, status: number): boolean {
    return status === RESPONSE.received ? (ev.responseRequired & RECEIVED) !== 0 : (ev.responseRequired & SPECIFIC) !== 0;
  }
}
