/**
 * PostgreSQL store: the same interface as SQLite, for a VTN that serves many VENs from several processes.
 * Queue takes use FOR UPDATE SKIP LOCKED so that competing processes never hand one payload out twice.
 */
import pg from "pg";
import { pgMigrations } from "./postgres-schema.ts";
import type { AuditEntry, AuditRow, DeviceRecord, EventFilter, EventRecord, OutboxItem, Store, TelemetryRow } from "./types.ts";

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** errors of idle connections (a server restart); the pool replaces them, so they are reported, not thrown */
  onError?: (err: Error) => void;
}

interface OutboxRow { channel: string; id: string; seq: string; payload: unknown; attempts: number; last_error: string | null; created: string }
const toItem = (r: OutboxRow): OutboxItem => ({
  channel: r.channel, id: r.id, seq: Number(r.seq), payload: r.payload, attempts: r.attempts, created: r.created,
  ...(r.last_error ? { lastError: r.last_error } : {}),
});
interface EventRow {
  id: string; source: string; protocol: string; ref: string; modification: number; state: EventRecord["state"];
  start: string | null; end: string | null; opt_state: EventRecord["optState"] | null; payload: unknown; message_id: string | null; updated: string;
}
const toEvent = (r: EventRow): EventRecord => ({
  id: r.id, source: r.source, protocol: r.protocol, ref: r.ref, modification: r.modification, state: r.state,
  ...(r.start ? { start: r.start } : {}), ...(r.end ? { end: r.end } : {}), ...(r.opt_state ? { optState: r.opt_state } : {}),
  payload: r.payload, ...(r.message_id ? { messageId: r.message_id } : {}), updated: r.updated,
});
// JSONB parameters must be sent as JSON text; a bare string would otherwise be sent unquoted
const j = (v: unknown) => JSON.stringify(v ?? null);

