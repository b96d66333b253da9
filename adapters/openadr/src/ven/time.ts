/** OpenADR date-times and durations as epoch milliseconds. */
import { durationMs } from "gridhub/model";

/** xcal date-times are UTC or floating; a floating one is read as UTC, never as the hub's local time. */
export function parseDateTime(s: string): number {
  return Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(s) ? s : `${s}Z`);
}

/** Milliseconds of a duration, NaN when it is not one the VEN can use (negative, malformed). */
export function msOf(duration: string | undefined): number {
  if (duration === undefined) return NaN;
  try {
    return durationMs(duration);
  } catch {
    return NaN;
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();
