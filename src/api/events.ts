/**
 * Grid-side events as the operator sees them: the journal's messages joined with the store's protocol event
 * records (state, opt decision), the device actions and results, related audit entries (opt decisions, reports
 * sent), and building power around the event against a baseline.
 */
import type { Router } from "express";
import type { Hub } from "../hub/hub.ts";
import { windowOf } from "../mapping/engine.ts";
import type { NeutralMessage } from "../model/index.ts";
import type { EventRecord } from "../store/types.ts";
import type { ApiContext } from "./context.ts";
import { intParam } from "./context.ts";
import { HttpError } from "./errors.ts";
import type { EventJournal, JournalEntry } from "./journal.ts";
import { meanOf } from "./power.ts";

export interface EventSummary {
  id: string;
  title: string;
  type?: string;
  trigger?: string;
  source: string;
  state: string;
  start?: string;
  end?: string;
  received?: string;
  devices: string[];
  actions: number;
  failed: number;
  results: Record<string, number>;
  optState?: EventRecord["optState"];
  protocol?: Omit<EventRecord, "payload">;
}

const MIN = 60_000;

/** A short human title: what the message asks, not its type name alone. */
function titleOf(m: NeutralMessage): string {
  switch (m.type) {
    case "LoadGenerationManagement": return `${m.body.request} ${m.body.direction}${m.body.urgency !== "normal" ? ` (${m.body.urgency})` : ""}`;
    case "Emergency": return `emergency ${m.body.phase}${m.body.mode ? `: ${m.body.mode}` : ""}`;
    case "Command": return `command ${m.body.command.action} → ${m.body.device}`;
    case "TemperatureProfile": return "temperature profile";
    case "PowerProfile": return `power ${m.body.kind}`;
    default: return m.type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  }
}

function iso(t: number | undefined) {
  return t === undefined ? undefined : new Date(t).toISOString();
}

/**
 * One event as the operator sees it: a protocol record and/or journal entries. A protocol event can become several
 * messages with their own origins (one per signal, `ref` and `ref/<n>`): their entries are grouped under the record.
 */
interface EventView { id: string; record?: EventRecord; entries: JournalEntry[] }

/** Groups the journal under the store's event records: by the record's message, or by origin (protocol:ref[/n]). */
async function eventViews(hub: Hub, journal: EventJournal): Promise<EventView[]> {
  const records = await hub.store.listEvents({ limit: 1000 });
  const taken = new Set<string>();
  const views: EventView[] = records.map((record) => {
    const key = `${record.protocol}:${record.ref}`;
    const entries = journal.list().filter((e) => e.id === key || e.id.startsWith(`${key}/`) ||
      (record.messageId !== undefined && e.messages.some((m) => m.id === record.messageId)));
    for (const e of entries) taken.add(e.id);
    return { id: record.id, record, entries };
  });
  for (const e of journal.list()) if (!taken.has(e.id)) views.push({ id: e.id, entries: [e] });
  return views;
}

function summarize(hub: Hub, { id, record, entries }: EventView, now: number): EventSummary {
  const { payload: _p, ...protocol } = record ?? ({} as EventRecord);
  const fromRecord = record ? { optState: record.optState, protocol } : {};
  if (!entries.length) {
    return {
      id, title: `${record!.protocol} event ${record!.ref}`, source: record!.source, state: record!.state,
      start: record!.start, end: record!.end, devices: [], actions: 0, failed: 0, results: {}, ...fromRecord,
    };
  }
  const latest = entries[0].messages.at(-1)!;
  const windows = entries.map((e) => windowOf(e.messages.at(-1)!));
  const start = Math.min(...windows.map((w) => w.start));
  const end = windows.some((w) => w.end === undefined) ? undefined : Math.max(...windows.map((w) => w.end!));
  const ids = new Set(entries.flatMap((e) => e.messages.map((m) => m.id)));
  const acting = hub.actuator.active().some((a) => ids.has(a.messageId));
  const windowState = acting || (now >= start && end !== undefined && now < end) ? "active" : now < start ? "pending" : "completed";
  const actions = entries.flatMap((e) => e.actions);
  const results: Record<string, number> = {};
  for (const r of entries.flatMap((e) => e.results)) results[r.outcome] = (results[r.outcome] ?? 0) + 1;
  return {
    id, title: titleOf(latest), type: latest.type, trigger: latest.type === "Command" ? `Command.${latest.body.command.action}` : latest.type,
    source: latest.source, state: record?.state ?? windowState, start: record?.start ?? iso(start), end: record?.end ?? iso(end),
    received: entries[0].received, devices: [...new Set(actions.map((a) => a.device))], actions: actions.length,
    failed: actions.filter((a) => !a.ok).length, results, ...fromRecord,
  };
}

