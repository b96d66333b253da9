/**
 * EiOpt from the VEN's side: availability schedules (oadrCreateOpt with vavailability, optOut = unavailable) and
 * per-event opts (oadrCreateOpt with qualifiedEventID), and their cancellation (oadrCancelOpt). Schedules are
 * kept in the store; an optOut schedule makes the VEN opt out of events that fall into its windows.
 */
import { randomUUID } from "node:crypto";
import type { AdapterStore } from "gridhub/store";
import { OadrCodecError, OadrResponseCode, serialize, type OadrMessageOf, type OptReason, type OptType, type Period } from "../codec/index.ts";
import { VenRefusal } from "./errors.ts";
import type { Outgoing } from "./outbox.ts";
import { msOf, parseDateTime } from "./time.ts";

export interface OptSchedule {
  optID: string;
  optType: OptType;
  optReason: OptReason;
  marketContext?: string;
  windows: Period[];
  created: string;
}

export interface OptDeps {
  store: AdapterStore;
  now(): Date;
  venID(): string;
  send(id: string, item: Outgoing): Promise<unknown>;
}

const COLLECTION = "opts";

export class OptService {
  private schedules = new Map<string, OptSchedule>();

  constructor(private readonly d: OptDeps) {}

  async load() {
    for (const { doc } of await this.d.store.listDocs<OptSchedule>(COLLECTION)) this.schedules.set(doc.optID, doc);
  }

  list(): OptSchedule[] {
    return [...this.schedules.values()];
  }

  /** Sends an availability schedule; returns its optID. */
  async createSchedule(s: { optType: OptType; optReason: OptReason; windows: Period[]; marketContext?: string }): Promise<string> {
    if (!s.windows.length) throw new VenRefusal(OadrResponseCode.INVALID_DATA, "an availability schedule needs at least one window");
    for (const w of s.windows) {
      if (Number.isNaN(parseDateTime(w.dtstart)) || !(msOf(w.duration) > 0)) {
        throw new VenRefusal(OadrResponseCode.INVALID_DATA, `window ${w.dtstart}/${w.duration} is not a date-time and a positive duration`);
      }
    }
    const schedule: OptSchedule = { optID: `opt-${randomUUID()}`, ...s, created: this.d.now().toISOString() };
    const message = this.createOpt(schedule.optID, s.optType, s.optReason, {
      vavailability: s.windows, ...(s.marketContext ? { marketContext: s.marketContext } : {}),
    });
    try {
      serialize(message);
    } catch (err) {
      if (err instanceof OadrCodecError) throw new VenRefusal(OadrResponseCode.INVALID_DATA, err.message);
      throw err;
    }
    await this.d.send(`opt:${schedule.optID}`, { service: "EiOpt", message });
    this.schedules.set(schedule.optID, schedule);
    await this.d.store.putDoc(COLLECTION, schedule.optID, schedule);
    return schedule.optID;
  }

  /** Withdraws a schedule (oadrCancelOpt); an unknown optID is refused with 452 and changes nothing. */
  async cancel(optID: string): Promise<void> {
    if (!this.schedules.has(optID)) throw new VenRefusal(OadrResponseCode.INVALID_ID, `no opt schedule ${optID}`);
    await this.d.send(`cancelopt:${optID}`, { service: "EiOpt", message: {
      type: "oadrCancelOpt", requestID: randomUUID(), optID, venID: this.d.venID(),
    } });
    this.schedules.delete(optID);
    await this.d.store.deleteDoc(COLLECTION, optID);
  }

  /** The optOut schedule whose windows overlap [start, end) for this market context, if any. */
  optedOut(start: number, end: number, marketContext: string): OptSchedule | undefined {
    return this.list().find((s) => s.optType === "optOut" && (!s.marketContext || s.marketContext === marketContext) &&
      s.windows.some((w) => {
        const from = parseDateTime(w.dtstart);
        return from < end && start < from + msOf(w.duration);
      }));
  }

  /** Tells the VTN the VEN's new decision for one event modification. */
  async eventOpt(eventID: string, modificationNumber: number, optType: OptType, optReason: OptReason): Promise<void> {
    const optID = `opt-${randomUUID()}`;
    await this.d.send(`opt:${optID}`, { service: "EiOpt", message: this.createOpt(optID, optType, optReason, {
      qualifiedEventID: { eventID, modificationNumber },
    }) });
  }

  private createOpt(optID: string, optType: OptType, optReason: OptReason,
    extra: Partial<OadrMessageOf<"oadrCreateOpt">>): OadrMessageOf<"oadrCreateOpt"> {
    const venID = this.d.venID();
    return {
      type: "oadrCreateOpt", optID, optType, optReason, venID, createdDateTime: this.d.now().toISOString(),
      requestID: randomUUID(), eiTarget: { venID: [venID] }, ...extra,
    };
  }
}
