/**
 * Tariffs -> neutral price messages: one PriceEnvironmentProfile (or Tariff) per RateComponent, origin
 * {ieee2030-5, rate mRID}, published again only when its intervals or prices change (same origin: it supersedes),
 * withdrawn when the rate disappears. Intervals that ask for it are acknowledged (PriceResponse "received").
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import { planPrices, PricingError, type RateInput } from "../mapping/pricing.ts";
import type { GridMap } from "../mapping/table.ts";
import type { Publisher, PublishedMessage } from "./publisher.ts";

interface Published {
  digest: string;
  message: PublishedMessage;
}

export interface PriceDeps {
  store: AdapterStore;
  publisher: Publisher;
  logger: Logger;
  table: GridMap["pricing"];
  toLocal(serverMs: number): number;
  serverNow(): number;
  /** acknowledges one interval (responseRequired bit 0) */
  acknowledge(tti: RateInput["intervals"][number]["tti"]): Promise<void>;
}

export class Prices {
  constructor(private readonly d: PriceDeps) {}

  async sync(rates: RateInput[]) {
    if (this.d.table.message === "none") return;
    const seen = new Set<string>();
    const listed = new Set<string>();
    for (const input of rates) {
      seen.add(input.rate.mRID);
      for (const { tti } of input.intervals) {
        listed.add(tti.mRID);
        if ((parseInt(tti.responseRequired ?? "00", 16) & 0x01) === 0 || await this.d.store.getDoc("acknowledged", tti.mRID)) continue;
        await this.d.acknowledge(tti);
        await this.d.store.putDoc("acknowledged", tti.mRID, true);
      }
      let plan;
      try {
        plan = planPrices(input, this.d.table);
      } catch (err) {
        if (!(err instanceof PricingError)) throw err;
        this.d.logger.warn({ rate: input.rate.mRID, err: err.message }, "rate not mapped");
        continue;
      }
      if (!plan) continue;
      const digest = createHash("sha256").update(JSON.stringify(plan)).digest("hex");
      const prior = await this.d.store.getDoc<Published>("prices", input.rate.mRID);
      if (prior?.digest === digest) continue;
      const type = this.d.table.message as "PriceEnvironmentProfile" | "Tariff";
      const body = type === "Tariff" ? { profile: plan.body, update: !!prior } : plan.body;
      const validity = { start: new Date(this.d.toLocal(plan.start * 1000)).toISOString(), end: new Date(this.d.toLocal(plan.end * 1000)).toISOString() };
      const message = await this.d.publisher.send({ type, body }, input.rate.mRID, validity);
      if (message) await this.d.store.putDoc("prices", input.rate.mRID, { digest, message } satisfies Published);
    }
    for (const { id } of await this.d.store.listDocs("acknowledged")) if (!listed.has(id)) await this.d.store.deleteDoc("acknowledged", id);
    for (const { id, doc } of await this.d.store.listDocs<Published>("prices")) {
      if (seen.has(id)) continue;
      await this.d.publisher.withdraw([doc.message], this.d.toLocal(this.d.serverNow()));
      await this.d.store.deleteDoc("prices", id);
    }
  }
}
