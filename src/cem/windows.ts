/**
 * Time windows the CEM holds on a device or a member building (a charging run, a discharge while the price is high,
 * a reduction): each is a message with a validity and an origin `<key>#<n>`, so that re-planning supersedes it in
 * place, an unchanged window is left alone, and a window that is no longer wanted is cancelled (same origin, end in
 * the past). The actuator restores the device at each window's end.
 */
import { makeMessage, type BodyOf, type NeutralMessage } from "../model/index.ts";
import { iso } from "./durations.ts";
import type { Batch, Recipient } from "./tracker.ts";

type WindowType = "LoadGenerationManagement" | "TemperatureProfile" | "Emergency";
export interface WindowItem { type: WindowType; body: BodyOf<WindowType>; start: number; end: number }
interface Held extends WindowItem { origin: string }

const same = (a: WindowItem, b: WindowItem) => a.type === b.type && a.start === b.start && a.end === b.end && JSON.stringify(a.body) === JSON.stringify(b.body);

export class Windows {
  private held = new Map<string, { to: Recipient; items: Held[] }>();

  constructor(private source: string, private now: () => number, private publish: (m: NeutralMessage) => Promise<unknown>) {}

  /** Makes the device hold exactly these windows under `key`; returns how many messages went out. */
  async replace(batch: Batch, key: string, to: Recipient | string, items: WindowItem[]): Promise<number> {
    const recipient: Recipient = typeof to === "string" ? { kind: "device", id: to } : to;
    const before = this.held.get(key)?.items ?? [];
    const now = this.now();
    const next: Held[] = [];
    let sent = 0;
    for (const [i, item] of items.entries()) {
      const origin = `${key}#${i}`;
      const old = before.find((h) => h.origin === origin);
      // a window already running keeps going as it is when the new plan asks for the same thing
      if (old && (same(old, item) || (old.start <= now && same({ ...old, start: item.start }, item)))) {
        next.push(old);
        continue;
      }
      await batch.send(recipient, item.type, item.body as never, { validity: { start: iso(item.start), end: iso(item.end) }, origin });
      next.push({ ...item, origin });
      sent++;
    }
    for (const old of before.filter((h) => !next.some((n) => n.origin === h.origin))) await this.end(recipient, old);
    if (next.length) this.held.set(key, { to: recipient, items: next });
    else this.held.delete(key);
    return sent;
  }

  /** Ends every window held under `key` now. */
  async cancel(key: string): Promise<number> {
    const h = this.held.get(key);
    if (!h) return 0;
    this.held.delete(key);
    for (const item of h.items) await this.end(h.to, item);
    return h.items.length;
  }

  keys(prefix = ""): string[] {
    return [...this.held.keys()].filter((k) => k.startsWith(prefix));
  }

  items(key: string): WindowItem[] {
    return this.held.get(key)?.items ?? [];
  }

  private async end(to: Recipient, item: Held) {
    const now = this.now();
    if (item.end <= now) return;
    await this.publish(makeMessage(item.type, item.body as never, {
      source: this.source, targets: [to],
      validity: { start: iso(Math.min(item.start, now - 2)), end: iso(now - 1) }, origin: { protocol: "cem", ref: item.origin },
    }) as NeutralMessage);
  }
}
