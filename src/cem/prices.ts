/** The latest import and export price profiles (PriceEnvironmentProfile, or Tariff.profile), on the time line. */
import { magnitude, placeSlots, toUnit, type NeutralMessage, type Quantity } from "../model/index.ts";
import type { PricedSlot } from "./planner/index.ts";

export interface PriceInfo {
  flow: "import" | "export";
  slots: PricedSlot[];
  messageId: string;
}

function perKwh(q: Quantity): number {
  return magnitude(q);
}

export class PriceBook {
  private latest = new Map<"import" | "export", PriceInfo>();

  /** Takes a price message; returns the profile it carried, or undefined when the message carries none. */
  update(m: NeutralMessage): PriceInfo | undefined {
    const profile = m.type === "PriceEnvironmentProfile" ? m.body : m.type === "Tariff" ? m.body.profile : undefined;
    if (!profile) return undefined;
    const origin = Date.parse(m.validity?.start ?? m.created);
    const slots: PricedSlot[] = placeSlots(profile.slots, origin).map(({ slot, start, end }) => ({
      start, end,
      ...(slot.price ? { price: perKwh(slot.price) } : {}),
      ...(slot.environment?.co2 ? { co2: magnitude(slot.environment.co2) } : {}),
      ...(slot.tiers?.length ? { tiers: slot.tiers.map((t) => ({ aboveWh: toUnit(t.aboveEnergy, "Wh"), price: perKwh(t.price) })) } : {}),
    }));
    const info: PriceInfo = { flow: profile.flow, slots, messageId: m.id };
    this.latest.set(profile.flow, info);
    return info;
  }

  get(flow: "import" | "export"): PriceInfo | undefined {
    return this.latest.get(flow);
  }
}

/** The price of the next Wh in a slot once `usedWh` has been drawn in it (tiers are inclining or declining blocks). */
export function marginalPrice(slot: PricedSlot, usedWh: number): number | undefined {
  let price = slot.price;
  for (const t of [...(slot.tiers ?? [])].sort((a, b) => a.aboveWh - b.aboveWh)) if (usedWh >= t.aboveWh) price = t.price;
  return price;
}
