/** zod types for the lexical forms the VTN's config and operator API take. */
import { z } from "zod";
import { durationMs } from "gridhub/model";

export const Duration = z.string().refine((d) => {
  try {
    durationMs(d);
    return true;
  } catch {
    return false;
  }
}, "an ISO 8601 duration such as PT1H");

/** Any instant Date can read, normalized to UTC (the form xcal:date-time takes). */
export const DateTime = z.string().refine((d) => !Number.isNaN(Date.parse(d)), "an ISO 8601 date-time")
  .transform((d) => new Date(d).toISOString());
