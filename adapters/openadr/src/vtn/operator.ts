/**
 * What an operator can do with the VTN (the REST API in api.ts calls these): issue, modify and cancel events, ask
 * VENs for reports, request re-registration or end a registration, and read back VENs, their opt states, report
 * data and per-VEN event responses.
 */
import { randomUUID } from "node:crypto";
import type { EventResponseRecord as ResponseRecord, OptRecord, ReportRequestRecord, VenRecord, VtnEvent } from "./records.ts";
import { OadrCodecError, serialize, type EventSignal, type ItemBase, type SignalName, type OadrMessageOf } from "../codec/index.ts";
import { eventStatus, toOadrEvent } from "./events.ts";
import type { EventChange, EventInput } from "./operator-input.ts";
import { reportSeries } from "./records.ts";
import { cancelReportMessage, createReportMessage, newRequest, specFor, UnknownRid, type ReportAsk } from "./reports.ts";
import type { VtnRuntime } from "./runtime.ts";
import { endRegistration } from "./services/registration.ts";
import { optOutsFor, targetFor } from "./targeting.ts";

export class OperatorError extends Error {
  constructor(readonly status: 400 | 404 | 409, readonly code: string, message: string) {
    super(message);
  }
}

const notFound = (what: string) => new OperatorError(404, "NOT_FOUND", `no ${what}`);

type SignalInput = EventInput["signals"][number];

function toSignals(signals: SignalInput[]): EventSignal[] {
  return signals.map((s, i) => ({
    signalName: s.signalName as SignalName,
    signalType: s.signalType,
    signalID: s.signalID ?? `signal-${i}`,
    intervals: s.intervals.map((iv, n) => ({ duration: iv.duration, uid: iv.uid ?? String(n), signalPayload: iv.signalPayload })),
    ...(s.itemBase ? { itemBase: s.itemBase as unknown as ItemBase } : {}),
    ...(s.currentValue !== undefined ? { currentValue: s.currentValue } : {}),
  }));
}

/** Refuses an event the 2.0b schema would refuse (the codec serializes it as a VEN would receive it). */
function checkSerializable(rt: VtnRuntime, ev: VtnEvent) {
  try {
    serialize({ type: "oadrDistributeEvent", requestID: "check", vtnID: rt.config.vtnID, events: [toOadrEvent(ev, rt.now(), ev.targets)] });
  } catch (err) {
    if (err instanceof OadrCodecError) throw new OperatorError(400, "INVALID_EVENT", err.message);
    throw err;
  }
}

/** The state of one VEN's answer to an event, as the API shows it. */
export interface VenEventState {
  venID: string;
  optState: "optIn" | "optOut" | "pending" | "none";
  /** The modification the answer was for (may be older than the event's current one: then optState is pending). */
  modificationNumber?: number;
  via?: ResponseRecord["via"] | "schedule";
  optID?: string;
  at?: string;
}

export class VtnOperator {
  constructor(private readonly rt: VtnRuntime) {}

  private iso() {
    return new Date(this.rt.now()).toISOString();
  }

  async createEvent(input: EventInput, actor: string): Promise<VtnEvent> {
    const { rt } = this;
    const eventID = input.eventID ?? randomUUID();
    if (await rt.state.getEvent(eventID)) throw new OperatorError(409, "EXISTS", `event ${eventID} exists; modify it instead`);
    const at = this.iso();
    const ev: VtnEvent = {
      eventID,
      modificationNumber: 0,
      modificationDateTime: at,
      createdDateTime: at,
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      marketContext: input.marketContext ?? rt.config.marketContext,
      ...(input.testEvent !== undefined ? { testEvent: String(input.testEvent) } : {}),
      ...(input.vtnComment !== undefined ? { vtnComment: input.vtnComment } : {}),
      activePeriod: input.activePeriod,
      signals: toSignals(input.signals),
      targets: input.targets,
      responseRequired: input.responseRequired,
      cancelled: false,
    };
    checkSerializable(rt, ev);
    await rt.state.putEvent(ev, rt.now());
    const vens = await rt.queues.eventChanged(ev);
    await rt.store.audit({ actor, action: "openadr.event.create", target: eventID, outcome: "ok", detail: { vens } });
    return ev;
  }