export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  private constructor(private pool: pg.Pool) {}

  static async open(opts: PostgresOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // without a listener, an idle connection's error would end the process
    pool.on("error", (err) => opts.onError?.(err));
    const s = new PostgresStore(pool);
    await s.migrate();
    return s;
  }

  private async migrate() {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      // one migrator at a time across processes
      await c.query("SELECT pg_advisory_xact_lock(74623)");
      await c.query("CREATE TABLE IF NOT EXISTS gridhub_migrations (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())");
      const { rows } = await c.query<{ v: number | null }>("SELECT max(version) v FROM gridhub_migrations");
      for (let v = rows[0].v ?? 0; v < pgMigrations.length; v++) {
        await c.query(pgMigrations[v]);
        await c.query("INSERT INTO gridhub_migrations (version) VALUES ($1)", [v + 1]);
      }
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK");
      throw e;
    } finally {
      c.release();
    }
  }

  private async q<R extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
    return this.pool.query<R>(text, params);
  }

  async putDoc(ns: string, collection: string, id: string, doc: unknown) {
    await this.q(`INSERT INTO docs (ns, coll, id, doc, updated) VALUES ($1, $2, $3, $4, now())
      ON CONFLICT (ns, coll, id) DO UPDATE SET doc = excluded.doc, updated = excluded.updated`, [ns, collection, id, j(doc)]);
  }

  async getDoc<T>(ns: string, collection: string, id: string) {
    const { rows } = await this.q<{ doc: T }>("SELECT doc FROM docs WHERE ns = $1 AND coll = $2 AND id = $3", [ns, collection, id]);
    return rows[0]?.doc;
  }

  async listDocs<T>(ns: string, collection: string, opts: { prefix?: string; limit?: number } = {}) {
    const { rows } = await this.q<{ id: string; doc: T }>(`SELECT id, doc FROM docs WHERE ns = $1 AND coll = $2 AND left(id, $3) = $4
      ORDER BY id COLLATE "C" LIMIT $5`, [ns, collection, (opts.prefix ?? "").length, opts.prefix ?? "", opts.limit ?? null]);
    return rows;
  }

  async deleteDoc(ns: string, collection: string, id: string) {
    return ((await this.q("DELETE FROM docs WHERE ns = $1 AND coll = $2 AND id = $3", [ns, collection, id])).rowCount ?? 0) > 0;
  }

  async upsertEvent(e: EventRecord) {
    await this.q(`INSERT INTO events (id, source, protocol, ref, modification, state, start, "end", opt_state, payload, message_id, updated)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
      ON CONFLICT (id) DO UPDATE SET source = excluded.source, protocol = excluded.protocol, ref = excluded.ref,
        modification = excluded.modification, state = excluded.state, start = excluded.start, "end" = excluded."end",
        opt_state = excluded.opt_state, payload = excluded.payload, message_id = excluded.message_id, updated = excluded.updated`,
    [e.id, e.source, e.protocol, e.ref, e.modification, e.state, e.start ?? null, e.end ?? null, e.optState ?? null, j(e.payload), e.messageId ?? null, e.updated]);
  }

  async getEvent(id: string) {
    const { rows } = await this.q<EventRow>("SELECT * FROM events WHERE id = $1", [id]);
    return rows[0] && toEvent(rows[0]);
  }

  async listEvents(f: EventFilter = {}) {
    const { rows } = await this.q<EventRow>(`SELECT * FROM events WHERE ($1::text IS NULL OR source = $1)
      AND ($2::text[] IS NULL OR state = ANY($2)) ORDER BY start NULLS FIRST, id LIMIT $3`, [f.source ?? null, f.states?.length ? f.states : null, f.limit ?? null]);
    return rows.map(toEvent);
  }

  async enqueue(channel: string, id: string, payload: unknown) {
    const r = await this.q("INSERT INTO outbox (channel, id, payload, created) VALUES ($1, $2, $3, $4) ON CONFLICT (channel, id) DO NOTHING",
      [channel, id, j(payload), new Date().toISOString()]);
    return (r.rowCount ?? 0) > 0;
  }

  async pending(channel: string, limit = 100) {
    const { rows } = await this.q<OutboxRow>("SELECT * FROM outbox WHERE channel = $1 ORDER BY seq LIMIT $2", [channel, limit]);
    return rows.map(toItem);
  }

  async take(channel: string) {
    const { rows } = await this.q<OutboxRow>(`DELETE FROM outbox WHERE seq = (SELECT seq FROM outbox WHERE channel = $1 ORDER BY seq
      LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *`, [channel]);
    return rows[0] && toItem(rows[0]);
  }

  async ack(channel: string, id: string) {
    await this.q("DELETE FROM outbox WHERE channel = $1 AND id = $2", [channel, id]);
  }

  async failed(channel: string, id: string, error: string) {
    await this.q("UPDATE outbox SET attempts = attempts + 1, last_error = $3 WHERE channel = $1 AND id = $2", [channel, id, error]);
  }

  async queueDepth(channel?: string) {
    const { rows } = await this.q<{ n: string }>("SELECT count(*) n FROM outbox WHERE $1::text IS NULL OR channel = $1", [channel ?? null]);
    return Number(rows[0].n);
  }

  async upsertDevice(d: DeviceRecord) {
    await this.q("INSERT INTO devices (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc", [d.id, j(d)]);
  }

  async getDevice(id: string) {
    const { rows } = await this.q<{ doc: DeviceRecord }>("SELECT doc FROM devices WHERE id = $1", [id]);
    return rows[0]?.doc;
  }

  async listDevices() {
    return (await this.q<{ doc: DeviceRecord }>("SELECT doc FROM devices ORDER BY id")).rows.map((r) => r.doc);
  }

  async appendTelemetry(rows: TelemetryRow[]) {
    if (!rows.length) return;
    await this.q(`INSERT INTO telemetry (device, point, ts, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
      [rows.map((r) => r.device), rows.map((r) => r.point), rows.map((r) => r.ts), rows.map((r) => j(r.value))]);
  }

  async queryTelemetry(q: { device: string; point?: string; from?: string; to?: string; limit?: number }) {
    const { rows } = await this.q<TelemetryRow>(`SELECT device, point, ts, value FROM telemetry WHERE device = $1
      AND ($2::text IS NULL OR point = $2) AND ($3::text IS NULL OR ts >= $3) AND ($4::text IS NULL OR ts <= $4)
      ORDER BY ts, rowid LIMIT $5`, [q.device, q.point ?? null, q.from ?? null, q.to ?? null, q.limit ?? 10000]);
    return rows;
  }

  async audit(e: AuditEntry) {
    await this.q("INSERT INTO audit (ts, actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)",
      [e.ts ?? new Date().toISOString(), e.actor, e.action, e.target ?? null, e.outcome, e.detail ? j(e.detail) : null]);
  }

  async queryAudit(q: { actor?: string; action?: string; outcome?: AuditEntry["outcome"]; limit?: number } = {}) {
    const { rows } = await this.q<AuditRow & { id: string; target: string | null; detail: Record<string, unknown> | null }>(
      `SELECT * FROM audit WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
      AND ($3::text IS NULL OR outcome = $3) ORDER BY id DESC LIMIT $4`, [q.actor ?? null, q.action ?? null, q.outcome ?? null, q.limit ?? 200]);
    return rows.map((r) => ({ ...r, id: Number(r.id), target: r.target ?? undefined, detail: r.detail ?? undefined }));
  }

  async close() {
    await this.pool.end();
  }
}
