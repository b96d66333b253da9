/**
 * Prometheus metrics (prom-client), one registry per hub so that several hubs in one process never share series.
 * Adapter figures are read from each adapter's AdapterStats at scrape time; bus messages and actuations are
 * counted as they happen.
 */
import { Counter, Gauge, Registry } from "prom-client";
import type { CounterName } from "../hub/contract.ts";
import type { Hub } from "../hub/hub.ts";
import { guarded } from "./context.ts";
import type { BuildingPower } from "./power.ts";

const STATES = ["starting", "up", "degraded", "down", "stopped"] as const;

/** Adapter counters are cumulative in AdapterStats; a prom Counter is advanced by the difference since the last scrape. */
function mirror(counter: Counter<string>, seen: Map<string, number>, labels: Record<string, string>, total: number) {
  const key = JSON.stringify(labels);
  const delta = total - (seen.get(key) ?? 0);
  // the first scrape creates the series even at 0, so that rate() sees it from the start
  if (delta > 0 || !seen.has(key)) counter.inc(labels, Math.max(0, delta));
  seen.set(key, total);
}

export function hubMetrics(hub: Hub, power: BuildingPower): { registry: Registry; close(): void } {
  const registry = new Registry();
  const adapterCounter = (name: string, help: string, labelNames: string[], pick: (c: Record<CounterName, number>) => [Record<string, string>, number][]) => {
    const seen = new Map<string, number>();
    return new Counter({
      name, help, labelNames: ["adapter", ...labelNames], registers: [registry],
      collect() {
        for (const [adapter, h] of Object.entries(hub.health())) {
          for (const [labels, total] of pick(h.counters)) mirror(this, seen, { adapter, ...labels }, total);
        }
      },
    });
  };

  new Gauge({
    name: "gridhub_adapter_up", help: "1 when the adapter is up, 0 otherwise", labelNames: ["adapter", "protocol", "role"], registers: [registry],
    collect() {
      this.reset();
      for (const [adapter, h] of Object.entries(hub.health())) this.set({ adapter, protocol: h.protocol, role: h.role }, h.state === "up" ? 1 : 0);
    },
  });
  new Gauge({
    name: "gridhub_adapter_state", help: "adapter health state (1 for the current state)", labelNames: ["adapter", "state"], registers: [registry],
    collect() {
      for (const [adapter, h] of Object.entries(hub.health())) for (const s of STATES) this.set({ adapter, state: s }, h.state === s ? 1 : 0);
    },
  });
  adapterCounter("gridhub_adapter_messages_total", "protocol messages exchanged by an adapter", ["direction"],
    (c) => [[{ direction: "in" }, c.messagesIn], [{ direction: "out" }, c.messagesOut]]);
  adapterCounter("gridhub_adapter_operations_total", "point reads and writes performed by a southbound adapter", ["op"],
    (c) => [[{ op: "read" }, c.reads], [{ op: "write" }, c.writes]]);
  adapterCounter("gridhub_adapter_errors_total", "adapter errors and timeouts", ["kind"],
    (c) => [[{ kind: "error" }, c.errors], [{ kind: "timeout" }, c.timeouts]]);
  adapterCounter("gridhub_adapter_reconnects_total", "reconnections to peers", [], (c) => [[{}, c.reconnects]]);
  new Gauge({
    name: "gridhub_adapter_latency_milliseconds", help: "request latency quantiles over the adapter's last 512 requests",
    labelNames: ["adapter", "quantile"], registers: [registry],
    collect() {
      this.reset();
      for (const [adapter, h] of Object.entries(hub.health())) {
        if (!h.latency) continue;
        this.set({ adapter, quantile: "0.5" }, h.latency.p50);
        this.set({ adapter, quantile: "0.99" }, h.latency.p99);
      }
    },
  });
  const latencySeen = new Map<string, number>();
  new Counter({
    name: "gridhub_adapter_latency_observations_total", help: "requests whose latency the adapter measured",
    labelNames: ["adapter"], registers: [registry],
    collect() {
      for (const [adapter, h] of Object.entries(hub.health())) mirror(this, latencySeen, { adapter }, h.latency?.count ?? 0);
    },
  });
  new Gauge({
    name: "gridhub_outbox_depth", help: "messages waiting in the store-and-forward outbox (all channels)", registers: [registry],
    async collect() {
      this.set(await hub.store.queueDepth());
    },
  });
  new Gauge({
    name: "gridhub_activations_active", help: "device activations (events being acted on) in force", registers: [registry],
    collect() {
      this.set(hub.actuator.active().length);
    },
  });
  new Gauge({
    name: "gridhub_building_power_watts", help: "net building power (consumption positive, generation negative)", registers: [registry],
    collect() {
      const w = power.current();
      if (w === undefined) this.reset();
      else this.set(w);
    },
  });
  const busMessages = new Counter({
    name: "gridhub_bus_messages_total", help: "neutral messages accepted by the bus", labelNames: ["type", "source"], registers: [registry],
  });
  const actuations = new Counter({
    name: "gridhub_actuations_total", help: "device writes, restores and relinquishes", labelNames: ["action", "outcome"], registers: [registry],
  });
  // `source` is the part before ":" (device, cem, operator, an adapter name): bounded, unlike full source ids
  const untap = hub.bus.tap(guarded(hub.logger, "metrics", (m) => busMessages.inc({ type: m.type, source: m.source.split(":")[0] })));
  const unrecord = hub.actuator.onRecord(guarded(hub.logger, "metrics", (r) => actuations.inc({ action: r.action, outcome: r.ok ? "ok" : "failed" })));
  return {
    registry,
    close() {
      untap();
      unrecord();
    },
  };
}
