/**
 * A RateComponent's TimeTariffIntervals -> one PriceEnvironmentProfile: a slot per interval, the first consumption
 * block's price as the slot price, the higher blocks as tiers. Prices are per unit of the rate's ReadingType
 * (Wh × 10^powerOfTenMultiplier) in the tariff's currency × 10^pricePowerOfTenMultiplier; the profile says
 * currency/kWh.
 */
import type { PriceEnvironmentProfile, Quantity } from "gridhub/model";
import type { SepResource } from "../codec/index.ts";
import { isoOf } from "../common/time.ts";
import type { GridMap } from "./table.ts";

/** ISO 4217 numeric -> alphabetic, for the currencies a 2030.5 tariff is likely to name. */
const CURRENCIES: Readonly<Record<number, string>> = {
  36: "AUD", 124: "CAD", 156: "CNY", 208: "DKK", 344: "HKD", 356: "INR", 392: "JPY", 410: "KRW", 484: "MXN", 554: "NZD",
  578: "NOK", 702: "SGD", 710: "ZAR", 752: "SEK", 756: "CHF", 826: "GBP", 840: "USD", 978: "EUR", 986: "BRL",
};
const UOM_WH = 72;
/** ReadingType flowDirection 19: reverse (energy delivered to the grid) */
const FLOW_REVERSE = 19;

export interface RateInput {
  tariff: SepResource<"TariffProfile">;
  rate: SepResource<"RateComponent">;
  readingType?: SepResource<"ReadingType">;
  intervals: { tti: SepResource<"TimeTariffInterval">; blocks: SepResource<"ConsumptionTariffInterval">[] }[];
}

export interface PricePlan {
  body: PriceEnvironmentProfile;
  start: number;
  end: number;
}

export class PricingError extends Error {}

/** The profile for one rate, or undefined when no interval carries a price. */
export function planPrices(input: RateInput, table: GridMap["pricing"]): PricePlan | undefined {
  const rt = input.readingType;
  if (rt?.uom !== undefined && rt.uom !== UOM_WH) throw new PricingError(`rate ${input.rate.mRID}: prices per uom ${rt.uom}, not per Wh`);
  const currency = input.tariff.currency !== undefined ? CURRENCIES[input.tariff.currency] : undefined;
  // price per (10^p Wh) -> per kWh: × 10^(3 - p)
  const multiplier = (input.tariff.pricePowerOfTenMultiplier ?? 0) + 3 - (rt?.powerOfTenMultiplier ?? 0);
  const price = (value: number): Quantity => ({ value, unit: "currency/kWh", ...(multiplier ? { multiplier } : {}), ...(currency ? { currency } : {}) });
  const energy = (startValue: number): Quantity => ({ value: startValue, unit: "Wh", ...(rt?.powerOfTenMultiplier ? { multiplier: rt.powerOfTenMultiplier } : {}) });

  const live = input.intervals
    .filter(({ tti }) => tti.EventStatus.currentStatus !== 2 && tti.EventStatus.currentStatus !== 3)
    .sort((a, b) => a.tti.interval.start - b.tti.interval.start);
  const slots = live.flatMap(({ tti, blocks }) => {
    const priced = blocks.filter((b) => b.price !== undefined).sort((a, b) => a.startValue - b.startValue);
    if (!priced.length || tti.interval.duration === 0) return [];
    const [base, ...higher] = priced;
    return [{
      start: isoOf(tti.interval.start), duration: `PT${tti.interval.duration}S`, binding: table.binding,
      price: price(base.price!),
      ...(higher.length ? { tiers: higher.map((b) => ({ aboveEnergy: energy(b.startValue), price: price(b.price!) })) } : {}),
    }];
  });
  if (!slots.length) return undefined;
  const start = Math.min(...live.map(({ tti }) => tti.interval.start));
  const end = Math.max(...live.map(({ tti }) => tti.interval.start + tti.interval.duration));
  return {
    body: { tariffKind: table.tariffKind, flow: rt?.flowDirection === FLOW_REVERSE ? "export" : "import", slots },
    start, end,
  };
}
