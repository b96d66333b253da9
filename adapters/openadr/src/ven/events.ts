/**
 * EiEvent from the VEN's side: the event store and its state machine. Each oadrDistributeEvent carries every
 * event for this VEN: a new eventID or a higher modificationNumber is followed (neutral messages published with
 * origin {openadr, ref}, so a modification supersedes), an equal one is already known, a lower one is stale (450),
 * a cancellation or an event missing from the list (implied cancel) ends its messages. Status (far, near, active,
 * completed, cancelled) comes from the schedule, the randomized start and the VEN's clock. Device Results for
 * the messages decide optIn/optOut (grid table policy); a later change of mind goes out as a per-event oadrCreateOpt.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { BusPort } from "gridhub/hub";
import type { AdapterStore, EventRecord } from "gridhub/store";
import { makeMessage, type Envelope } from "gridhub/model";
import {
  OadrResponseCode, type EiTarget, type EventResponse, type EventStatus, type OadrEvent, type OadrMessageOf, type OptReason, type OptType,
} from "../codec/index.ts";
import { VenRefusal } from "./errors.ts";
import type { OptService } from "./opt.ts";
import type { SignalMap } from "./signal-map.ts";
import { planEvent, type EventWindow, type PlannedMessage } from "./signals.ts";
import { resolveTargets, type TargetScope } from "./targets.ts";
import { iso, msOf, parseDateTime } from "./time.ts";

type Outcome = "successful" | "unsuccessful" | "partial";

export interface PublishedMessage extends PlannedMessage {
  id: string;
}

export interface VenEvent {
  event: OadrEvent;
  /** randomization (startafter) drawn for this event: start and end move by it */
  offsetMs: number;
  cancelled: boolean;
  opt: { optType: OptType; source: "auto" | "operator" | "schedule"; reason?: string };
  /** the neutral messages standing for the event now */
  published: PublishedMessage[];
  /** bus subscribers the load-changing messages reached */
  delivered: number;
  /** device id -> Result outcome for the current messages */
  results: Record<string, Outcome>;
}

export interface EventView {
  eventID: string;
  modificationNumber: number;
  status: EventStatus;
  optType: OptType;
  optSource: VenEvent["opt"]["source"];
  start: string;
  end: string;
  messages: { id: string; ref: string; type: string }[];
  results: Record<string, Outcome>;
}

export interface EventDeps {
  store: AdapterStore;
  bus: BusPort;
  logger: Logger;
  now(): Date;
  random(): number;
  /** instance name (EventRecord ids) and message source */
  name: string;
  source: string;
  building: string;
  table: SignalMap;
  marketContexts?: string[];
  targets(): TargetScope;
  opts: OptService;
  /** queues an oadrCreatedEvent with these responses */
  respond(responses: EventResponse[]): Promise<void>;
}

const COLLECTION = "events";
const MAX_TIMER = 2 ** 31 - 1;
const LOAD_CHANGING = new Set(["LoadGenerationManagement", "Emergency", "TemperatureProfile"]);

