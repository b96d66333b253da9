/**
 * SQLite store (embedded default). WAL journal; synchronous=FULL by default so that a committed write survives
 * a crash of the process and of the machine. better-sqlite3 is synchronous: each call is one short transaction.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { AuditEntry, AuditRow, DeviceRecord, EventFilter, EventRecord, OutboxItem, Store, TelemetryRow } from "./types.ts";
import { migrations } from "./sqlite-schema.ts";

export interface SqliteOptions {
  path: string;
  synchronous?: "FULL" | "NORMAL";
}

const json = (v: unknown) => JSON.stringify(v ?? null);
const unjson = <T>(s: string | null): T => (s === null ? (undefined as T) : (JSON.parse(s) as T));

interface EventRow {
  id: string; source: string; protocol: string; ref: string; modification: number; state: EventRecord["state"];
  start: string | null; end: string | null; opt_state: EventRecord["optState"] | null; payload: string; message_id: string | null; updated: string;
}

function toEvent(r: EventRow): EventRecord {
  return {
    id: r.id, source: r.source, protocol: r.protocol, ref: r.ref, modification: r.modification, state: r.state,
    ...(r.start ? { start: r.start } : {}), ...(r.end ? { end: r.end } : {}), ...(r.opt_state ? { optState: r.opt_state } : {}),
    payload: unjson(r.payload), ...(r.message_id ? { messageId: r.message_id } : {}), updated: r.updated,
  };
}

interface OutboxRow { channel: string; id: string; seq: number; payload: string; attempts: number; last_error: string | null; created: string }

function toItem(r: OutboxRow): OutboxItem {
  return {
    channel: r.channel, id: r.id, seq: r.seq, payload: unjson(r.payload), attempts: r.attempts, created: r.created,
    ...(r.last_error ? { lastError: r.last_error } : {}),
  };
}

export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private db: Database.Database;
  private statements = new Map<string, Database.Statement>();

  constructor(opts: SqliteOptions) {
    if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${opts.synchronous ?? "FULL"}`);
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.migrate();
  }

  /** Prepared once per SQL text: preparing dominates the cost of these short statements. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  private migrate() {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    for (let v = version; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  async putDoc(ns: string, collection: string, id: string, doc: unknown) {
    this.sql(`INSERT INTO docs (ns, coll, id, doc, updated) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (ns, coll, id) DO UPDATE SET doc = excluded.doc, updated = excluded.updated`)
      .run(ns, collection, id, json(doc), new Date().toISOString());
  }

  async getDoc<T>(ns: string, collection: string, id: string) {
    const r = this.sql("SELECT doc FROM docs WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, id) as { doc: string } | undefined;
    return r ? unjson<T>(r.doc) : undefined;
  }

  async listDocs<T>(ns: string, collection: string, opts: { prefix?: string; limit?: number } = {}) {
    const rows = this.sql(`SELECT id, doc FROM docs WHERE ns = ? AND coll = ? AND substr(id, 1, ?) = ? ORDER BY id LIMIT ?`)
      .all(ns, collection, (opts.prefix ?? "").length, opts.prefix ?? "", opts.limit ?? -1) as { id: string; doc: string }[];
    return rows.map((r) => ({ id: r.id, doc: unjson<T>(r.doc) }));
  }

  async deleteDoc(ns: string, collection: string, id: string) {
    return this.sql("DELETE FROM docs WHERE ns = ? AND coll = ? AND id = ?").run(ns, collection, id).changes > 0;
  }

  async upsertEvent(e: EventRecord) {
    this.sql(`INSERT INTO events (id, source, protocol, ref, modification, state, start, "end", opt_state, payload, message_id, updated)
      VALUES (@id, @source, @protocol, @ref, @modification, @state, @start, @end, @optState, @payload, @messageId, @updated)
      ON CONFLICT (id) DO UPDATE SET source = excluded.source, protocol = excluded.protocol, ref = excluded.ref,
        modification = excluded.modification, state = excluded.state, start = excluded.start, "end" = excluded."end",
        opt_state = excluded.opt_state, payload = excluded.payload, message_id = excluded.message_id, updated = excluded.updated`)
      .run({ ...e, start: e.start ?? null, end: e.end ?? null, optState: e.optState ?? null, payload: json(e.payload), messageId: e.messageId ?? null });
  }

  async getEvent(id: string) {
    const r = this.sql("SELECT * FROM events WHERE id = ?").get(id) as EventRow | undefined;
    return r ? toEvent(r) : undefined;
  }

  async listEvents(f: EventFilter = {}) {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.source) { where.push("source = ?"); args.push(f.source); }
    if (f.states?.length) { where.push(`state IN (${f.states.map(() => "?").join(",")})`); args.push(...f.states); }
    const rows = this.sql(`SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY start, id LIMIT ?`)
      .all(...args, f.limit ?? -1) as EventRow[];
    return rows.map(toEvent);
  }

  async enqueue(channel: string, id: string, payload: unknown) {
    return this.sql("INSERT OR IGNORE INTO outbox (channel, id, payload, attempts, created) VALUES (?, ?, ?, 0, ?)")
      .run(channel, id, json(payload), new Date().toISOString()).changes > 0;
  }

  async pending(channel: string, limit = 100): Promise<OutboxItem[]> {
    return (this.sql("SELECT * FROM outbox WHERE channel = ? ORDER BY seq LIMIT ?").all(channel, limit) as OutboxRow[]).map(toItem);
  }

  async take(channel: string): Promise<OutboxItem | undefined> {
    const r = this.sql("DELETE FROM outbox WHERE seq = (SELECT seq FROM outbox WHERE channel = ? ORDER BY seq LIMIT 1) RETURNING *").get(channel) as OutboxRow | undefined;
    return r && toItem(r);
  }

  async ack(channel: string, id: string) {
    this.sql("DELETE FROM outbox WHERE channel = ? AND id = ?").run(channel, id);
  }

  async failed(channel: string, id: string, error: string) {
    this.sql("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE channel = ? AND id = ?").run(error, channel, id);
  }

  async queueDepth(channel?: string) {
    const r = (channel
      ? this.sql("SELECT count(*) n FROM outbox WHERE channel = ?").get(channel)
      : this.sql("SELECT count(*) n FROM outbox").get()) as { n: number };
    return r.n;
  }

  async upsertDevice(d: DeviceRecord) {
    this.sql(`INSERT INTO devices (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`).run(d.id, json(d));
  }

  async getDevice(id: string) {
    const r = this.sql("SELECT doc FROM devices WHERE id = ?").get(id) as { doc: string } | undefined;
    return r ? unjson<DeviceRecord>(r.doc) : undefined;
  }

  async listDevices() {
    return (this.sql("SELECT doc FROM devices ORDER BY id").all() as { doc: string }[]).map((r) => unjson<DeviceRecord>(r.doc));
  }

  async appendTelemetry(rows: TelemetryRow[]) {
    const ins = this.sql("INSERT INTO telemetry (device, point, ts, value) VALUES (?, ?, ?, ?)");
    this.db.transaction((rs: TelemetryRow[]) => { for (const r of rs) ins.run(r.device, r.point, r.ts, json(r.value)); })(rows);
  }

  async queryTelemetry(q: { device: string; point?: string; from?: string; to?: string; limit?: number }) {
    const rows = this.sql(`SELECT device, point, ts, value FROM telemetry WHERE device = ?
      AND (? IS NULL OR point = ?) AND (? IS NULL OR ts >= ?) AND (? IS NULL OR ts <= ?) ORDER BY ts, rowid LIMIT ?`)
      .all(q.device, q.point ?? null, q.point ?? null, q.from ?? null, q.from ?? null, q.to ?? null, q.to ?? null, q.limit ?? 10000) as
      { device: string; point: string; ts: string; value: string }[];
    return rows.map((r) => ({ ...r, value: unjson<TelemetryRow["value"]>(r.value) }));
  }

  async audit(e: AuditEntry) {
    this.sql("INSERT INTO audit (ts, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)")
      .run(e.ts ?? new Date().toISOString(), e.actor, e.action, e.target ?? null, e.outcome, e.detail ? json(e.detail) : null);
  }

  async queryAudit(q: { actor?: string; action?: string; outcome?: AuditEntry["outcome"]; limit?: number } = {}) {
    const rows = this.sql(`SELECT * FROM audit WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?)
      AND (? IS NULL OR outcome = ?) ORDER BY id DESC LIMIT ?`)
      .all(q.actor ?? null, q.actor ?? null, q.action ?? null, q.action ?? null, q.outcome ?? null, q.outcome ?? null, q.limit ?? 200) as
      (Omit<AuditRow, "detail" | "target"> & { detail: string | null; target: string | null })[];
    return rows.map((r) => ({ ...r, target: r.target ?? undefined, detail: r.detail ? unjson<Record<string, unknown>>(r.detail) : undefined }));
  }

  async close() {
    if (this.db.open) this.db.close();
  }
}
