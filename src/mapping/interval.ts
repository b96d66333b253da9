import { durationMs } from "../model/time.ts";

/** Milliseconds of a table interval: "500ms", "10s", "5m", "1h" or an ISO 8601 duration. */
export function intervalMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (!m) return durationMs(s);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}