export class EventService {
  private events = new Map<string, VenEvent>();
  private byMessage = new Map<string, string>();
  private timers = new Map<string, NodeJS.Timeout>();
  /** refused or stale (eventID -> modificationNumber) already answered: the VTN repeats every event on every poll */
  private answered = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly d: EventDeps) {}

  async load() {
    for (const { doc } of await this.d.store.listDocs<VenEvent>(COLLECTION)) {
      this.events.set(doc.event.eventDescriptor.eventID, doc);
      for (const p of doc.published) this.byMessage.set(p.id, doc.event.eventDescriptor.eventID);
      this.arm(doc);
    }
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  list(): EventView[] {
    const now = this.d.now().getTime();
    return [...this.events.values()].map((e) => {
      const w = this.windowOf(e);
      return {
        eventID: e.event.eventDescriptor.eventID, modificationNumber: e.event.eventDescriptor.modificationNumber,
        status: this.statusOf(e, now), optType: e.opt.optType, optSource: e.opt.source, start: iso(w.start), end: iso(w.end),
        messages: e.published.map((p) => ({ id: p.id, ref: p.ref, type: p.type })), results: { ...e.results },
      };
    });
  }

  /** A device that reported unsuccessful or partial for an event running now (it does not follow it). */
  notFollowing(device: string): boolean {
    const now = this.d.now().getTime();
    return [...this.events.values()].some((e) => this.statusOf(e, now) === "active" &&
      (e.results[device] === "unsuccessful" || e.results[device] === "partial"));
  }

  /** Follows an oadrDistributeEvent; the oadrCreatedEvent (for events with responseRequired=always) is queued. */
  receive(msg: OadrMessageOf<"oadrDistributeEvent">): Promise<void> {
    return this.serial(async () => {
      const responses: EventResponse[] = [];
      for (const ev of msg.events) {
        const r = await this.accept(ev, msg.requestID);
        if (r) responses.push(r);
      }
      const listed = new Set(msg.events.map((e) => e.eventDescriptor.eventID));
      const now = this.d.now().getTime();
      for (const [id, e] of this.events) {
        if (listed.has(id)) continue;
        const status = this.statusOf(e, now);
        if (status === "completed" || status === "cancelled") await this.forget(id);
        else await this.cancel(e, undefined, "implied cancel: the VTN no longer lists it");
      }
      if (responses.length) await this.d.respond(responses);
    });
  }

  /** A device answered one of our messages. */
  onResult(m: Envelope<"Result">) {
    const eventID = m.correlationId ? this.byMessage.get(m.correlationId) : undefined;
    const e = eventID ? this.events.get(eventID) : undefined;
    if (!e || !e.published.some((p) => p.id === m.correlationId)) return;
    e.results[m.source.replace(/^device:/, "")] = m.body.outcome;
    void this.serial(() => this.reconsider(eventID!)).catch((err) => this.d.logger.error({ err, eventID }, "re-deciding the opt failed"));
  }

  /** The operator's decision for one event (sent as oadrCreateOpt); an unknown eventID is refused with 452. */
  setOpt(eventID: string, optType: OptType, reason: OptReason): Promise<void> {
    return this.serial(async () => {
      const e = this.events.get(eventID);
      if (!e) throw new VenRefusal(OadrResponseCode.INVALID_ID, `no event ${eventID}`);
      const status = this.statusOf(e, this.d.now().getTime());
      if (status === "completed" || status === "cancelled") {
        throw new VenRefusal(OadrResponseCode.NOT_ALLOWED, `event ${eventID} is ${status}`);
      }
      e.opt = { optType, source: "operator", reason };
      if (optType === "optOut") await this.retire(e);
      else await this.publish(e, this.plan(e.event, this.windowOf(e)));
      await this.d.opts.eventOpt(eventID, e.event.eventDescriptor.modificationNumber, optType, reason);
      await this.save(e);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async accept(ev: OadrEvent, requestID: string): Promise<EventResponse | undefined> {
    const { eventID, modificationNumber: mod } = ev.eventDescriptor;
    const prior = this.events.get(eventID);
    const answer = (code: number, optType: OptType, text?: string): EventResponse | undefined =>
      ev.responseRequired === "always"
        ? { responseCode: code, ...(text ? { responseDescription: text } : {}), requestID, qualifiedEventID: { eventID, modificationNumber: mod }, optType }
        : undefined;
    const refuse = async (code: number, optType: OptType, why: string) => {
      if (this.answered.get(eventID) === mod) return undefined;
      this.answered.set(eventID, mod);
      this.d.logger.warn({ eventID, modificationNumber: mod, code }, why);
      await this.d.store.audit({ action: "openadr.event.refused", target: eventID, outcome: "refused", detail: { modificationNumber: mod, code, why } });
      return answer(code, optType, why);
    };
    const priorMod = prior?.event.eventDescriptor.modificationNumber;
    if (prior && mod < priorMod!) {
      return refuse(OadrResponseCode.OUT_OF_SEQUENCE, prior.opt.optType, `stale modificationNumber ${mod} (${priorMod} is current)`);
    }
    if (prior && mod === priorMod) return undefined;
    if (ev.eventDescriptor.eventStatus === "cancelled") {
      if (!prior) return refuse(OadrResponseCode.INVALID_ID, "optOut", `unknown event ${eventID}: nothing to cancel`);
      await this.cancel(prior, ev, "cancelled by the VTN");
      return answer(OadrResponseCode.OK, prior.opt.optType);
    }
    const e: VenEvent = {
      event: ev, offsetMs: 0, cancelled: false, published: prior?.published ?? [], delivered: 0, results: {},
      opt: prior?.opt.source === "operator" ? prior.opt : { optType: "optIn", source: "auto" },
    };
    let plan: PlannedMessage[];
    let win: EventWindow;
    try {
      const context = ev.eventDescriptor.marketContext;
      if (this.d.marketContexts && !this.d.marketContexts.includes(context)) {
        throw new VenRefusal(OadrResponseCode.INVALID_ID, `market context ${context} is not served by this VEN`);
      }
      const spread = msOf(ev.eiActivePeriod.startafter ?? "PT0S");
      if (Number.isNaN(spread)) throw new VenRefusal(OadrResponseCode.INVALID_DATA, `startafter ${ev.eiActivePeriod.startafter} is not a duration`);
      const sameSpread = prior && prior.event.eiActivePeriod.startafter === ev.eiActivePeriod.startafter;
      e.offsetMs = sameSpread ? prior.offsetMs : Math.floor(this.d.random() * spread);
      win = this.windowOf(e);
      if (!(win.end > win.start)) throw new VenRefusal(OadrResponseCode.INVALID_DATA, `event ${eventID} has no positive duration`);
      plan = this.plan(ev, win);
      for (const p of plan) this.message({ ...p, id: "check" }); // a body the neutral model refuses is invalid data here
    } catch (err) {
      const code = err instanceof VenRefusal ? err.code : OadrResponseCode.INVALID_DATA;
      return refuse(code, "optOut", (err as Error).message);
    }
    this.events.set(eventID, e);
    this.answered.delete(eventID);
    const blocked = e.opt.source === "auto" ? this.d.opts.optedOut(win.start, win.end, ev.eventDescriptor.marketContext) : undefined;
    if (blocked) e.opt = { optType: "optOut", source: "schedule", reason: `opt schedule ${blocked.optID}` };
    if (e.opt.optType === "optIn" && win.end > this.d.now().getTime()) await this.publish(e, plan);
    else await this.retire(e);
    if (e.opt.source === "auto") e.opt.optType = this.decide(e);
    if (e.opt.optType === "optOut") await this.retire(e);
    await this.save(e);
    this.arm(e);
    await this.d.store.audit({ action: prior ? "openadr.event.modified" : "openadr.event.received", target: eventID, outcome: "ok",
      detail: { modificationNumber: mod, optType: e.opt.optType, messages: e.published.map((p) => p.id) } });
    return answer(OadrResponseCode.OK, e.opt.optType);
  }

  private plan(ev: OadrEvent, win: EventWindow): PlannedMessage[] {
    const scope = this.d.targets();
    return planEvent(ev, win, this.d.table, (t: EiTarget | undefined) => resolveTargets(t, scope), this.d.building);
  }

  /**
   * Publishes the plan: a message with the same ref and targets supersedes the old one on each device; an old one
   * whose ref is gone, or whose targets changed (devices it reached might not get the new one), is ended first.
   */
  private async publish(e: VenEvent, plan: PlannedMessage[]) {
    const eventID = e.event.eventDescriptor.eventID;
    const sameTargets = (a: PlannedMessage, b: PlannedMessage) => JSON.stringify(a.targets) === JSON.stringify(b.targets);
    for (const o of e.published) {
      this.byMessage.delete(o.id);
      if (!plan.some((p) => p.ref === o.ref && sameTargets(p, o))) await this.end(o);
    }
    e.published = plan.map((p) => ({ ...p, id: randomUUID() }));
    e.results = {};
    e.delivered = 0;
    for (const p of e.published) this.byMessage.set(p.id, eventID);
    for (const p of e.published) {
      const receipt = await this.d.bus.publish(this.message(p));
      if (LOAD_CHANGING.has(p.type)) e.delivered += receipt.delivered;
    }
  }

  private message(p: PublishedMessage) {
    return makeMessage(p.type, p.body as never, {
      id: p.id, source: this.d.source, targets: p.targets, validity: p.validity, origin: { protocol: "openadr", ref: p.ref }, created: this.d.now(),
    });
  }

  /** Ends every message of the event (cancellation, optOut): the hub restores the devices. */
  private async retire(e: VenEvent) {
    for (const p of e.published) {
      this.byMessage.delete(p.id);
      await this.end(p);
    }
    e.published = [];
  }

  /**
   * The same message with its validity over: the hub ends what this origin started, and only that (an Emergency
   * `phase: end` would release every emergency claim, other events' too).
   */
  private async end(p: PublishedMessage) {
    const now = this.d.now().getTime();
    await this.d.bus.publish(makeMessage(p.type, p.body as never, {
      source: this.d.source, targets: p.targets, validity: { start: iso(now - 1), end: iso(now) }, origin: { protocol: "openadr", ref: p.ref },
    }));
  }

  private async cancel(e: VenEvent, ev: OadrEvent | undefined, why: string) {
    if (ev) e.event = ev;
    e.cancelled = true;
    await this.retire(e);
    await this.save(e);
    this.arm(e);
    this.d.logger.info({ eventID: e.event.eventDescriptor.eventID, why }, "event cancelled");
    await this.d.store.audit({ action: "openadr.event.cancelled", target: e.event.eventDescriptor.eventID, outcome: "ok", detail: { why } });
  }

  private decide(e: VenEvent): OptType {
    if (this.d.table.opt.policy === "always-optIn") return "optIn";
    if (e.published.some((p) => LOAD_CHANGING.has(p.type)) && e.delivered === 0) return "optOut";
    const outcomes = Object.values(e.results);
    return outcomes.length > 0 && outcomes.every((o) => o === "unsuccessful") ? "optOut" : "optIn";
  }

  /** Results that arrive after the answer (the event started later): an optIn that failed everywhere becomes an optOut. */
  private async reconsider(eventID: string) {
    const e = this.events.get(eventID);
    if (!e) return;
    const status = this.statusOf(e, this.d.now().getTime());
    if (e.opt.source === "auto" && e.opt.optType === "optIn" && status !== "cancelled" && status !== "completed" && this.decide(e) === "optOut") {
      e.opt = { optType: "optOut", source: "auto", reason: "every device reported unsuccessful" };
      await this.retire(e);
      await this.d.opts.eventOpt(eventID, e.event.eventDescriptor.modificationNumber, "optOut", this.d.table.opt.reason as OptReason);
    }
    await this.save(e);
  }

  private windowOf(e: VenEvent): EventWindow {
    const start = parseDateTime(e.event.eiActivePeriod.dtstart) + e.offsetMs;
    return { start, end: start + msOf(e.event.eiActivePeriod.duration) };
  }

  private statusOf(e: VenEvent, now: number): Exclude<EventStatus, "none"> {
    if (e.cancelled) return "cancelled";
    const { start, end } = this.windowOf(e);
    if (now >= end) return "completed";
    if (now >= start) return "active";
    const rampUp = msOf(e.event.eiActivePeriod.rampUp);
    return rampUp > 0 && now >= start - rampUp ? "near" : "far";
  }

  /** Wakes at the event's next status change (near, active, completed) to record it. */
  private arm(e: VenEvent) {
    const id = e.event.eventDescriptor.eventID;
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    if (this.stopped || e.cancelled) return;
    const now = this.d.now().getTime();
    const { start, end } = this.windowOf(e);
    const rampUp = msOf(e.event.eiActivePeriod.rampUp);
    const next = [rampUp > 0 ? start - rampUp : NaN, start, end].filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next === undefined) return;
    this.timers.set(id, setTimeout(() => {
      void this.serial(async () => {
        const cur = this.events.get(id);
        if (!cur) return;
        if (this.statusOf(cur, this.d.now().getTime()) === "completed") cur.published = [];
        await this.save(cur);
        this.arm(cur);
      }).catch((err) => this.d.logger.error({ err, eventID: id }, "event status update failed"));
    }, Math.min(MAX_TIMER, next - now + 1)));
  }

  private async save(e: VenEvent) {
    const id = e.event.eventDescriptor.eventID;
    await this.d.store.putDoc(COLLECTION, id, e);
    const now = this.d.now();
    const w = this.windowOf(e);
    const status = this.statusOf(e, now.getTime());
    const record: EventRecord = {
      id: `openadr:${this.d.name}:${id}`, source: this.d.name, protocol: "openadr", ref: id,
      modification: e.event.eventDescriptor.modificationNumber, state: status,
      start: iso(w.start), end: iso(w.end), optState: e.opt.optType, payload: e.event,
      ...(e.published[0] ? { messageId: e.published[0].id } : {}), updated: now.toISOString(),
    };
    await this.d.store.upsertEvent(record);
  }

  private async forget(id: string) {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.events.delete(id);
    await this.d.store.deleteDoc(COLLECTION, id);
  }
}
