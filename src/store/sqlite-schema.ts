/** Schema migrations, applied in order; PRAGMA user_version records how many ran. Never edit a shipped entry. */
export const migrations: string[] = [
  `CREATE TABLE docs (ns TEXT NOT NULL, coll TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, updated TEXT NOT NULL,
     PRIMARY KEY (ns, coll, id));
   CREATE TABLE events (id TEXT PRIMARY KEY, source TEXT NOT NULL, protocol TEXT NOT NULL, ref TEXT NOT NULL,
     modification INTEGER NOT NULL, state TEXT NOT NULL, start TEXT, "end" TEXT, opt_state TEXT, payload TEXT NOT NULL,
     message_id TEXT, updated TEXT NOT NULL);
   CREATE INDEX events_source ON events (source, state);
   CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
     attempts INTEGER NOT NULL, last_error TEXT, created TEXT NOT NULL, UNIQUE (channel, id));
   CREATE TABLE devices (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
   CREATE TABLE telemetry (device TEXT NOT NULL, point TEXT NOT NULL, ts TEXT NOT NULL, value TEXT);
   CREATE INDEX telemetry_device_point_ts ON telemetry (device, point, ts);
   CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
     target TEXT, outcome TEXT NOT NULL, detail TEXT);
   CREATE INDEX audit_actor ON audit (actor, action);`,
];
