/**
 * A simulated device's COV subscriptions: keyed by subscriber address, process id and object, with a lifetime
 * (0 = until cancelled). A subscriber hears of a change when present-value moved by at least the object's
 * cov-increment (analog) or changed at all (binary, multi-state), or when the status flags changed.
 */
import type { PointObject } from "./objects.ts";

export interface CovSubscription {
  subscriber: string;
  processId: number;
  object: PointObject;
  confirmed: boolean;
  /** seconds asked for; 0 = indefinite */
  lifetime: number;
  expiresAt: number;
  /** SubscribeCOV requests that renewed this subscription */
  renewals: number;
  lastValue: number;
  lastFlags: string;
}

const flagsOf = (o: PointObject) => JSON.stringify(o.statusFlags());

export class CovTable {
  private readonly subs = new Map<string, CovSubscription>();

  constructor(private readonly notify: (s: CovSubscription) => void, private readonly now: () => number) {}

  private key(subscriber: string, processId: number, o: PointObject) {
    return `${subscriber}/${processId}/${o.id.type}:${o.id.instance}`;
  }

  /** adds or renews; the subscriber then gets the current value */
  subscribe(subscriber: string, processId: number, object: PointObject, confirmed: boolean, lifetime: number): void {
    const key = this.key(subscriber, processId, object);
    const prior = this.subs.get(key);
    const s: CovSubscription = {
      subscriber, processId, object, confirmed, lifetime,
      expiresAt: lifetime ? this.now() + lifetime * 1000 : Infinity,
      renewals: prior && prior.expiresAt > this.now() ? prior.renewals + 1 : 0,
      lastValue: object.presentValue, lastFlags: flagsOf(object),
    };
    this.subs.set(key, s);
    this.notify(s);
  }

  cancel(subscriber: string, processId: number, object: PointObject): void {
    this.subs.delete(this.key(subscriber, processId, object));
  }

  /** seconds left, as COV notifications report it */
  remaining(s: CovSubscription): number {
    return s.lifetime ? Math.max(0, Math.ceil((s.expiresAt - this.now()) / 1000)) : 0;
  }

  /** called after anything that may have changed the object's value or flags */
  changed(object: PointObject): void {
    const now = this.now();
    for (const [key, s] of this.subs) {
      if (s.expiresAt <= now) {
        this.subs.delete(key);
        continue;
      }
      if (s.object !== object) continue;
      const v = object.presentValue;
      const flags = flagsOf(object);
      const moved = object.kind === "analog" ? Math.abs(v - s.lastValue) >= Math.max(object.covIncrement, Number.EPSILON) : v !== s.lastValue;
      if (!moved && flags === s.lastFlags) continue;
      s.lastValue = v;
      s.lastFlags = flags;
      this.notify(s);
    }
  }

  active(): CovSubscription[] {
    const now = this.now();
    return [...this.subs.values()].filter((s) => s.expiresAt > now);
  }

  clear(): void {
    this.subs.clear();
  }
}
