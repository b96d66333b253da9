/** The policies a site runs, from its `cem.policies` section: each is switched on or off there. */
import type { CemContext, Policy } from "../policy.ts";
import { cascade } from "./cascade.ts";
import { disaster } from "./disaster.ts";
import { emergency } from "./emergency.ts";
import { flexibleStart } from "./flexible-start.ts";
import { group } from "./group.ts";
import { loadManagement } from "./load-management.ts";
import { negawatt } from "./negawatt.ts";
import { peakShift } from "./peak-shift.ts";
import { priceResponse } from "./price-response.ts";
import { supervision } from "./supervision.ts";
import { trafficLight } from "./traffic-light.ts";

type Policies = CemContext["config"]["policies"];

const factories: { [K in keyof Policies]-?: (ctx: CemContext) => Policy } = {
  flexibleStart, priceResponse, loadManagement, emergency, trafficLight, disaster, supervision, cascade, negawatt, peakShift, group,
};

export function createPolicies(ctx: CemContext): Policy[] {
  return (Object.keys(factories) as (keyof Policies)[])
    .filter((k) => ctx.config.policies[k]?.enabled)
    .map((k) => factories[k](ctx));
}
