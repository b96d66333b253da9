import type { CounterName, Counters, Health, HealthState } from "./contract.ts";

const LATENCY_WINDOW = 512;

/** Per-adapter counters and health, read by the API and the metrics endpoint. */
export class AdapterStats implements Counters {
  readonly counters: Record<CounterName, number> = { messagesIn: 0, messagesOut: 0, errors: 0, reads: 0, writes: 0, reconnects: 0, timeouts: 0 };
  private latencies: number[] = [];
  private latencyCount = 0;
  state: HealthState = "starting";
  since = new Date().toISOString();
  lastError?: Health["lastError"];

  inc(name: CounterName, by = 1) {
    this.counters[name] += by;
  }

  observe(_name: "latencyMs", ms: number) {
    this.latencies[this.latencyCount++ % LATENCY_WINDOW] = ms;
  }

  setState(state: HealthState, err?: Error | string) {
    if (state !== this.state) {
      this.state = state;
      this.since = new Date().toISOString();
    }
    if (err) {
      const e = typeof err === "string" ? { message: err } : { message: err.message, code: (err as { code?: string }).code };
      this.lastError = { ...e, at: new Date().toISOString() };
    }
  }

  snapshot(detail?: Record<string, unknown>): Health {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return {
      state: this.state, since: this.since, counters: { ...this.counters },
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(sorted.length ? { latency: { count: this.latencyCount, p50: q(0.5), p99: q(0.99) } } : {}),
      ...(detail ? { detail } : {}),
    };
  }
}
