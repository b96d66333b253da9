/**
 * createClient: the gateway as an IEEE 2030.5 EndDevice of a utility server, as a northbound adapter. Each sync
 * walks the server (discovery.ts), hands DER/DRLC events to the event book, default controls and tariffs to their
 * publishers, and keeps subscriptions; between syncs it polls at the server's pollRate, or sooner when a
 * notification arrives. Device Results become Responses, metering messages become mirror readings.
 */
import { readFileSync } from "node:fs";
import type { AdapterContext, NorthboundAdapter, Unsubscribe } from "gridhub/hub";
import { intervalMs } from "gridhub/mapping";
import { makeMessage, type Envelope } from "gridhub/model";
import { identityOf, type CertIdentity } from "gridhub/security";
import type { SepResource } from "../codec/index.ts";
import { createSepHttpClient } from "../common/http-client.ts";
import { toEpoch } from "../common/time.ts";
import { resolvedTls } from "../common/tls.ts";
import type { ClientConfig } from "../config.ts";
import type { GridMap } from "../mapping/table.ts";
import { Defaults } from "./defaults.ts";
import { discover, RegistrationError, type Snapshot } from "./discovery.ts";
import { EventBook, type TrackedEvent } from "./events.ts";
import { Metering } from "./metering.ts";
import { startListener, Subscriptions, type Listener } from "./notifications.ts";
import { Prices } from "./prices.ts";
import { Publisher } from "./publisher.ts";
import { Responses } from "./responses.ts";
import { Walker } from "./walker.ts";

export interface SepClientAdapter extends NorthboundAdapter {
  /** this EndDevice's certificate identity (LFDI, SFDI) */
  readonly identity: CertIdentity;
  events(): TrackedEvent[];
  /** the last successful walk of the server */
  snapshot(): Snapshot | undefined;
  /** walks the server now (resolves when done; a walk already running is joined) */
  syncNow(): Promise<void>;
  /** responses waiting for the server */
  pendingResponses(): Promise<number>;
  /** posts the mirror readings now instead of at the post rate */
  flushMetering(): Promise<void>;
  /** where the server sends notifications (when configured) */
  notificationUrl(): string | undefined;
}

/** list page size of the client's GETs */
const PAGE = 50;
/** notifications carry up to this many list items */
const NOTIFY_LIMIT = 100;

