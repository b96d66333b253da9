/**
 * The store is the truth across restarts. One interface; SQLite (embedded default) and PostgreSQL fill it.
 * Every method is async so that a networked implementation fits behind it.
 */

/** A grid-side event as the hub tracks it (OpenADR event, 2030.5 control, ...), whatever protocol brought it. */
export interface EventRecord {
  id: string;                 // hub-wide id, e.g. "openadr:ven1:evt-42"
  source: string;             // adapter instance that owns it
  protocol: string;
  ref: string;                // protocol id (eventID, mRID)
  modification: number;       // modificationNumber / version; older ones are stale
  state: "pending" | "far" | "near" | "active" | "completed" | "cancelled" | "superseded";
  start?: string;
  end?: string;
  optState?: "optIn" | "optOut" | "none";
  payload: unknown;           // protocol-level representation (parsed), for replay and the API
  messageId?: string;         // neutral message the event became
  updated: string;
}

export interface EventFilter {
  source?: string;
  states?: EventRecord["state"][];
  limit?: number;
}

export interface OutboxItem {
  channel: string;
  id: string;                 // idempotency key: enqueueing the same id twice is a no-op
  seq: number;                // delivery order within the channel
  payload: unknown;
  attempts: number;
  lastError?: string;
  created: string;
}

export interface DeviceRecord {
  id: string;
  adapter: string;
  table?: string;
  address: Record<string, unknown>;
  groups: string[];
  deviceClass?: string;
  discovered: boolean;
  lastSeen?: string;
  info?: Record<string, unknown>;
}

export interface TelemetryRow {
  device: string;
  point: string;
  ts: string;
  value: number | string | boolean | null;
}

export interface AuditEntry {
  ts?: string;
  actor: string;              // who: adapter, user, certificate fingerprint
  action: string;             // what: "event.optIn", "mapping.write", "auth.refused"
  target?: string;
  outcome: "ok" | "refused" | "failed";
  detail?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  id: number;
  ts: string;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Adapter-owned documents (registrations, VTN tables, cursors), JSON, keyed by namespace/collection/id. */
  putDoc(ns: string, collection: string, id: string, doc: unknown): Promise<void>;
  getDoc<T = unknown>(ns: string, collection: string, id: string): Promise<T | undefined>;
  listDocs<T = unknown>(ns: string, collection: string, opts?: { prefix?: string; limit?: number }): Promise<{ id: string; doc: T }[]>;
  deleteDoc(ns: string, collection: string, id: string): Promise<boolean>;

  upsertEvent(e: EventRecord): Promise<void>;
  getEvent(id: string): Promise<EventRecord | undefined>;
  listEvents(filter?: EventFilter): Promise<EventRecord[]>;

  /** Store-and-forward queue: at-least-once, in order per channel, idempotent on id. Returns false for a duplicate id. */
  enqueue(channel: string, id: string, payload: unknown): Promise<boolean>;
  pending(channel: string, limit?: number): Promise<OutboxItem[]>;
  ack(channel: string, id: string): Promise<void>;
  failed(channel: string, id: string, error: string): Promise<void>;
  /** Removes and returns the oldest item: each item is taken once, even by competing processes (VTN poll queues). */
  take(channel: string): Promise<OutboxItem | undefined>;
  queueDepth(channel?: string): Promise<number>;

  upsertDevice(d: DeviceRecord): Promise<void>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;

  appendTelemetry(rows: TelemetryRow[]): Promise<void>;
  queryTelemetry(q: { device: string; point?: string; from?: string; to?: string; limit?: number }): Promise<TelemetryRow[]>;

  audit(e: AuditEntry): Promise<void>;
  queryAudit(q?: { actor?: string; action?: string; outcome?: AuditEntry["outcome"]; limit?: number }): Promise<AuditRow[]>;

  close(): Promise<void>;
}

/** What an adapter sees of the store: its own documents and queues, the shared event list and the audit log. */
export interface AdapterStore {
  putDoc(collection: string, id: string, doc: unknown): Promise<void>;
  getDoc<T = unknown>(collection: string, id: string): Promise<T | undefined>;
  listDocs<T = unknown>(collection: string, opts?: { prefix?: string; limit?: number }): Promise<{ id: string; doc: T }[]>;
  deleteDoc(collection: string, id: string): Promise<boolean>;
  upsertEvent(e: EventRecord): Promise<void>;
  getEvent(id: string): Promise<EventRecord | undefined>;
  listEvents(filter?: Omit<EventFilter, "source">): Promise<EventRecord[]>;
  enqueue(channel: string, id: string, payload: unknown): Promise<boolean>;
  pending(channel: string, limit?: number): Promise<OutboxItem[]>;
  ack(channel: string, id: string): Promise<void>;
  failed(channel: string, id: string, error: string): Promise<void>;
  take(channel: string): Promise<OutboxItem | undefined>;
  queueDepth(channel: string): Promise<number>;
  appendTelemetry(rows: TelemetryRow[]): Promise<void>;
  queryTelemetry(q: { device: string; point?: string; from?: string; to?: string; limit?: number }): Promise<TelemetryRow[]>;
  audit(e: Omit<AuditEntry, "actor"> & { actor?: string }): Promise<void>;
}

/** Scopes the store to one adapter instance: documents and queue channels are namespaced by its name. */
export function scopedStore(store: Store, ns: string): AdapterStore {
  return {
    putDoc: (c, id, d) => store.putDoc(ns, c, id, d),
    getDoc: (c, id) => store.getDoc(ns, c, id),
    listDocs: (c, o) => store.listDocs(ns, c, o),
    deleteDoc: (c, id) => store.deleteDoc(ns, c, id),
    upsertEvent: (e) => store.upsertEvent({ ...e, source: ns }),
    getEvent: async (id) => {
      const e = await store.getEvent(id);
      return e && e.source === ns ? e : undefined;
    },
    listEvents: (f) => store.listEvents({ ...f, source: ns }),
    enqueue: (ch, id, p) => store.enqueue(`${ns}:${ch}`, id, p),
    pending: async (ch, l) => (await store.pending(`${ns}:${ch}`, l)).map((i) => ({ ...i, channel: ch })),
    ack: (ch, id) => store.ack(`${ns}:${ch}`, id),
    failed: (ch, id, e) => store.failed(`${ns}:${ch}`, id, e),
    take: async (ch) => {
      const item = await store.take(`${ns}:${ch}`);
      return item && { ...item, channel: ch };
    },
    queueDepth: (ch) => store.queueDepth(`${ns}:${ch}`),
    appendTelemetry: (r) => store.appendTelemetry(r),
    queryTelemetry: (q) => store.queryTelemetry(q),
    audit: (e) => store.audit({ ...e, actor: e.actor ?? ns }),
  };
}
