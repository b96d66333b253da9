/**
 * The CEM's timers: one place that knows them all, so that stop() leaves nothing behind. A timer's work runs
 * through the CEM's queue (one decision at a time), unless it only settles a promise (`direct`).
 */
const MAX_TIMER = 2 ** 31 - 1;

export class Timers {
  private pending = new Map<string, NodeJS.Timeout>();
  private repeating = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private now: () => number, private onError: (err: unknown, key: string) => void,
    private run: (fn: () => Promise<void> | void) => Promise<void> = async (fn) => fn()) {}

  /** Runs `fn` at `at` (or at once when past); a second call with the same key replaces the first. */
  at(key: string, at: number, fn: () => Promise<void> | void, direct = false) {
    this.cancel(key);
    if (this.stopped) return;
    const arm = () => {
      const delay = Math.min(MAX_TIMER, Math.max(0, at - this.now()));
      const t = setTimeout(() => {
        if (this.pending.get(key) !== t) return;
        if (at > this.now()) return arm();
        this.pending.delete(key);
        (direct ? Promise.resolve().then(fn) : this.run(fn)).catch((err) => this.onError(err, key));
      }, delay);
      this.pending.set(key, t);
    };
    arm();
  }

  every(ms: number, fn: () => Promise<void> | void) {
    if (this.stopped) return;
    const t = setInterval(() => void this.run(fn).catch((err) => this.onError(err, "every")), ms);
    this.repeating.add(t);
  }

  cancel(key: string) {
    const t = this.pending.get(key);
    if (t) clearTimeout(t);
    this.pending.delete(key);
  }

  stop() {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    for (const t of this.repeating) clearInterval(t);
    this.pending.clear();
    this.repeating.clear();
  }
}
