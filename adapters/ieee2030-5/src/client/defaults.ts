/**
 * DefaultDERControls: what each DER program asks for when none of its events is active. Each is published as
 * open-ended messages (origin {ieee2030-5, default mRID}) and replaced when the server changes it; an event's
 * messages, arriving later, take the points over while they last, and the default holds them again after.
 */
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import type { DERControlValue, SepResource } from "../codec/index.ts";
import { planDer } from "../mapping/der.ts";
import type { GridMap } from "../mapping/table.ts";
import { originRef, type Publisher, type PublishedMessage } from "./publisher.ts";

/** The slot length of an open-ended default (the neutral model's slots need one): ten years. */
const OPEN_SLOT = "P3650D";

interface Applied {
  mRID: string;
  version?: number;
  updatedTime?: number;
  messages: PublishedMessage[];
}

export interface DefaultsDeps {
  store: AdapterStore;
  publisher: Publisher;
  logger: Logger;
  map: GridMap;
  building: string;
  setMaxW?: number;
  commandDevices: readonly string[];
  curve(href: string): unknown;
  localNow(): number;
}

export class Defaults {
  constructor(private readonly d: DefaultsDeps) {}

  /** The programs' current defaults (programs without one, or gone, lose theirs). */
  async sync(programs: { mRID: string; primacy: number; default?: SepResource<"DefaultDERControl"> }[]) {
    const wanted = new Map(programs.filter((p) => p.default).map((p) => [p.mRID, p]));
    for (const { id, doc } of await this.d.store.listDocs<Applied>("defaults")) {
      const p = wanted.get(id);
      if (p && p.default!.mRID === doc.mRID && p.default!.version === doc.version && p.default!.updatedTime === doc.updatedTime) {
        wanted.delete(id);
        continue;
      }
      await this.d.publisher.withdraw(doc.messages, this.d.localNow());
      await this.d.store.deleteDoc("defaults", id);
    }
    for (const [program, p] of wanted) {
      const dflt = p.default!;
      const planned = planDer(dflt.DERControlBase as DERControlValue["DERControlBase"], this.d.map, {
        building: this.d.building, duration: OPEN_SLOT, primacy: p.primacy, mandatory: true, commandDevices: this.d.commandDevices,
        ...(this.d.setMaxW ? { setMaxW: this.d.setMaxW } : {}), curve: (h) => this.d.curve(h),
      });
      if (planned.skipped.length) this.d.logger.warn({ program, skipped: planned.skipped }, "default control only partly mapped");
      const validity = { start: new Date(this.d.localNow()).toISOString() };
      const messages: PublishedMessage[] = [];
      for (const pm of planned.messages) {
        const sent = await this.d.publisher.send(pm, originRef(dflt.mRID, pm, planned.messages.length), validity);
        if (sent) messages.push(sent);
      }
      await this.d.store.putDoc("defaults", program, {
        mRID: dflt.mRID, messages, ...(dflt.version !== undefined ? { version: dflt.version } : {}),
        ...(dflt.updatedTime !== undefined ? { updatedTime: dflt.updatedTime } : {}),
      } satisfies Applied);
    }
  }
}
