import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Hub } from "../hub/hub.ts";
import type { Jobs } from "./jobs.ts";
import type { EventJournal } from "./journal.ts";
import type { LiveFeed } from "./live.ts";
import type { BuildingPower } from "./power.ts";

/** What the API's route modules share. */
export interface ApiContext {
  hub: Hub;
  feed: LiveFeed;
  journal: EventJournal;
  power: BuildingPower;
  jobs: Jobs;
  /** guards every write (and every read when the API is not bound to the loopback) */
  write: RequestHandler;
}

/** A query parameter as a bounded integer, or the default when absent or not a number. */
export function intParam(v: unknown, def: number, min: number, max: number): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : def;
}

/**
 * Wraps an observer that runs inside the bus's publish or the actuator's write path (taps, actuation listeners):
 * one that throws must never break message delivery or actuation, so its error is logged and swallowed.
 */
export function guarded<A extends unknown[]>(logger: Logger, what: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (err) {
      logger.warn({ err }, `${what} failed`);
    }
  };
}
