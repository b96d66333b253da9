/**
 * createServer: the 2030.5 server role as a northbound adapter. It serves DeviceCapability, Time, EndDevices,
 * function set assignments, DER and DRLC programs with their events, tariffs, mirror usage points, responses and
 * subscriptions to downstream clients over mutual TLS, notifies subscribers, and gives the operator a REST API.
 */
import { once } from "node:events";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { AdapterContext, NorthboundAdapter } from "gridhub/hub";
import { intervalMs } from "gridhub/mapping";
import { sfdiOf } from "gridhub/security";
import { createSepHttpClient } from "../common/http-client.ts";
import { toEpoch } from "../common/time.ts";
import { resolvedTls, sepTls } from "../common/tls.ts";
import type { ServerConfig } from "../config.ts";
import { serverRouter } from "./api.ts";
import { sepApp } from "./app.ts";
import { Notifier } from "./notify.ts";
import { ServerOperator } from "./operator.ts";
import { Renderer } from "./render.ts";
import { ServerState } from "./state.ts";

export interface SepServerAdapter extends NorthboundAdapter {
  /** https://host:port of the running server (no trailing slash) */
  url(): string;
  readonly operator: ServerOperator;
}

export function createServer(config: ServerConfig, ctx: AdapterContext): SepServerAdapter {
  const tls = resolvedTls(config.tls, ctx.resolvePath);
  const now = () => toEpoch(ctx.clock.now().getTime());
  const state = new ServerState(ctx.store, ctx.name);
  const renderer = new Renderer(state, { pollRate: config.pollRate, name: ctx.name });
  const audit = (action: string, outcome: "ok" | "refused" | "failed", target: string, detail?: Record<string, unknown>) =>
    ctx.store.audit({ action, outcome, target, ...(detail ? { detail } : {}) });
  const http = createSepHttpClient({ tls, timeoutMs: intervalMs(config.notifications.timeout), maxResponseBytes: 64 * 1024, maxSockets: 8 });
  let server: Server | undefined;
  let baseUrl = config.url?.replace(/\/+$/, "") ?? "";

  const notifier = new Notifier({
    state, renderer, store: ctx.store, http, logger: ctx.logger, now, baseUrl: () => baseUrl,
    backoff: { initialMs: intervalMs(config.notifications.retry.initial), maxMs: intervalMs(config.notifications.retry.max) },
    maxAttempts: config.notifications.maxAttempts, audit,
  });
  const retainS = Math.round(intervalMs(config.retainEvents) / 1000);
  const operator = new ServerOperator({
    state, renderer, now, changed: (paths) => {
      state.prune(now() - retainS);
      return notifier.changed(paths);
    },
    audit: (action, target, actor, detail) => ctx.store.audit({ actor, action, target, outcome: "ok", ...(detail ? { detail } : {}) }),
  });

  async function enrolConfigured() {
    for (const d of config.devices) {
      const known = state.deviceByLfdi(d.lfdi);
      const next = {
        id: known?.id ?? state.nextId("devices"), lfdi: d.lfdi, sfdi: Number(sfdiOf(d.lfdi)), changedTime: known?.changedTime ?? now(),
        ...(known?.registered !== undefined ? { registered: known.registered } : {}),
        ...(d.pin !== undefined ? { pin: d.pin } : {}), ...(d.description ? { description: d.description } : {}),
      };
      if (JSON.stringify(next) !== JSON.stringify(known)) await state.putDevice(next);
    }
  }

  return {
    role: "northbound",
    operator,
    url: () => baseUrl,
    async start() {
      await state.load();
      state.prune(now() - retainS);
      await enrolConfigured();
      const app = sepApp({
        state, renderer, logger: ctx.logger, enrolment: config.enrolment, maxListLimit: config.maxListLimit,
        maxBodyBytes: config.maxBodyBytes, now, audit,
        counted: (o) => ctx.counters.inc(o === "in" ? "messagesIn" : "errors"),
      });
      // the handshake accepts any certificate so that a bad one gets a 403 naming why, never a resource
      server = createHttpsServer({ ...sepTls(tls), rejectUnauthorized: false }, app);
      server.keepAliveTimeout = 65_000;
      server.on("tlsClientError", (err: Error, socket: Socket) => ctx.logger.warn({ remote: socket.remoteAddress, err: err.message }, "TLS handshake failed"));
      server.listen(config.port, config.host);
      await once(server, "listening");
      const { port, address } = server.address() as AddressInfo;
      if (!config.url) baseUrl = `https://${address.includes(":") ? `[${address}]` : address}:${port}`;
      notifier.start();
      ctx.setHealth("up");
      ctx.logger.info({ url: baseUrl }, "2030.5 server listening");
    },
    async stop() {
      await notifier.stop();
      if (server) {
        const s = server;
        server = undefined;
        await new Promise<void>((ok) => {
          s.close(() => ok());
          s.closeAllConnections();
        });
      }
      http.close();
    },
    healthDetail: () => ({
      url: baseUrl, devices: state.devices.size, derPrograms: state.derPrograms.size, drPrograms: state.drPrograms.size,
      controls: state.controls.size, subscriptions: state.subscriptions.size, responses: state.responses.size,
    }),
    routes: () => serverRouter(operator, () => ({ url: baseUrl, dcap: `${baseUrl}/dcap`, enrolment: config.enrolment })),
  };
}
