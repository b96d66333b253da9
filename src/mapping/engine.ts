/**
 * The mapping engine: pure functions from (table, neutral message, time) to the point values a device should
 * hold. No I/O here: the hub's actuator performs the writes, keeps claims and restores; the API's dry-run calls
 * the same functions without writing.
 */
import type { NeutralMessage } from "../model/index.ts";
import { placeSlots } from "../model/time.ts";
import type { Condition, MappingTable, Restore, Rule } from "./schema.ts";
import { evalExpr, ValueError, type EngValue } from "./values.ts";

/** The trigger name a message answers to in a table's `on:` section. */
export function triggerOf(msg: NeutralMessage): string {
  return msg.type === "Command" ? `Command.${msg.body.command.action}` : msg.type;
}

export interface Window { start: number; end?: number }

/** When a message holds: its validity, or the span of its slots; open-ended when neither says. */
export function windowOf(msg: NeutralMessage): Window {
  const start = Date.parse(msg.validity?.start ?? msg.created);
  if (msg.validity?.end) return { start, end: Date.parse(msg.validity.end) };
  const slots = (msg.body as { slots?: { start?: string; duration: string }[] }).slots;
  if (Array.isArray(slots) && slots.length) {
    const placed = placeSlots(slots, start);
    return { start, end: Math.max(...placed.map((s) => s.end)) };
  }
  return { start };
}

/** Slot boundaries inside the window, where `while` values must be re-evaluated. */
export function boundariesOf(msg: NeutralMessage): number[] {
  const slots = (msg.body as { slots?: { start?: string; duration: string }[] }).slots;
  if (!Array.isArray(slots)) return [];
  const { start } = windowOf(msg);
  return [...new Set(placeSlots(slots, start).flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
}

function currentSlot(msg: NeutralMessage, at: number): Record<string, unknown> | undefined {
  const slots = (msg.body as { slots?: { start?: string; duration: string }[] }).slots;
  if (!Array.isArray(slots)) return undefined;
  const hit = placeSlots(slots, windowOf(msg).start).find((s) => s.start <= at && at < s.end);
  return hit?.slot as Record<string, unknown> | undefined;
}

function lookup(scope: { body: unknown; slot?: unknown }, path: string): unknown {
  const [head, ...rest] = path.split(".");
  let v: unknown = head === "slot" ? scope.slot : (scope.body as Record<string, unknown>)?.[head];
  for (const k of rest) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function matches(cond: Condition, v: unknown): boolean {
  if (Array.isArray(cond)) return cond.some((c) => c === v);
  if (cond !== null && typeof cond === "object") {
    if (cond.exists !== undefined && (v !== undefined) !== cond.exists) return false;
    const n = typeof v === "object" && v !== null && typeof (v as { value?: unknown }).value === "number"
      ? (v as { value: number; multiplier?: number }).value * 10 ** ((v as { multiplier?: number }).multiplier ?? 0)
      : v;
    const numeric = ["gt", "gte", "lt", "lte"].some((k) => k in cond);
    if (numeric && typeof n !== "number") return false;
    if (cond.gt !== undefined && !((n as number) > cond.gt)) return false;
    if (cond.gte !== undefined && !((n as number) >= cond.gte)) return false;
    if (cond.lt !== undefined && !((n as number) < cond.lt)) return false;
    if (cond.lte !== undefined && !((n as number) <= cond.lte)) return false;
    if (cond.not !== undefined && (Array.isArray(cond.not) ? cond.not.includes(v as never) : cond.not === v)) return false;
    return true;
  }
  return cond === v;
}

export interface RuleMatch { trigger: string; index: number; rule: Rule }

/** The first rule of the message's trigger whose `when` holds (tables read top to bottom, like a switch). */
export function selectRule(table: MappingTable, msg: NeutralMessage, at: number): RuleMatch | undefined {
  const trigger = triggerOf(msg);
  const rules = table.on?.[trigger];
  if (!rules) return undefined;
  const body = msg.type === "Command" ? { ...msg.body, ...msg.body.command } : msg.body;
  const slot = currentSlot(msg, at) ?? currentSlot(msg, windowOf(msg).start);
  const index = rules.findIndex((r) => Object.entries(r.when ?? {}).every(([path, c]) => matches(c, lookup({ body, slot }, path))));
  return index < 0 ? undefined : { trigger, index, rule: rules[index] };
}

export interface PointPlan {
  /** engineering value, or undefined when the current slot gives none (the claim rests for that slot) */
  value?: EngValue;
  error?: string;
}

export interface Evaluation {
  trigger: string;
  ruleIndex: number;
  priority: number;
  kind: "set" | "while";
  restore: Restore;
  points: Record<string, PointPlan>;
}

/**
 * What the matched rule asks of each point at time `at`. `current` holds the points' engineering values read
 * before the first write (for `from: current`). Per-point errors are returned, not thrown: one bad value never
 * blocks the others.
 */
export function evaluate(table: MappingTable, msg: NeutralMessage, at: number, current: Record<string, EngValue | null> = {}): Evaluation[] {
  const match = selectRule(table, msg, at);
  if (!match) return [];
  const body = (msg.type === "Command" ? { ...msg.body, ...msg.body.command } : msg.body) as Record<string, unknown>;
  const slot = currentSlot(msg, at);
  const out: Evaluation[] = [];
  for (const kind of ["set", "while"] as const) {
    const exprs = match.rule[kind];
    if (!exprs) continue;
    const points: Record<string, PointPlan> = {};
    for (const [name, expr] of Object.entries(exprs)) {
      try {
        points[name] = { value: evalExpr(name, table.points[name], expr, { body, slot, current: current[name] }) };
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        points[name] = { error: e.message };
      }
    }
    out.push({ trigger: match.trigger, ruleIndex: match.index, priority: match.rule.priority, kind, restore: match.rule.restore ?? "previous", points });
  }
  return out;
}

/** Explicit restore values (`restore: {point: value}`), evaluated against the message. */
export function restoreValues(table: MappingTable, msg: NeutralMessage, restore: Restore, current: Record<string, EngValue | null> = {}): Record<string, PointPlan> {
  if (typeof restore === "string") return {};
  const body = msg.body as Record<string, unknown>;
  return Object.fromEntries(Object.entries(restore).map(([name, expr]) => {
    try {
      return [name, { value: evalExpr(name, table.points[name], expr, { body, current: current[name] }) }];
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      return [name, { error: e.message }];
    }
  }));
}
