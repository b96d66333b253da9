/**
 * Bounds the requests in flight: a BACnet device answers few confirmed requests at once (one per peer is the
 * safe default), and the client's invoke ids and segment reassembly are shared by all peers. An exclusive task
 * runs alone: the library reassembles segmented responses in one buffer for all peers, so a read that may come
 * back segmented must not overlap another.
 */
import { AdapterError } from "gridhub/hub";

interface Waiter {
  key: string;
  exclusive: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Scheduler {
  private active = 0;
  private exclusiveActive = false;
  private readonly perKey = new Map<string, number>();
  private waiting: Waiter[] = [];
  private closed = false;

  constructor(private readonly maxTotal: number, private readonly maxPerKey: number) {}

  async run<T>(key: string, task: () => Promise<T>, exclusive = false): Promise<T> {
    await this.acquire(key, exclusive);
    try {
      return await task();
    } finally {
      this.release(key, exclusive);
    }
  }

  /** rejects everything still waiting; tasks already running finish on their own */
  close(): void {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.reject(new AdapterError("UNREACHABLE", "the BACnet adapter is stopping"));
  }

  private canStart(key: string, exclusive: boolean): boolean {
    if (this.exclusiveActive) return false;
    if (exclusive) return this.active === 0;
    return this.active < this.maxTotal && (this.perKey.get(key) ?? 0) < this.maxPerKey;
  }

  private start(key: string, exclusive: boolean) {
    this.active++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    if (exclusive) this.exclusiveActive = true;
  }

  private acquire(key: string, exclusive: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new AdapterError("UNREACHABLE", "the BACnet adapter is stopped"));
    if (this.waiting.length === 0 && this.canStart(key, exclusive)) {
      this.start(key, exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ key, exclusive, resolve, reject }));
  }

  private release(key: string, exclusive: boolean) {
    this.active--;
    const n = (this.perKey.get(key) ?? 1) - 1;
    if (n === 0) this.perKey.delete(key);
    else this.perKey.set(key, n);
    if (exclusive) this.exclusiveActive = false;
    this.pump();
  }

  private pump() {
    const still: Waiter[] = [];
    let blocked = false;
    for (const w of this.waiting) {
      // nothing overtakes a waiting exclusive task, or it would starve
      if (!blocked && this.canStart(w.key, w.exclusive)) {
        this.start(w.key, w.exclusive);
        w.resolve();
      } else {
        still.push(w);
        if (w.exclusive) blocked = true;
      }
    }
    this.waiting = still;
  }
}
