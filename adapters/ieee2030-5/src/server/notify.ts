/**
 * Notifications to subscribers: a change of a subscribed resource queues one item per subscription (durable, in
 * order per device); delivery renders the resource as the subscriber would GET it, at that moment, and POSTs a
 * Notification to its notificationURI over mutual TLS (the server's certificate as the client certificate, the
 * subscriber's LFDI pinned). Failures back off and retry; a refusal or too many attempts drops the item, audited.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import type { SepResource } from "../codec/index.ts";
import { SepTransportError, type SepHttpClient } from "../common/http-client.ts";
import { Outbox } from "../common/outbox.ts";
import { P } from "./paths.ts";
import type { Renderer } from "./render.ts";
import { resolveGet } from "./resolve.ts";
import type { ServerState } from "./state.ts";

interface Item {
  subscription: string;
}

export interface NotifierDeps {
  state: ServerState;
  renderer: Renderer;
  store: AdapterStore;
  http: SepHttpClient;
  logger: Logger;
  baseUrl(): string;
  now(): number;
  backoff: { initialMs: number; maxMs: number };
  maxAttempts: number;
  audit(action: string, outcome: "ok" | "refused" | "failed", target: string, detail?: Record<string, unknown>): Promise<void>;
}

const channelOf = (device: string) => `notify:${device}`;

export class Notifier {
  private readonly outbox: Outbox<Item>;

  constructor(private readonly deps: NotifierDeps) {
    this.outbox = new Outbox<Item>({
      store: deps.store, logger: deps.logger, backoff: deps.backoff, maxAttempts: deps.maxAttempts,
      channels: () => [...deps.state.devices.keys()].map(channelOf),
      deliver: (item) => this.deliver(item),
      retryable: (err) => err instanceof SepTransportError && err.retryable,
      dropped: async (item, _channel, err, attempts) => {
        const sub = deps.state.subscriptions.get(item.subscription);
        if (!sub) return;
        await deps.audit("ieee2030-5.notification.dropped", "failed", sub.value.notificationURI,
          { subscription: sub.id, lfdi: sub.lfdi, attempts, error: (err as Error).message });
      },
    });
  }

  /** Queues a notification for every subscription to one of `paths`. */
  async changed(paths: readonly string[]) {
    const wanted = new Set(paths);
    for (const s of this.deps.state.subscriptions.values()) {
      if (wanted.has(s.resource)) await this.outbox.enqueue(channelOf(s.device), randomUUID(), { subscription: s.id });
    }
  }

  start() {
    this.outbox.start();
  }

  stop() {
    return this.outbox.stop();
  }

  private async deliver(item: Item) {
    const { state } = this.deps;
    const sub = state.subscriptions.get(item.subscription);
    const device = sub && state.devices.get(sub.device);
    if (!sub || !device) return;
    const now = this.deps.now();
    const found = resolveGet(this.deps.renderer, state, sub.resource, device, { s: 0, l: Math.max(1, sub.value.limit) }, now);
    const base = this.deps.baseUrl();
    const notification: SepResource<"Notification"> = {
      subscribedResource: `${base}${sub.resource}`, createdDateTime: now,
      ...(found ? { Resource: { type: found.type, value: found.value as Record<string, unknown> } } : {}),
      // 4: subscription cancelled, resource deleted
      status: found ? 0 : 4,
      subscriptionURI: `${base}${P.sub(device.id, sub.id)}`,
    };
    await this.deps.http.send("POST", sub.value.notificationURI, "Notification", notification, sub.lfdi);
  }
}
