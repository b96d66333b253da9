/**
 * The poll planner: turns the register spans of one device's points into the fewest reads. Spans are sorted per
 * table and merged left to right while the merged read stays within the size limit and the unused registers
 * between two spans stay within the gap limit; for intervals on a line this greedy pass is optimal.
 */
import type { RegisterTable } from "./address.ts";

export interface Span<T> {
  table: RegisterTable;
  start: number;
  /** registers, or bits for coils and discrete inputs */
  count: number;
  item: T;
}

export interface ReadRequest<T> {
  table: RegisterTable;
  start: number;
  count: number;
  spans: Span<T>[];
}

export interface PlanLimits {
  /** registers per read (FC3/FC4: at most 125) */
  maxRegisters: number;
  /** bits per read (FC1/FC2: at most 2000) */
  maxBits: number;
  /** unused registers a read may bridge; bits may bridge 16 times as many */
  maxGap: number;
}

export const isBitTable = (t: RegisterTable) => t === "coil" || t === "discrete";

export function planReads<T>(spans: Span<T>[], limits: PlanLimits): ReadRequest<T>[] {
  const out: ReadRequest<T>[] = [];
  const tables = [...new Set(spans.map((s) => s.table))];
  for (const table of tables) {
    const bits = isBitTable(table);
    const max = bits ? limits.maxBits : limits.maxRegisters;
    const gap = bits ? limits.maxGap * 16 : limits.maxGap;
    const sorted = spans.filter((s) => s.table === table).sort((a, b) => a.start - b.start || b.count - a.count);
    let cur: ReadRequest<T> | undefined;
    for (const s of sorted) {
      const end = cur ? cur.start + cur.count : 0;
      const merged = cur ? Math.max(end, s.start + s.count) - cur.start : 0;
      if (cur && s.start - end <= gap && merged <= max) {
        cur.count = merged;
        cur.spans.push(s);
      } else {
        cur = { table, start: s.start, count: s.count, spans: [s] };
        out.push(cur);
      }
    }
  }
  return out;
}