export function createClient(config: ClientConfig, ctx: AdapterContext): SepClientAdapter {
  const tls = resolvedTls(config.tls, ctx.resolvePath);
  const identity = identityOf(readFileSync(tls.cert, "utf8"));
  const map = ctx.gridTable(config.table) as GridMap;
  const log = ctx.logger;
  const building = config.building ?? ctx.name;
  const backoff = { initialMs: intervalMs(config.retry.initial), maxMs: intervalMs(config.retry.max) };
  const http = createSepHttpClient({
    tls, timeoutMs: intervalMs(config.http.timeout), maxResponseBytes: config.http.maxBodyBytes,
    ...(config.serverLfdi ? { peerLfdi: config.serverLfdi } : {}),
    observe: (ms, error) => {
      ctx.counters.inc("messagesOut");
      if (!error) ctx.counters.observe("latencyMs", ms);
      else if (error.kind === "timeout") ctx.counters.inc("timeouts");
    },
  });
  const walker = new Walker(http, config.server, PAGE);
  let offsetMs = 0;
  const serverNow = () => ctx.clock.now().getTime() + offsetMs;
  const toLocal = (serverMs: number) => serverMs - offsetMs;
  let snapshot: Snapshot | undefined;
  let listener: Listener | undefined;
  let syncing: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let drifting = false;
  let stopped = false;
  const unsubs: Unsubscribe[] = [];

  const responses = new Responses({ store: ctx.store, http, logger: log, backoff, ready: () => snapshot !== undefined });
  const respond = (subject: string, url: string | undefined, type: "DERControlResponse" | "DrResponse" | "PriceResponse", status: number) =>
    url ? responses.post({ url, type, value: { createdDateTime: toEpoch(serverNow()), endDeviceLFDI: identity.lfdi, status, subject } }) : undefined;
  const publisher = new Publisher({ bus: ctx.bus, logger: log, name: ctx.name, targets: config.targets });
  const curve = (href: string) => snapshot?.curves.get(walker.url(href));
  const book = new EventBook({
    store: ctx.store, publisher, logger: log, name: ctx.name, map, building, commandDevices: config.commandDevices,
    ...(config.der.setMaxW ? { setMaxW: config.der.setMaxW } : {}),
    ...(config.deviceCategory ? { deviceCategory: parseInt(config.deviceCategory, 16) } : {}),
    randomize: config.randomize, random: Math.random, serverNow, toLocal, url: (h) => walker.url(h), curve,
    respond: async (ev, status) => {
      if (EventBook.wanted(ev, status)) await respond(ev.mRID, ev.replyTo, ev.kind === "der" ? "DERControlResponse" : "DrResponse", status);
    },
  });
  const defaults = new Defaults({
    store: ctx.store, publisher, logger: log, map, building, commandDevices: config.commandDevices, curve,
    ...(config.der.setMaxW ? { setMaxW: config.der.setMaxW } : {}), localNow: () => ctx.clock.now().getTime(),
  });
  const prices = new Prices({
    store: ctx.store, publisher, logger: log, table: map.pricing, toLocal, serverNow,
    acknowledge: async (tti) => void await respond(tti.mRID, tti.replyTo && walker.url(tti.replyTo), "PriceResponse", 1),
  });
  const metering = new Metering({
    http, store: ctx.store, logger: log, lfdi: identity.lfdi, postRateMs: intervalMs(config.metering.postRate),
    listUrl: () => (snapshot?.dcap.MirrorUsagePointListLink ? walker.url(snapshot.dcap.MirrorUsagePointListLink.href) : undefined),
    now: () => toEpoch(serverNow()),
  });
  const subscriptions = new Subscriptions({ http, store: ctx.store, logger: log });

  async function checkClock(s: Snapshot) {
    if (s.clockOffsetMs === undefined) return;
    offsetMs = s.clockOffsetMs;
    const off = Math.abs(offsetMs) > intervalMs(config.clockDrift);
    if (off && !drifting) {
      await ctx.bus.publish(makeMessage("Warning", {
        scope: { kind: "building", id: building }, kind: "clock-drift",
        detail: `the 2030.5 server's clock is ${Math.round(offsetMs / 1000)} s from this hub's; events follow the server's`,
      }, { source: publisher.source }));
    }
    drifting = off;
  }

  async function subscribe(s: Snapshot) {
    const subList = s.endDevice.SubscriptionListLink;
    if (!listener || !subList) return;
    const lists = [...s.der, ...s.drlc].map((p) => p.list).filter((l) => l?.subscribable).map((l) => l!.href);
    if (s.fsaList?.subscribable) lists.push(s.fsaList.href);
    for (const href of lists) {
      try {
        await subscriptions.ensure(href, walker.url(subList.href), listener.url, NOTIFY_LIMIT);
      } catch (err) {
        log.warn({ resource: href, err: (err as Error).message }, "subscription refused; polling covers it");
      }
    }
  }

  async function walk() {
    const s = await discover(walker, config.server, {
      lfdi: identity.lfdi, sfdi: Number(identity.sfdi), now: () => toEpoch(serverNow()),
      ...(config.pin !== undefined ? { pin: config.pin } : {}), ...(config.deviceCategory ? { deviceCategory: config.deviceCategory } : {}),
    });
    await checkClock(s);
    snapshot = s;
    responses.retryNow();
    await book.sync("der", s.der, true);
    await book.sync("drlc", s.drlc, true);
    await defaults.sync(s.der);
    await prices.sync(s.rates);
    await subscribe(s);
  }

  function schedule(ms: number) {
    clearTimeout(pollTimer);
    if (!stopped) pollTimer = setTimeout(() => void syncNow().catch(() => undefined), ms);
  }

  function syncNow(): Promise<void> {
    syncing ??= (async () => {
      try {
        await walk();
        failures = 0;
        ctx.setHealth("up");
        schedule(config.pollRate ? intervalMs(config.pollRate) : snapshot!.pollRate * 1000);
      } catch (err) {
        failures++;
        ctx.counters.inc("errors");
        ctx.setHealth(err instanceof RegistrationError ? "down" : "degraded", err as Error);
        log.warn({ err: (err as Error).message, failures }, "2030.5 server walk failed");
        schedule(Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1)));
        throw err;
      }
    })().finally(() => (syncing = undefined));
    return syncing;
  }

  /**
   * A notification: a complete event list is taken as is; anything else is a reason to walk again now (a
   * subscription the server ended, status other than 0, is made again by that walk).
   */
  async function notified(n: SepResource<"Notification">) {
    ctx.counters.inc("messagesIn");
    if (n.status !== 0) await subscriptions.forget(walker.url(n.subscribedResource));
    const res = n.Resource;
    const program = [...(snapshot?.der ?? []), ...(snapshot?.drlc ?? [])].find((p) => p.list?.href === walker.url(n.subscribedResource));
    const value = res?.value as { all?: number; results?: number; DERControl?: unknown[]; EndDeviceControl?: unknown[] } | undefined;
    if (program && value && n.status === 0 && value.all === value.results) {
      if (res!.type === "DERControlList") {
        await book.sync("der", [{ ...program, controls: (value.DERControl ?? []) as SepResource<"DERControl">[] }], false);
        return;
      }
      if (res!.type === "EndDeviceControlList") {
        await book.sync("drlc", [{ ...program, controls: (value.EndDeviceControl ?? []) as SepResource<"EndDeviceControl">[] }], false);
        return;
      }
    }
    void syncNow().catch(() => undefined);
  }

  return {
    role: "northbound",
    identity,
    async start() {
      await book.load();
      unsubs.push(ctx.bus.subscribe({ types: ["Result"] }, (m) => book.onResult(m as Envelope<"Result">)));
      if (config.metering.enabled) {
        unsubs.push(ctx.bus.subscribe({ types: ["InstantaneousPower", "Metering", "Telemetry"] },
          (m) => metering.ingest(m as Envelope<"InstantaneousPower"> | Envelope<"Metering"> | Envelope<"Telemetry">)));
        metering.start();
      }
      if (config.notifications) {
        listener = await startListener({
          tls, host: config.notifications.host, port: config.notifications.port, maxBodyBytes: config.http.maxBodyBytes, logger: log,
          ...(config.notifications.url ? { url: config.notifications.url } : {}),
          serverLfdi: () => config.serverLfdi ?? http.peer()?.lfdi, onNotification: notified,
        });
      }
      responses.start();
      ctx.setHealth("degraded", "not synchronised with the 2030.5 server yet");
      void syncNow().catch(() => undefined);
    },
    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      for (const u of unsubs.splice(0)) u();
      await syncing?.catch(() => undefined);
      await book.stop();
      await metering.stop();
      await responses.stop();
      await listener?.close();
      http.close();
    },
    healthDetail: () => ({
      server: config.server, lfdi: identity.lfdi, sfdi: identity.sfdi,
      ...(snapshot ? { endDevice: snapshot.endDevice.href, clockOffsetMs: offsetMs, derPrograms: snapshot.der.length, drPrograms: snapshot.drlc.length } : { registered: false }),
      events: book.list().filter((e) => e.state === "scheduled" || e.state === "active").length,
      ...(listener ? { notificationUrl: listener.url } : {}),
    }),
    events: () => book.list(),
    snapshot: () => snapshot,
    syncNow,
    pendingResponses: () => responses.depth(),
    flushMetering: () => metering.flush(),
    notificationUrl: () => listener?.url,
  };
}
