/**
 * createVen: the OpenADR 2.0b VEN (B profile, simpleHTTP, push or pull) as a northbound adapter. Wiring only:
 * the conversation with the VTN is session.ts; events, reports, opts, registration, outbox and polling have
 * their own modules.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { AdapterContext, NorthboundAdapter, Unsubscribe } from "gridhub/hub";
import { intervalMs, loadAllTableDirs, type MappingTable } from "gridhub/mapping";
import type { NeutralMessage } from "gridhub/model";
import { identityOf, OPENADR_CIPHERS, tlsOptions, type CertIdentity, type TlsFiles } from "gridhub/security";
import { OadrResponseCode, type OptReason, type OptType, type Period } from "../codec/index.ts";
import { createOadrClient } from "../transport/client.ts";
import { OadrServiceError, startOadrServer, type OadrServer } from "../transport/server.ts";
import { buildCatalogue, type Catalogue } from "./catalogue.ts";
import type { VenConfig } from "./config.ts";
import { EventService, type EventView } from "./events.ts";
import { OptService, type OptSchedule } from "./opt.ts";
import { Outbox, type Outgoing } from "./outbox.ts";
import { Poller } from "./poll.ts";
import { RegistrationService, type Registration } from "./registration.ts";
import { ReportService } from "./reports.ts";
import { ok, VtnSession } from "./session.ts";
import { SignalMap } from "./signal-map.ts";
import type { TargetScope } from "./targets.ts";
import { msOf } from "./time.ts";

export interface VenAdapter extends NorthboundAdapter {
  /** this VEN's certificate identity (its OpenADR fingerprint is the default venID) */
  readonly identity: CertIdentity;
  registration(): Registration | undefined;
  events(): EventView[];
  /** reportRequestIDs of the periodic reports running */
  pendingReports(): string[];
  optSchedules(): OptSchedule[];
  /** payloads waiting for the VTN */
  queueDepth(): Promise<number>;
  /** push mode: the URL the VTN posts to */
  pushUrl(): string | undefined;
  /** availability schedule (oadrCreateOpt with vavailability); resolves with its optID */
  createOptSchedule(s: { optType: OptType; optReason: OptReason; windows: Period[]; marketContext?: string }): Promise<string>;
  cancelOptSchedule(optID: string): Promise<void>;
  /** the operator's optIn/optOut for one event (oadrCreateOpt with qualifiedEventID) */
  optEvent(eventID: string, optType: OptType, reason?: OptReason): Promise<void>;
  cancelRegistration(): Promise<void>;
}

function resolvedTls(tls: TlsFiles, resolvePath: (p: string) => string): TlsFiles {
  return {
    ...tls, cert: resolvePath(tls.cert), key: resolvePath(tls.key), ca: resolvePath(tls.ca),
    ...(tls.crl !== undefined ? { crl: ([] as string[]).concat(tls.crl).map(resolvePath) } : {}),
  };
}