  private async live(eventID: string): Promise<VtnEvent> {
    const ev = await this.rt.state.getEvent(eventID);
    if (!ev) throw notFound(`event ${eventID}`);
    const status = eventStatus(ev, this.rt.now());
    if (status === "cancelled" || status === "completed") throw new OperatorError(409, "FINISHED", `event ${eventID} is ${status}`);
    return ev;
  }

  async modifyEvent(eventID: string, change: EventChange, actor: string): Promise<VtnEvent> {
    const { rt } = this;
    const before = await this.live(eventID);
    const { signals, modificationReason, ...rest } = change;
    const ev: VtnEvent = {
      ...before,
      ...rest,
      ...(signals ? { signals: toSignals(signals) } : {}),
      ...(modificationReason !== undefined ? { modificationReason } : {}),
      modificationNumber: before.modificationNumber + 1,
      modificationDateTime: this.iso(),
    };
    checkSerializable(rt, ev);
    await rt.state.putEvent(ev, rt.now());
    const vens = await rt.queues.eventChanged(ev, before);
    await rt.store.audit({ actor, action: "openadr.event.modify", target: eventID, outcome: "ok", detail: { modificationNumber: ev.modificationNumber, vens } });
    return ev;
  }

  /** 2.0b cancellation: eventStatus cancelled with the next modificationNumber. */
  async cancelEvent(eventID: string, reason: string | undefined, actor: string): Promise<VtnEvent> {
    const { rt } = this;
    const before = await this.live(eventID);
    const ev: VtnEvent = {
      ...before,
      cancelled: true,
      modificationNumber: before.modificationNumber + 1,
      modificationDateTime: this.iso(),
      modificationReason: reason ?? "cancelled",
    };
    await rt.state.putEvent(ev, rt.now());
    const vens = await rt.queues.eventChanged(ev, before);
    await rt.store.audit({ actor, action: "openadr.event.cancel", target: eventID, outcome: "ok", detail: { vens } });
    return ev;
  }

  async listEvents(limit?: number) {
    const now = this.rt.now();
    return (await this.rt.state.listEvents(limit)).map((ev) => ({ ...ev, eventStatus: eventStatus(ev, now) }));
  }

  /** The event with each VEN it reaches and that VEN's answer. */
  async showEvent(eventID: string) {
    const { rt } = this;
    const ev = await rt.state.getEvent(eventID);
    if (!ev) throw notFound(`event ${eventID}`);
    const responses = new Map((await rt.state.responsesTo(eventID)).map((r) => [r.venID, r]));
    const vens: VenEventState[] = [];
    for (const ven of await rt.state.listVens()) {
      if (!targetFor(ev, ven, [])) continue;
      vens.push(this.venState(ev, ven, responses.get(ven.venID), await rt.state.optsOf(ven.venID)));
    }
    return { ...ev, eventStatus: eventStatus(ev, rt.now()), vens };
  }

  private venState(ev: VtnEvent, ven: VenRecord, response: ResponseRecord | undefined, opts: OptRecord[]): VenEventState {
    const schedule = optOutsFor(ev, opts).find((o) => !o.eiTarget.resourceID?.length);
    if (schedule) return { venID: ven.venID, optState: "optOut", via: "schedule", optID: schedule.optID, at: schedule.receivedAt };
    if (!response) return { venID: ven.venID, optState: ev.responseRequired === "always" ? "pending" : "none" };
    const current = response.modificationNumber === ev.modificationNumber;
    return {
      venID: ven.venID,
      optState: current ? response.optType : "pending",
      modificationNumber: response.modificationNumber,
      via: response.via,
      ...(response.optID ? { optID: response.optID } : {}),
      at: response.at,
    };
  }

  private async ven(venID: string): Promise<VenRecord> {
    const ven = await this.rt.state.getVen(venID);
    if (!ven) throw notFound(`VEN ${venID}`);
    return ven;
  }

  async listVens() {
    const { rt } = this;
    const out = [];
    for (const v of await rt.state.listVens()) {
      out.push({ ...v, registered: v.registrationID !== undefined, lastSeen: await rt.state.lastSeen(v.venID) });
    }
    return out;
  }

  async showVen(venID: string) {
    const { rt } = this;
    const ven = await this.ven(venID);
    const [opts, lastSeen, queueDepth, events] = await Promise.all([
      rt.state.optsOf(venID), rt.state.lastSeen(venID), rt.state.queueDepth(venID), rt.state.liveEvents(rt.now()),
    ]);
    const reached = events.filter((ev) => targetFor(ev, ven, []));
    const states = [];
    for (const ev of reached) states.push({ eventID: ev.eventID, ...this.venState(ev, ven, await rt.state.getResponse(ev.eventID, venID), opts) });
    return { ...ven, registered: ven.registrationID !== undefined, lastSeen, queueDepth, opts, events: states };
  }

