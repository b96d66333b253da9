/**
 * List paging as 2030.5 defines it: `s` the first item (0-based), `l` how many (1 when absent), `a` only items at or
 * after a time (lists ordered by time). Lists carry `all` (items the query selects) and `results` (items returned).
 */
export interface ListQuery {
  s: number;
  l: number;
  a?: number;
}

export class QueryError extends Error {}

const UINT = /^\d{1,10}$/;

function uint(q: Record<string, unknown>, key: string): number | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !UINT.test(v)) throw new QueryError(`query parameter ${key} must be an unsigned integer`);
  return Number(v);
}

export function listQuery(q: Record<string, unknown>, maxLimit: number): ListQuery {
  const s = uint(q, "s") ?? 0;
  const l = Math.min(uint(q, "l") ?? 1, maxLimit);
  const a = uint(q, "a");
  return { s, l, ...(a !== undefined ? { a } : {}) };
}

export function page<T>(items: readonly T[], q: ListQuery, timeOf?: (item: T) => number): { all: number; results: number; items: T[] } {
  const selected = q.a !== undefined && timeOf ? items.filter((i) => timeOf(i) >= q.a!) : items;
  const slice = selected.slice(q.s, q.s + q.l);
  return { all: selected.length, results: slice.length, items: slice };
}

/** The query string a client appends to fetch a page. */
export function pageQuery(s: number, l: number): string {
  return `s=${s}&l=${l}`;
}