export function createVen(config: VenConfig, ctx: AdapterContext): VenAdapter {
  const tls = resolvedTls(config.tls, ctx.resolvePath);
  const identity = identityOf(readFileSync(tls.cert, "utf8"));
  const parsed = SignalMap.safeParse(ctx.gridTable(config.signalTable));
  if (!parsed.success) throw new Error(`grid table ${config.signalTable}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const table = parsed.data;
  const { logger: log, store } = ctx;
  const now = () => ctx.clock.now();
  const backoff = { initial: intervalMs(config.retry.initial), max: intervalMs(config.retry.max) };
  const unsubs: Unsubscribe[] = [];
  let push: OadrServer | undefined;
  let catalogue: Catalogue = { usage: new Map(), status: new Map() };

  const client = createOadrClient({
    vtnUrl: config.vtnUrl, tls, timeoutMs: intervalMs(config.http.timeout), maxResponseBytes: config.http.maxBodyBytes,
    ...(config.vtnFingerprint ? { vtnFingerprint: config.vtnFingerprint } : {}),
  });
  const registration = new RegistrationService({
    client, store, logger: log, now, venName: config.venName, proposedVenID: config.venID ?? identity.openadrFingerprint,
    transportAddress: () => (config.push ? config.push.url ?? push?.url : undefined),
  });
  const venID = () => registration.current()?.venID ?? config.venID ?? identity.openadrFingerprint;
  const outbox: Outbox = new Outbox({
    store, channel: "vtn", logger: log, initialBackoffMs: backoff.initial, maxBackoffMs: backoff.max,
    ready: () => registration.current() !== undefined, deliver: (item): Promise<void> => session.deliver(item),
  });
  const send = (id: string, item: Outgoing): Promise<boolean> => outbox.enqueue(id, item);
  const opts = new OptService({ store, now, venID, send });
  const targetScope = (): TargetScope => {
    const devices = ctx.allDevices();
    return {
      venID: venID(), table: table.targets,
      resourceIDs: new Set(config.targets.resourceIDs ?? [...devices.map((d) => d.id), ...Object.keys(table.targets.resourceID.map ?? {})]),
      groupIDs: new Set(config.targets.groupIDs ?? [...devices.flatMap((d) => d.groups), ...Object.keys(table.targets.groupID.map ?? {})]),
    };
  };
  const events = new EventService({
    store, bus: ctx.bus, logger: log, now, random: Math.random, name: ctx.name, source: `openadr:${ctx.name}`,
    building: config.venName, table, ...(config.marketContexts ? { marketContexts: config.marketContexts } : {}),
    targets: targetScope, opts,
    respond: async (eventResponses) => {
      await send(`createdEvent:${randomUUID()}`, { service: "EiEvent", message: {
        // 2.0b: the eiResponse requestID stays empty when eventResponses carry their own
        type: "oadrCreatedEvent", eiResponse: ok(""), eventResponses, venID: venID(),
      } });
    },
  });
  const reports = new ReportService({
    store, logger: log, now, catalogue: () => catalogue, readPoints: (refs) => ctx.readPoints(refs), send, venID,
    minPeriodMs: msOf(config.reports.minPeriod), manualOverride: (device) => events.notFollowing(device),
  });
  const session: VtnSession = new VtnSession({ ctx, config, client, registration, events, reports, outbox: () => outbox, catalogue: () => catalogue, venID, backoff });
  const poller = new Poller({
    logger: log, poll: () => session.poll(),
    intervalMs: () => (config.pollInterval ? intervalMs(config.pollInterval) : registration.current()?.pollFreqMs ?? 10_000),
  });

  /** The device tables (for the units of METADATA): the same directories the hub reads. */
  function loadTables(): Map<string, MappingTable> {
    const dirs = config.mappings.map((d) => ctx.resolvePath(d)).filter((d) => existsSync(d));
    return new Map([...loadAllTableDirs(dirs).device].map(([id, t]) => [id, t.table]));
  }

  async function startPush(p: NonNullable<VenConfig["push"]>) {
    push = await startOadrServer({
      tls: { ...tlsOptions(tls, OPENADR_CIPHERS), maxVersion: tls.minVersion === "TLSv1.3" ? "TLSv1.3" : "TLSv1.2" },
      host: p.host, port: p.port, maxBodyBytes: config.http.maxBodyBytes, logger: log,
      handler: (m, { peer }) => {
        // any certificate of the trusted PKI gets a TLS session; only the VTN's may post here
        const vtn = config.vtnFingerprint ?? client.vtnIdentity()?.openadrFingerprint;
        if (!vtn || peer.openadrFingerprint.toUpperCase() !== vtn.toUpperCase()) {
          throw new OadrServiceError(OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED, `${peer.subject} is not the VTN of this VEN`);
        }
        return session.fromVtn(m, "push");
      },
    });
  }

  return {
    role: "northbound",
    identity,
    async start() {
      catalogue = buildCatalogue(ctx.allDevices(), loadTables(), config.reports.powerAttributes);
      await registration.load();
      await opts.load();
      await events.load();
      await reports.load();
      unsubs.push(ctx.bus.subscribe({ types: ["Result"] }, (m) => events.onResult(m)));
      unsubs.push(ctx.bus.subscribe({ types: ["Telemetry", "DeviceStatus"] }, (m) => reports.ingest(m as NeutralMessage)));
      if (config.push) await startPush(config.push);
      outbox.start();
      if (!config.push) poller.start();
      void session.connect();
    },
    async stop() {
      const stopping = [session.stop(), poller.stop(), outbox.stop()];
      events.stop();
      reports.stop();
      for (const u of unsubs.splice(0)) u();
      // requests in flight end now rather than at their timeout
      client.close();
      await Promise.all(stopping);
      await push?.close();
    },
    healthDetail: () => {
      const reg = registration.current();
      return {
        mode: config.push ? "push" : "pull", fingerprint: identity.openadrFingerprint, venID: venID(),
        ...(reg ? { vtnID: reg.vtnID, registrationID: reg.registrationID } : { registered: false }),
        ...(push ? { pushUrl: config.push?.url ?? push.url } : {}),
        events: events.list().length, pendingReports: reports.pending().length,
      };
    },
    registration: () => registration.current(),
    events: () => events.list(),
    pendingReports: () => reports.pending(),
    optSchedules: () => opts.list(),
    queueDepth: () => outbox.depth(),
    pushUrl: () => (push ? config.push?.url ?? push.url : undefined),
    createOptSchedule: (s) => opts.createSchedule(s),
    cancelOptSchedule: (optID) => opts.cancel(optID),
    optEvent: (eventID, optType, reason = optType === "optIn" ? "participating" : "notParticipating") => events.setOpt(eventID, optType, reason),
    async cancelRegistration() {
      await registration.cancel();
      await session.unregistered("cancelled by the VEN");
    },
  };
}
