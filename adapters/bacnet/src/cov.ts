/**
 * COV subscriptions for `subscribe:` points. Points on present-value or status-flags are subscribed per object
 * with SubscribeCOV (one subscriber process id per subscribe() call), renewed at half their lifetime, and
 * re-established as soon as a device that went silent answers again. Objects whose device refuses or does not
 * answer SubscribeCOV, and points on other properties, are polled instead; polling reports only changes, and
 * every renewal round tries COV again.
 */
import type { Logger } from "pino";
import { AdapterError, badValue, goodValue, pointKey, type PointRef, type PointValue, type Unsubscribe } from "gridhub/hub";
import type { Directory } from "./directory.ts";
import { PropertyIdentifier as P } from "./lib.ts";
import { formatObjectId } from "./names.ts";
import { resolvePoint, type BacnetPoint } from "./points.ts";
import type { Reader } from "./reader.ts";
import type { BacnetStack, CovNotification } from "./stack.ts";
import { decodeValue } from "./values.ts";

export interface CovOptions {
  lifetimeSeconds: number;
  confirmed: boolean;
  pollIntervalMs: number;
}

interface Group {
  instance: number;
  object: BacnetPoint["objectId"];
  points: BacnetPoint[];
  mode: "cov" | "poll";
  /** SubscribeCOV has been tried at least once */
  tried: boolean;
}

interface Subscription {
  processId: number;
  groups: Map<string, Group>;
  /** points COV cannot carry (other properties, array elements) */
  polled: BacnetPoint[];
  onChange: (values: PointValue[]) => void;
  last: Map<string, string>;
  timers: NodeJS.Timeout[];
}

const covProperties = new Set<number>([P.PRESENT_VALUE, P.STATUS_FLAGS]);

export class CovManager {
  private readonly subs = new Map<number, Subscription>();
  private nextProcessId = 1;

  constructor(
    private readonly stack: BacnetStack,
    private readonly directory: Directory,
    private readonly reader: Reader,
    private readonly options: CovOptions,
    private readonly log: Logger,
  ) {
    stack.on("cov", (n) => this.onNotification(n));
    directory.on("online", (instance) => {
      for (const sub of this.subs.values()) {
        for (const g of sub.groups.values()) if (g.instance === instance) void this.establish(sub, g);
      }
    });
  }

  /** how many objects are followed by COV and by polling */
  counts(): { cov: number; polled: number } {
    let cov = 0;
    let polled = 0;
    for (const s of this.subs.values()) {
      for (const g of s.groups.values()) {
        if (g.mode === "cov") cov++;
        else polled++;
      }
      polled += s.polled.length;
    }
    return { cov, polled };
  }

  async subscribe(refs: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe> {
    const sub: Subscription = { processId: this.nextProcessId++, groups: new Map(), polled: [], onChange, last: new Map(), timers: [] };
    const bad: PointValue[] = [];
    for (const ref of refs) {
      let point: BacnetPoint;
      try {
        point = resolvePoint(ref);
      } catch (e) {
        bad.push(badValue(ref, e as AdapterError));
        continue;
      }
      if (point.address) this.directory.configure(point.instance, point.address);
      if (!covProperties.has(point.propertyId) || point.index !== undefined) {
        sub.polled.push(point);
        continue;
      }
      const key = `${point.instance}/${formatObjectId(point.objectId)}`;
      const group = sub.groups.get(key) ?? { instance: point.instance, object: point.objectId, points: [], mode: "poll" as const, tried: false };
      group.points.push(point);
      sub.groups.set(key, group);
    }
    this.subs.set(sub.processId, sub);
    if (bad.length) onChange(bad);
    await Promise.all([...sub.groups.values()].map((g) => this.establish(sub, g)));
    await this.poll(sub);
    // stopped meanwhile: no timers for a subscription that is gone
    if (!this.subs.has(sub.processId)) return () => undefined;
    const renewMs = Math.max(500, (this.options.lifetimeSeconds * 1000) / 2);
    sub.timers.push(setInterval(() => {
      for (const g of sub.groups.values()) void this.establish(sub, g);
    }, renewMs));
    sub.timers.push(setInterval(() => void this.poll(sub), this.options.pollIntervalMs));
    return () => {
      void this.cancel(sub);
    };
  }

  /** cancels every subscription; waits at most for one round of cancellations */
  async stop(): Promise<void> {
    await Promise.all([...this.subs.values()].map((s) => this.cancel(s)));
  }

  private async cancel(sub: Subscription): Promise<void> {
    if (!this.subs.delete(sub.processId)) return;
    sub.timers.forEach(clearInterval);
    await Promise.allSettled([...sub.groups.values()].filter((g) => g.mode === "cov").map(async (g) => {
      const device = this.directory.get(g.instance);
      if (!device.address) return;
      await this.stack.subscribeCov(device.address, `device ${g.instance} cancel COV on ${formatObjectId(g.object)}`, g.object, sub.processId, true, false, 0);
    }));
  }

  /** SubscribeCOV (or its renewal); on failure the group is polled until a later round succeeds */
  private async establish(sub: Subscription, g: Group): Promise<void> {
    const what = `device ${g.instance} SubscribeCOV ${formatObjectId(g.object)}`;
    try {
      const device = await this.directory.resolve(g.instance);
      await this.stack.subscribeCov(device.address!, what, g.object, sub.processId, false, this.options.confirmed, this.options.lifetimeSeconds);
      this.directory.succeeded(g.instance);
      if (g.mode === "poll" && g.tried) this.log.info({ device: g.instance, object: formatObjectId(g.object) }, "COV subscription re-established");
      g.mode = "cov";
    } catch (e) {
      if (!(e instanceof AdapterError)) throw e;
      if (!this.subs.has(sub.processId)) return;
      this.directory.failed(g.instance, e);
      if (g.mode === "cov" || !g.tried) this.log.warn({ err: e.message }, "COV refused or unanswered: polling instead");
      g.mode = "poll";
    } finally {
      g.tried = true;
    }
  }

  private async poll(sub: Subscription): Promise<void> {
    const points = [...sub.polled, ...[...sub.groups.values()].filter((g) => g.mode === "poll").flatMap((g) => g.points)];
    if (!points.length) return;
    const values = await this.reader.read(points.map((p) => p.ref));
    if (this.subs.has(sub.processId)) this.emitChanges(sub, values);
  }

  private emitChanges(sub: Subscription, values: PointValue[]) {
    const changed = values.filter((v) => {
      const sig = JSON.stringify([v.value, v.quality, v.error?.code]);
      const key = pointKey(v);
      if (sub.last.get(key) === sig) return false;
      sub.last.set(key, sig);
      return true;
    });
    if (changed.length) sub.onChange(changed);
  }

  private onNotification(n: CovNotification) {
    const sub = this.subs.get(n.processId);
    const group = sub?.groups.get(`${n.deviceInstance}/${formatObjectId(n.objectId)}`);
    if (!sub || !group) return;
    const values: PointValue[] = [];
    for (const point of group.points) {
      const entry = n.values.find((v) => v.property.id === point.propertyId);
      if (!entry) continue;
      try {
        values.push(goodValue(point.ref, decodeValue(entry.value, point.ref.type)));
      } catch (e) {
        values.push(badValue(point.ref, e as AdapterError));
      }
    }
    if (values.length) this.emitChanges(sub, values);
  }
}
