/** PostgreSQL schema migrations, recorded in gridhub_migrations; the same model as sqlite-schema.ts. */
export const pgMigrations: string[] = [
  `CREATE TABLE docs (ns TEXT NOT NULL, coll TEXT NOT NULL, id TEXT NOT NULL, doc JSONB NOT NULL, updated TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (ns, coll, id));
   CREATE TABLE events (id TEXT PRIMARY KEY, source TEXT NOT NULL, protocol TEXT NOT NULL, ref TEXT NOT NULL,
     modification INTEGER NOT NULL, state TEXT NOT NULL, start TEXT, "end" TEXT, opt_state TEXT, payload JSONB NOT NULL,
     message_id TEXT, updated TEXT NOT NULL);
   CREATE INDEX events_source ON events (source, state);
   CREATE TABLE outbox (seq BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, id TEXT NOT NULL, payload JSONB NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created TEXT NOT NULL, UNIQUE (channel, id));
   CREATE INDEX outbox_channel_seq ON outbox (channel, seq);
   CREATE TABLE devices (id TEXT PRIMARY KEY, doc JSONB NOT NULL);
   CREATE TABLE telemetry (device TEXT NOT NULL, point TEXT NOT NULL, ts TEXT NOT NULL, value JSONB, rowid BIGSERIAL);
   CREATE INDEX telemetry_device_point_ts ON telemetry (device, point, ts);
   CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
     target TEXT, outcome TEXT NOT NULL, detail JSONB);
   CREATE INDEX audit_actor ON audit (actor, action);`,
];
