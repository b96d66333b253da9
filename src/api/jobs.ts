/**
 * Long operations run as jobs whose progress the API streams and the CLI prints: today, discovery scans
 * (`SouthboundAdapter.discover`). One scan per adapter at a time; a scan that overruns its timeout by more than
 * GRACE_MS is abandoned and reported failed, so a misbehaving adapter never leaves a job "running" forever.
 */
import { randomUUID } from "node:crypto";
import { stringify } from "yaml";
import type { DiscoveredDevice, DiscoverProgress, SouthboundAdapter } from "../hub/contract.ts";

export type JobState = "running" | "done" | "failed" | "cancelled";

export interface JobView {
  id: string;
  kind: "discover";
  adapter: string;
  state: JobState;
  started: string;
  finished?: string;
  timeoutMs: number;
  progress: DiscoverProgress;
  /** `known`: the configured device at that address */
  found: (DiscoveredDevice & { known?: string })[];
  error?: string;
  /** a `devices:` block for the hub config with the devices found that it does not have yet */
  config?: string;
}

interface Job extends JobView {
  abort: AbortController;
  settled: Promise<void>;
}

export class JobConflict extends Error {}

/** an adapter's discover(), bound to the adapter */
export type Scan = NonNullable<SouthboundAdapter["discover"]>;

/** the id of the configured device at a discovered address, if any */
export type KnownDevice = (found: DiscoveredDevice) => string | undefined;

const GRACE_MS = 5000;
const KEEP_FINISHED = 20;
const EMIT_EVERY_MS = 100;

export class Jobs {
  private jobs = new Map<string, Job>();
  private lastEmit = new Map<string, number>();
  private trailing = new Map<string, NodeJS.Timeout>();

  constructor(private onUpdate: (job: JobView) => void = () => {}) {}

  list(): JobView[] {
    return [...this.jobs.values()].map(view);
  }

  get(id: string): JobView | undefined {
    const j = this.jobs.get(id);
    return j && view(j);
  }

  /** Starts a discovery scan; throws JobConflict while another scan of the same adapter runs. */
  discover(adapterName: string, scan: Scan, timeoutMs: number, known: KnownDevice = () => undefined): JobView {
    const busy = [...this.jobs.values()].find((j) => j.adapter === adapterName && j.state === "running");
    if (busy) throw new JobConflict(`a discovery of ${adapterName} is already running (job ${busy.id})`);
    const job: Job = {
      id: randomUUID(), kind: "discover", adapter: adapterName, state: "running", started: new Date().toISOString(), timeoutMs,
      progress: { done: 0, found: 0 }, found: [], abort: new AbortController(), settled: Promise.resolve(),
    };
    this.jobs.set(job.id, job);
    job.settled = this.run(job, scan, known);
    this.prune();
    this.update(job, true);
    return view(job);
  }

  /** Stops a running job (the adapter's scan is asked to return); false when there is no such running job. */
  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j || j.state !== "running") return false;
    j.abort.abort();
    return true;
  }

  /** Resolves when the job has finished (whatever its outcome). */
  async settled(id: string): Promise<JobView | undefined> {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    await j.settled;
    return view(j);
  }

  async stop() {
    for (const j of this.jobs.values()) j.abort.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.settled));
    for (const t of this.trailing.values()) clearTimeout(t);
  }

  private async run(job: Job, scan: Scan, known: KnownDevice) {
    let deadline: NodeJS.Timeout | undefined;
    const interrupted = new Promise<"overrun" | "cancel">((ok) => {
      deadline = setTimeout(() => ok("overrun"), job.timeoutMs + GRACE_MS);
      job.abort.signal.addEventListener("abort", () => ok("cancel"), { once: true });
    });
    try {
      const iterator = scan({
        timeoutMs: job.timeoutMs,
        onProgress: (p) => {
          if (job.state !== "running") return;
          job.progress = { ...p, found: Math.max(p.found, job.found.length) };
          this.update(job);
        },
      })[Symbol.asyncIterator]();
      for (;;) {
        const step = await Promise.race([iterator.next(), interrupted]);
        if (step === "overrun" || step === "cancel") {
          void iterator.return?.()?.catch(() => undefined);
          if (step === "overrun") throw new Error(`the scan did not finish within its timeout (${job.timeoutMs} ms) plus ${GRACE_MS} ms`);
          break;
        }
        if (step.done) break;
        const id = known(step.value);
        job.found.push({ ...step.value, ...(id ? { known: id } : {}) });
        job.progress = { ...job.progress, found: job.found.length };
        this.update(job);
      }
      job.state = job.abort.signal.aborted ? "cancelled" : "done";
    } catch (e) {
      job.state = "failed";
      job.error = (e as Error).message;
    } finally {
      clearTimeout(deadline);
    }
    job.finished = new Date().toISOString();
    const fresh = job.found.filter((d) => !d.known);
    if (fresh.length) job.config = configSnippet(job.adapter, fresh);
    this.update(job, true);
  }

  /** Progress may come per probed address: the feed gets at most one update per EMIT_EVERY_MS (the latest), and always the last. */
  private update(job: Job, now = false) {
    const emit = () => {
      this.lastEmit.set(job.id, Date.now());
      this.onUpdate(view(job));
    };
    if (now) {
      clearTimeout(this.trailing.get(job.id));
      this.trailing.delete(job.id);
      return emit();
    }
    if (this.trailing.has(job.id)) return;
    const since = Date.now() - (this.lastEmit.get(job.id) ?? 0);
    if (since >= EMIT_EVERY_MS) return emit();
    this.trailing.set(job.id, setTimeout(() => {
      this.trailing.delete(job.id);
      emit();
    }, EMIT_EVERY_MS - since));
  }

  private prune() {
    const finished = [...this.jobs.values()].filter((j) => j.state !== "running");
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(j.id);
      this.lastEmit.delete(j.id);
    }
  }
}

function view(j: Job): JobView {
  const { abort: _a, settled: _s, ...rest } = j;
  return { ...rest, progress: { ...rest.progress }, found: [...rest.found] };
}

/** Devices found by a scan as a `devices:` block to paste into the hub config (ids are suggestions). */
export function configSnippet(adapter: string, found: DiscoveredDevice[]): string {
  const counts = new Map<string, number>();
  const devices = found.map((d) => {
    const base = d.deviceClass ?? "device";
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return {
      id: `${base}-${n}`, adapter, ...(d.table ? { table: d.table } : {}), address: d.address,
      ...(d.deviceClass ? { deviceClass: d.deviceClass } : {}),
    };
  });
  return stringify({ devices }, { flow: false });
}
