/**
 * Change notifications: one subscription per device session, one monitored-item group per distinct (sampling,
 * deadband) among a subscribe() call's points. node-opcua keeps the subscription through a reconnect (transfer, or
 * re-creation after a server restart); after a fresh connection this class creates everything again.
 */
import {
  AttributeIds, ClientMonitoredItemGroup, DataChangeFilter, DataChangeTrigger, DeadbandType, TimestampsToReturn,
  type ClientSession, type ClientSubscription, type DataValue, type NodeId,
} from "node-opcua";
import type { Logger } from "pino";
import { AdapterError, badValue, type PointRef, type PointValue, type Unsubscribe } from "gridhub/hub";
import { PointAddress } from "./config.ts";
import type { SessionInfo } from "./device-connection.ts";
import { chunks } from "./limits.ts";
import { decodeDataValue, type DeviceIo } from "./point-io.ts";
import { failureError, statusError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

export interface MonitorOptions {
  publishingIntervalMs: number;
  defaultSamplingMs: number;
  logger: Logger;
}

interface Watch {
  refs: PointRef[];
  onChange: (values: PointValue[]) => void;
  groups: ClientMonitoredItemGroup[];
  /** the session the groups live on */
  session?: ClientSession;
  pending: PointValue[];
  active: boolean;
}

const numeric = new Set(["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]);
const KEEP_ALIVE_MS = 5000;
const LIFETIME_MS = 60000;

/** Monitoring parameters from the point address; a deadband only on numeric points (servers refuse one on Boolean or String nodes). */
function monitoringOf(ref: PointRef, defaultSampling: number): { sampling: number; deadband: number } {
  const a = PointAddress.safeParse(ref.address);
  const sampling = a.success ? a.data.sampling ?? defaultSampling : defaultSampling;
  const deadband = a.success && numeric.has(ref.type) ? a.data.deadband ?? 0 : 0;
  return { sampling, deadband };
}

export class DeviceMonitor {
  private readonly watches = new Set<Watch>();
  private subscription?: { session: ClientSession; subscription: ClientSubscription };
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly io: DeviceIo, private readonly opts: MonitorOptions) {
    io.connection.on("session", (info) => {
      for (const w of this.watches) this.serial(() => this.install(w, info));
    });
    io.connection.on("lost", () => {
      const error = new AdapterError("UNREACHABLE", `${io.device}: connection lost, reconnecting`, true);
      for (const w of this.watches) this.emit(w, w.refs.map((r) => badValue(r, error)));
    });
  }

  get count(): number {
    return this.watches.size;
  }

  async add(refs: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe> {
    const watch: Watch = { refs, onChange, groups: [], pending: [], active: true };
    this.watches.add(watch);
    const info = await this.io.connection.ready(this.io.timeoutMs).catch(() => undefined);
    // when the device is not up yet, the "session" event installs the watch later
    if (info) await this.serial(() => this.install(watch, info));
    return () => this.remove(watch);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((err) => this.opts.logger.warn({ err, device: this.io.device }, "monitored items not set up"));
    return this.queue;
  }

  private remove(watch: Watch) {
    if (!watch.active) return;
    watch.active = false;
    this.watches.delete(watch);
    for (const g of watch.groups) {
      g.terminate().catch((err: Error) => this.opts.logger.debug({ err, device: this.io.device }, "monitored items already gone"));
    }
  }

  private async subscriptionFor(info: SessionInfo): Promise<ClientSubscription> {
    if (this.subscription?.session === info.session) return this.subscription.subscription;
    const interval = this.opts.publishingIntervalMs;
    const keepAlive = Math.max(3, Math.ceil(KEEP_ALIVE_MS / interval));
    const subscription = await withTimeout(info.session.createSubscription2({
      requestedPublishingInterval: interval,
      requestedMaxKeepAliveCount: keepAlive,
      requestedLifetimeCount: Math.max(keepAlive * 3, Math.ceil(LIFETIME_MS / interval)),
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    }), this.io.timeoutMs, `${this.io.device}: create subscription`);
    this.subscription = { session: info.session, subscription };
    return subscription;
  }

  private async install(watch: Watch, info: SessionInfo) {
    if (!watch.active || watch.session === info.session) return;
    watch.groups = [];
    const bad: PointValue[] = [];
    try {
      const subscription = await this.subscriptionFor(info);
      const resolved = await this.io.resolver.resolve(info, watch.refs, this.io.timeoutMs);
      const byParams = new Map<string, { sampling: number; deadband: number; items: { ref: PointRef; nodeId: NodeId }[] }>();
      resolved.forEach((r, i) => {
        const ref = watch.refs[i];
        if (r instanceof AdapterError) return bad.push(badValue(ref, r));
        const { sampling, deadband } = monitoringOf(ref, this.opts.defaultSamplingMs);
        const key = `${sampling}/${deadband}`;
        if (!byParams.has(key)) byParams.set(key, { sampling, deadband, items: [] });
        byParams.get(key)!.items.push({ ref, nodeId: r.nodeId });
      });
      for (const { sampling, deadband, items: all } of byParams.values()) {
        for (const items of chunks(all, info.limits.monitoredItems)) {
          const group = ClientMonitoredItemGroup.create(
            subscription,
            items.map((it) => ({ nodeId: it.nodeId, attributeId: AttributeIds.Value })),
            {
              samplingInterval: sampling,
              discardOldest: true,
              queueSize: 10,
              ...(deadband > 0 ? {
                filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: deadband }),
              } : {}),
            },
            TimestampsToReturn.Both,
          );
          // listen before the items exist: the first publish response can arrive in the same socket read as the
          // CreateMonitoredItems response, before an awaiting caller would get to attach a listener
          group.on("changed", (_item, dv: DataValue, index: number) => this.deliver(watch, items[index].ref, dv));
          watch.groups.push(group);
          await withTimeout(new Promise<void>((resolve, reject) => {
            group.once("initialized", () => resolve());
            group.once("terminated", (err?: Error) => reject(err ?? new Error("monitored items terminated")));
          }), this.io.timeoutMs, `${this.io.device}: create monitored items`);
          group.monitoredItems.forEach((mi, j) => {
            if (mi.statusCode?.isBad()) bad.push(badValue(items[j].ref, statusError(`${this.io.device}/${items[j].ref.point}`, mi.statusCode)));
          });
        }
      }
      watch.session = info.session;
    } catch (e) {
      const error = failureError(this.io.device, e);
      bad.push(...watch.refs.map((r) => badValue(r, error)));
    }
    if (bad.length) this.emit(watch, bad);
  }

  /** Notifications of one publish response arrive in one burst; they are handed over as one batch. */
  private deliver(watch: Watch, ref: PointRef, dv: DataValue) {
    if (!watch.active) return;
    watch.pending.push(decodeDataValue(ref, dv));
    if (watch.pending.length === 1) queueMicrotask(() => this.emit(watch, watch.pending.splice(0)));
  }

  private emit(watch: Watch, values: PointValue[]) {
    if (!watch.active || !values.length) return;
    try {
      watch.onChange(values);
    } catch (err) {
      this.opts.logger.warn({ err, device: this.io.device }, "subscriber failed on a change notification");
    }
  }
}
