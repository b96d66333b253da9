/** Typed access to the VTN's records in the adapter's store (see records.ts for the layout). */
import type { AdapterStore } from "gridhub/store";
import { eventRecord, eventRecordId, isLive, LIVE_STATES } from "./events.ts";
import {
  COLLECTIONS as C, key, ownerPrefix, venChannel,
  type Delivery, type EventResponseRecord, type OptRecord, type ReportRequestRecord, type ReportSpecRecord,
  type VenRecord, type VtnEvent,
} from "./records.ts";

export class VtnState {
  constructor(private readonly store: AdapterStore, private readonly adapter: string) {}

  getVen(venID: string) {
    return this.store.getDoc<VenRecord>(C.vens, venID);
  }
  putVen(ven: VenRecord) {
    return this.store.putDoc(C.vens, ven.venID, ven);
  }
  async listVens(): Promise<VenRecord[]> {
    return (await this.store.listDocs<VenRecord>(C.vens)).map((d) => d.doc);
  }
  markSeen(venID: string, at: string) {
    return this.store.putDoc(C.seen, venID, { at });
  }
  async lastSeen(venID: string): Promise<string | undefined> {
    return (await this.store.getDoc<{ at: string }>(C.seen, venID))?.at;
  }

  async getEvent(eventID: string): Promise<VtnEvent | undefined> {
    return (await this.store.getEvent(eventRecordId(this.adapter, eventID)))?.payload as VtnEvent | undefined;
  }
  putEvent(ev: VtnEvent, now: number) {
    return this.store.upsertEvent(eventRecord(this.adapter, ev, now));
  }
  /** Events that may still be sent (not completed), oldest start first. */
  async liveEvents(now: number): Promise<VtnEvent[]> {
    const records = await this.store.listEvents({ states: LIVE_STATES });
    return records.map((r) => r.payload as VtnEvent).filter((ev) => isLive(ev, now));
  }
  async listEvents(limit?: number): Promise<VtnEvent[]> {
    return (await this.store.listEvents(limit === undefined ? {} : { limit })).map((r) => r.payload as VtnEvent);
  }
  /** Rewrites the stored state of events whose status changed with the clock (far -> near -> active -> completed). */
  async refreshStates(now: number): Promise<number> {
    let changed = 0;
    for (const r of await this.store.listEvents({ states: LIVE_STATES })) {
      const next = eventRecord(this.adapter, r.payload as VtnEvent, now);
      if (next.state !== r.state) {
        await this.store.upsertEvent(next);
        changed++;
      }
    }
    return changed;
  }

  putResponse(r: EventResponseRecord) {
    return this.store.putDoc(C.responses, key(r.eventID, r.venID), r);
  }
  getResponse(eventID: string, venID: string) {
    return this.store.getDoc<EventResponseRecord>(C.responses, key(eventID, venID));
  }
  deleteResponse(eventID: string, venID: string) {
    return this.store.deleteDoc(C.responses, key(eventID, venID));
  }
  async responsesTo(eventID: string): Promise<EventResponseRecord[]> {
    return (await this.store.listDocs<EventResponseRecord>(C.responses, { prefix: ownerPrefix(eventID) })).map((d) => d.doc);
  }

  putOpt(o: OptRecord) {
    return this.store.putDoc(C.opts, key(o.venID, o.optID), o);
  }
  getOpt(venID: string, optID: string) {
    return this.store.getDoc<OptRecord>(C.opts, key(venID, optID));
  }
  deleteOpt(venID: string, optID: string) {
    return this.store.deleteDoc(C.opts, key(venID, optID));
  }
  async optsOf(venID: string): Promise<OptRecord[]> {
    return (await this.store.listDocs<OptRecord>(C.opts, { prefix: ownerPrefix(venID) })).map((d) => d.doc);
  }

  /** A new METADATA registration replaces everything the VEN registered before (2.0b). */
  async replaceReportSpecs(venID: string, specs: ReportSpecRecord[]) {
    for (const old of await this.store.listDocs(C.reportSpecs, { prefix: ownerPrefix(venID) })) {
      await this.store.deleteDoc(C.reportSpecs, old.id);
    }
    for (const s of specs) await this.store.putDoc(C.reportSpecs, key(venID, s.reportSpecifierID), s);
  }
  async reportSpecsOf(venID: string): Promise<ReportSpecRecord[]> {
    return (await this.store.listDocs<ReportSpecRecord>(C.reportSpecs, { prefix: ownerPrefix(venID) })).map((d) => d.doc);
  }

  putReportRequest(r: ReportRequestRecord) {
    return this.store.putDoc(C.reportRequests, key(r.venID, r.reportRequestID), r);
  }
  getReportRequest(venID: string, reportRequestID: string) {
    return this.store.getDoc<ReportRequestRecord>(C.reportRequests, key(venID, reportRequestID));
  }
  async reportRequestsOf(venID: string): Promise<ReportRequestRecord[]> {
    return (await this.store.listDocs<ReportRequestRecord>(C.reportRequests, { prefix: ownerPrefix(venID) })).map((d) => d.doc);
  }

  /** Queues a payload for the VEN; the same id twice is one item. */
  enqueue(venID: string, id: string, item: Delivery) {
    return this.store.enqueue(venChannel(venID), id, item);
  }
  /** Removes and returns the VEN's oldest item: once only, even with several VTN processes on one store. */
  async take(venID: string): Promise<{ id: string; item: Delivery } | undefined> {
    const got = await this.store.take(venChannel(venID));
    return got && { id: got.id, item: got.payload as Delivery };
  }
  /** The VEN's queue from the head, without removing anything. */
  async pending(venID: string, limit: number): Promise<{ id: string; item: Delivery; attempts: number }[]> {
    return (await this.store.pending(venChannel(venID), limit)).map((p) => ({ id: p.id, item: p.payload as Delivery, attempts: p.attempts }));
  }
  ack(venID: string, id: string) {
    return this.store.ack(venChannel(venID), id);
  }
  failed(venID: string, id: string, error: string) {
    return this.store.failed(venChannel(venID), id, error);
  }
  queueDepth(venID: string) {
    return this.store.queueDepth(venChannel(venID));
  }
}