export function eventRoutes(api: Router, { hub, journal, power }: ApiContext) {
  const find = async (id: string) => {
    const view = (await eventViews(hub, journal)).find((v) => v.id === id);
    if (!view) throw new HttpError(404, "NOT_FOUND", `no event ${id}`);
    return view;
  };

  api.get("/events", async (req, res) => {
    const now = Date.now();
    const states = typeof req.query.state === "string" ? new Set(req.query.state.split(",")) : undefined;
    const all = (await eventViews(hub, journal)).map((v) => summarize(hub, v, now)).filter((s) => !states || states.has(s.state));
    const key = (s: EventSummary) => s.start ?? s.received ?? "";
    res.json(all.sort((a, b) => key(b).localeCompare(key(a))).slice(0, intParam(req.query.limit, 200, 1, 1000)));
  });

  api.get("/events/:id", async (req, res) => {
    const view = await find(req.params.id);
    const summary = summarize(hub, view, Date.now());
    const messages = view.entries.flatMap((e) => e.messages);
    const related = new Set<unknown>([view.id, ...view.entries.map((e) => e.id), ...messages.map((m) => m.id),
      ...(view.record ? [view.record.ref] : [])]);
    const audit = (await hub.store.queryAudit({ limit: 1000 })).filter((a) => !a.action.startsWith("device.") &&
      (related.has(a.target) || related.has(a.detail?.messageId) || related.has(a.detail?.eventId)));
    res.json({
      ...summary, messages, actions: view.entries.flatMap((e) => e.actions), results: view.entries.flatMap((e) => e.results),
      audit, ...(view.record ? { protocol: view.record } : {}),
    });
  });

  api.get("/events/:id/power", async (req, res) => {
    const s = summarize(hub, await find(req.params.id), Date.now());
    if (!s.start) throw new HttpError(404, "NOT_FOUND", `event ${s.id} has no start time`);
    const now = Date.now();
    const start = Date.parse(s.start);
    const end = s.end ? Date.parse(s.end) : undefined;
    // before and after spans as long as the event (15 min to 2 h); an open-ended event counts to now
    const span = Math.min(120 * MIN, Math.max(15 * MIN, (end ?? now) - start));
    const from = start - span;
    const to = Math.min(now, (end ?? now) + span);
    const series = await power.series(from, Math.max(to, from));
    const baseline = meanOf(series, from, start);
    const during = meanOf(series, start, Math.min(end ?? now, now));
    res.json({
      event: s.id, start: s.start, end: s.end, from: iso(from), to: iso(to), series,
      baseline: baseline === undefined ? null : { w: baseline, method: `mean over the ${Math.round(span / MIN)} min before the start`, from: iso(from), to: s.start },
      during: during ?? null,
      change: baseline !== undefined && during !== undefined ? during - baseline : null,
    });
  });

  api.get("/power", async (req, res) => {
    const minutes = intParam(req.query.minutes, 60, 1, 7 * 24 * 60);
    const now = Date.now();
    res.json({ device: power.device, current: power.current() ?? null, series: await power.series(now - minutes * MIN, now, 600) });
  });
}
