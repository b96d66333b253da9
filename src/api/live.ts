/** The API's live feed: one fan-out point for what the stream (SSE) sends to the UI and the CLI. */
import type { Hub } from "../hub/hub.ts";
import type { Logger } from "pino";
import { adaptersView } from "./adapters.ts";
import { guarded } from "./context.ts";

export type Topic = "message" | "actuation" | "device" | "health" | "power" | "event" | "job";

type Listener = (topic: Topic, data: unknown) => void;

export class LiveFeed {
  private listeners = new Set<Listener>();

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  constructor(private logger: Logger) {}

  /** Every listener gets the update, whatever another one does with it. */
  emit(topic: Topic, data: unknown) {
    for (const fn of this.listeners) guarded(this.logger, `live ${topic} listener`, fn)(topic, data);
  }
}

const HEALTH_CHECK_MS = 1000;

/**
 * Feeds the live topics from the hub: every accepted bus message, each device's live values when it reports,
 * every actuation record, and adapter health whenever a state changes.
 */
export function connectFeed(hub: Hub, feed: LiveFeed): () => void {
  const untap = hub.bus.tap(guarded(hub.logger, "live feed", (m) => {
    feed.emit("message", m);
    if ((m.type === "Telemetry" || m.type === "DeviceStatus") && m.source.startsWith("device:")) {
      const id = m.source.slice("device:".length);
      feed.emit("device", { id, values: hub.telemetry.live.get(id) ?? {} });
    }
  }));
  const unrecord = hub.actuator.onRecord(guarded(hub.logger, "live feed", (r) => feed.emit("actuation", r)));
  let last = "";
  const timer = setInterval(() => {
    const view = adaptersView(hub);
    const states = JSON.stringify(Object.entries(view).map(([n, h]) => [n, h.state, h.lastError?.at]));
    if (states !== last) feed.emit("health", view);
    last = states;
  }, HEALTH_CHECK_MS);
  return () => {
    untap();
    unrecord();
    clearInterval(timer);
  };
}