  async venOpts(venID: string) {
    await this.ven(venID);
    return this.rt.state.optsOf(venID);
  }

  async changeVen(venID: string, change: { groups?: string[]; parties?: string[]; resources?: string[] }, actor: string) {
    const { rt } = this;
    const ven = { ...(await this.ven(venID)), ...change };
    await rt.state.putVen(ven);
    if (ven.registrationID !== undefined) await rt.queues.refreshEvents(ven, `targeting:${this.iso()}`);
    await rt.store.audit({ actor, action: "openadr.ven.change", target: venID, outcome: "ok", detail: change });
    return ven;
  }

  async reports(venID: string) {
    await this.ven(venID);
    const [metadata, requests] = await Promise.all([this.rt.state.reportSpecsOf(venID), this.rt.state.reportRequestsOf(venID)]);
    return { metadata, requests };
  }

  async reportData(venID: string, q: { rID?: string; from?: string; to?: string; limit?: number }) {
    await this.ven(venID);
    return this.rt.store.queryTelemetry({
      device: reportSeries(this.rt.adapter, venID),
      ...(q.rID ? { point: q.rID } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
  }

  private async registeredVen(venID: string): Promise<VenRecord> {
    const ven = await this.ven(venID);
    if (ven.registrationID === undefined) throw new OperatorError(409, "NOT_REGISTERED", `${venID} is not registered`);
    return ven;
  }

  async requestReport(venID: string, ask: ReportAsk & { reportSpecifierID?: string; reportName?: string }, actor: string): Promise<ReportRequestRecord> {
    const { rt } = this;
    const ven = await this.registeredVen(venID);
    const specs = await rt.state.reportSpecsOf(venID);
    const spec = ask.reportSpecifierID !== undefined
      ? specs.find((s) => s.reportSpecifierID === ask.reportSpecifierID)
      : specFor(specs, ask.reportName!);
    if (!spec) throw notFound(`METADATA report ${ask.reportSpecifierID ?? ask.reportName} registered by ${venID}`);
    let request: ReportRequestRecord;
    try {
      request = newRequest(rt, ven, spec, ask);
    } catch (err) {
      if (err instanceof UnknownRid) throw new OperatorError(400, "UNKNOWN_RID", err.message);
      throw err;
    }
    await rt.state.putReportRequest(request);
    await rt.queues.send(ven, createReportMessage([request], venID));
    await rt.store.audit({ actor, action: "openadr.report.request", target: venID, outcome: "ok", detail: { reportRequestID: request.reportRequestID } });
    return request;
  }

  async cancelReport(venID: string, reportRequestID: string, actor: string): Promise<ReportRequestRecord> {
    const { rt } = this;
    const ven = await this.registeredVen(venID);
    const request = await rt.state.getReportRequest(venID, reportRequestID);
    if (!request) throw notFound(`report request ${reportRequestID} of ${venID}`);
    if (request.state === "cancelled" || request.state === "cancelling") throw new OperatorError(409, "FINISHED", `report request ${reportRequestID} is ${request.state}`);
    const next: ReportRequestRecord = { ...request, state: "cancelling", updatedAt: this.iso() };
    await rt.state.putReportRequest(next);
    await rt.queues.send(ven, cancelReportMessage([reportRequestID], venID));
    await rt.store.audit({ actor, action: "openadr.report.cancel", target: venID, outcome: "ok", detail: { reportRequestID } });
    return next;
  }

  async requestReregistration(venID: string, actor: string) {
    const { rt } = this;
    const ven = await this.registeredVen(venID);
    const message: OadrMessageOf<"oadrRequestReregistration"> = { type: "oadrRequestReregistration", venID };
    await rt.queues.send(ven, message);
    await rt.store.audit({ actor, action: "openadr.reregister", target: venID, outcome: "ok" });
  }

  async cancelRegistration(venID: string, actor: string) {
    const { rt } = this;
    const ven = await this.registeredVen(venID);
    await endRegistration(rt, ven, actor, "operator");
    await rt.queues.send(ven, {
      type: "oadrCancelPartyRegistration", requestID: randomUUID(), registrationID: ven.registrationID!, venID,
    });
  }
}
