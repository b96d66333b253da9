/** When a grid message holds, in ms: its validity or its slots; an open end is capped at the planning horizon. */
import { windowOf } from "../mapping/engine.ts";
import type { NeutralMessage } from "../model/index.ts";
import type { CemContext } from "./policy.ts";

export function spanOf(ctx: CemContext, m: NeutralMessage): { start: number; end: number; open: boolean } {
  const w = windowOf(m);
  return w.end === undefined ? { start: w.start, end: Math.max(w.start, ctx.now()) + ctx.ms(ctx.config.planner.horizon), open: true } : { start: w.start, end: w.end, open: false };
}

/** The key that ties a grid message to its later modifications: its origin, or its own id. */
export function keyOf(prefix: string, m: NeutralMessage): string {
  return `${prefix}:${m.origin ? `${m.origin.protocol}:${m.origin.ref}` : m.id}`;
}
