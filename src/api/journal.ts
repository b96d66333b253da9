/**
 * The event journal behind the operator's event timeline: every grid-side (or CEM) message that can drive devices,
 * with the device actions it caused and the devices' results. Revisions of one event (same `origin`) are kept
 * together; restores carry the message that held the point, so they land on the right event. Persisted in the
 * store (documents api/events) so the timeline survives a restart; the newest RETAIN events are kept.
 */
import type { ActuationRecord } from "../hub/actuator.ts";
import type { Hub } from "../hub/hub.ts";
import type { MessageType, NeutralMessage } from "../model/index.ts";
import { guarded } from "./context.ts";
import type { LiveFeed } from "./live.ts";

export interface DeviceResult { device: string; outcome: string; reason?: string; at: string; messageId: string }

export interface JournalEntry {
  id: string;
  /** the first message and its revisions, oldest first */
  messages: NeutralMessage[];
  received: string;
  actions: ActuationRecord[];
  results: DeviceResult[];
}

/** Grid-side message types that form events even where no table answers them (they still belong on the timeline). */
const GRID_EVENT_TYPES: MessageType[] = [
  "LoadGenerationManagement", "Emergency", "PowerProfile", "TemperatureProfile", "GridStatus", "Tariff",
  "PriceEnvironmentProfile", "BatteryDispatchRequest", "FlexibilityAllocation",
];
const RETAIN = 500;
const MAX_ACTIONS = 500;
const MAX_REVISIONS = 20;
const NS = "api";
const COLLECTION = "events";

export const originKey = (m: NeutralMessage) => (m.origin ? `${m.origin.protocol}:${m.origin.ref}` : undefined);

export class EventJournal {
  private entries = new Map<string, JournalEntry>();
  private byMessage = new Map<string, string>();
  private types: Set<string>;
  private dirty = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private unsubs: (() => void)[] = [];

  constructor(private hub: Hub, private feed: LiveFeed) {
    const triggers = [...hub.tables.values()].flatMap((t) => Object.keys(t.table.on ?? {}).map((k) => k.split(".")[0]));
    this.types = new Set([...GRID_EVENT_TYPES, ...triggers]);
  }

  async start() {
    const saved = await this.hub.store.listDocs<JournalEntry>(NS, COLLECTION);
    for (const { doc } of saved.sort((a, b) => a.doc.received.localeCompare(b.doc.received))) this.index(doc);
    this.unsubs.push(this.hub.bus.tap(guarded(this.hub.logger, "event journal", (m) => this.observe(m))));
    this.unsubs.push(this.hub.actuator.onRecord(guarded(this.hub.logger, "event journal", (r) => this.action(r))));
  }

  async stop() {
    for (const u of this.unsubs) u();
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  list(): JournalEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  /** The entry a message (or any of its revisions) belongs to. */
  ofMessage(messageId: string): JournalEntry | undefined {
    const id = this.byMessage.get(messageId);
    return id === undefined ? undefined : this.entries.get(id);
  }

  private observe(m: NeutralMessage) {
    if (m.type === "Result") {
      const entry = m.correlationId ? this.ofMessage(m.correlationId) : undefined;
      if (!entry) return;
      entry.results.push({
        device: m.source.replace(/^device:/, ""), outcome: m.body.outcome, at: m.body.at, messageId: m.correlationId!,
        ...(m.body.reason ? { reason: m.body.reason } : {}),
      });
      return this.changed(entry);
    }
    if (!this.types.has(m.type) || m.source.startsWith("device:")) return;
    const key = originKey(m);
    const existing = key ? this.entries.get(key) : undefined;
    if (existing) {
      existing.messages.push(m);
      if (existing.messages.length > MAX_REVISIONS) existing.messages.splice(1, 1);
      this.byMessage.set(m.id, existing.id);
      return this.changed(existing);
    }
    const entry: JournalEntry = { id: key ?? m.id, messages: [m], received: new Date().toISOString(), actions: [], results: [] };
    this.index(entry);
    this.changed(entry);
    while (this.entries.size > RETAIN) this.drop(this.entries.keys().next().value as string);
  }

  private action(r: ActuationRecord) {
    const entry = this.ofMessage(r.messageId);
    if (!entry) return;
    entry.actions.push(r);
    if (entry.actions.length > MAX_ACTIONS) entry.actions.shift();
    this.changed(entry);
  }

  private index(entry: JournalEntry) {
    this.entries.set(entry.id, entry);
    for (const m of entry.messages) this.byMessage.set(m.id, entry.id);
  }

  private drop(id: string) {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const m of entry.messages) this.byMessage.delete(m.id);
    this.dirty.delete(id);
    void this.hub.store.deleteDoc(NS, COLLECTION, id).catch((err) => this.hub.logger.warn({ err, event: id }, "could not drop a journal entry"));
  }

  private changed(entry: JournalEntry) {
    this.feed.emit("event", { id: entry.id });
    this.dirty.add(entry.id);
    // writes are batched: one event causes a burst of actions and results within milliseconds
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, 200);
  }

  private async flush() {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      try {
        await this.hub.store.putDoc(NS, COLLECTION, id, entry);
      } catch (err) {
        this.hub.logger.warn({ err, event: id }, "could not save a journal entry");
      }
    }
  }
}
