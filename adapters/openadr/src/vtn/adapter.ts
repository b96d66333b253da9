/**
 * The OpenADR 2.0b VTN as a northbound adapter: the simpleHTTP services over mutual TLS (transport/server.ts),
 * pull and push delivery, the operator API (routes()), all state in ctx.store so that a restart loses nothing and
 * several VTN processes can share one PostgreSQL store.
 */
import type { AdapterContext, NorthboundAdapter } from "gridhub/hub";
import { OPENADR_CIPHERS, tlsOptions } from "gridhub/security";
import { startOadrServer, type OadrServer } from "../transport/server.ts";
import { vtnRouter } from "./api.ts";
import type { VtnConfig } from "./config.ts";
import { DeliveryQueues } from "./delivery.ts";
import { VenDirectory } from "./directory.ts";
import { VtnDispatcher } from "./dispatch.ts";
import { VtnOperator } from "./operator.ts";
import { Pusher } from "./push.ts";
import { isPush, type VenRecord } from "./records.ts";
import type { VtnRuntime } from "./runtime.ts";
import { VtnState } from "./state.ts";

/** A refused TLS handshake is audited at most this often per remote address (the log must not be a flood target). */
const TLS_AUDIT_INTERVAL_MS = 10_000;

export function createVtn(config: VtnConfig, ctx: AdapterContext): NorthboundAdapter & { readonly url: string | undefined } {
  const files = {
    ...config.tls,
    cert: ctx.resolvePath(config.tls.cert),
    key: ctx.resolvePath(config.tls.key),
    ca: ctx.resolvePath(config.tls.ca),
    ...(config.tls.crl !== undefined ? { crl: ([] as string[]).concat(config.tls.crl).map((f) => ctx.resolvePath(f)) } : {}),
  };
  const now = () => ctx.clock.now().getTime();
  const state = new VtnState(ctx.store, ctx.name);
  let pusher: Pusher | undefined;
  const queues = new DeliveryQueues(state, config.vtnID, now, (ven) => pusher?.kick(ven));
  const rt: VtnRuntime = {
    adapter: ctx.name, config, state, directory: new VenDirectory(config), queues, store: ctx.store,
    logger: ctx.logger, now,
  };
  const dispatcher = new VtnDispatcher(rt);
  const operator = new VtnOperator(rt);
  const tlsAudited = new Map<string, number>();
  let server: OadrServer | undefined;
  let sweep: NodeJS.Timeout | undefined;

  const onReply = async (ven: VenRecord, reply: Parameters<VtnDispatcher["handle"]>[0]) => {
    try {
      await dispatcher.handle(reply, ven.fingerprint);
    } catch (err) {
      ctx.logger.info({ venID: ven.venID, payload: reply.type, err: (err as Error).message }, "reply to a push refused");
    }
  };

  const onTlsError = (err: Error, remote: string) => {
    ctx.counters.inc("errors");
    const last = tlsAudited.get(remote) ?? 0;
    if (last + TLS_AUDIT_INTERVAL_MS > now()) return;
    tlsAudited.set(remote, now());
    void ctx.store.audit({ actor: remote || "unknown", action: "openadr.tlsRefused", outcome: "refused", detail: { reason: err.message } });
  };

  return {
    role: "northbound",
    get url() {
      return server?.url;
    },

    async start() {
      const tls = tlsOptions(files, OPENADR_CIPHERS);
      server = await startOadrServer({
        tls,
        host: config.listen.host,
        port: config.listen.port,
        maxBodyBytes: config.maxBodyBytes,
        logger: ctx.logger,
        onTlsError,
        handler: async (message, { peer }) => {
          const started = performance.now();
          ctx.counters.inc("messagesIn");
          try {
            const reply = await dispatcher.handle(message, peer.openadrFingerprint);
            ctx.counters.inc("messagesOut");
            return reply;
          } catch (err) {
            ctx.counters.inc("errors");
            throw err;
          } finally {
            ctx.counters.observe("latencyMs", performance.now() - started);
          }
        },
      });
      pusher = new Pusher(queues, {
        tls: { cert: tls.cert, key: tls.key, ca: tls.ca, ...(tls.crl ? { crl: tls.crl } : {}), ciphers: tls.ciphers, minVersion: tls.minVersion },
        timeoutMs: config.push.timeoutMs,
        retryMs: config.push.retryMs,
        maxBodyBytes: config.maxBodyBytes,
        logger: ctx.logger,
        getVen: (venID) => state.getVen(venID),
        onReply,
      });
      // push VENs with payloads left from before a restart get them now
      const waiting: string[] = [];
      for (const ven of await state.listVens()) {
        if (ven.registrationID !== undefined && isPush(ven) && (await state.queueDepth(ven.venID)) > 0) waiting.push(ven.venID);
      }
      pusher.start(waiting);
      sweep = setInterval(() => {
        state.refreshStates(now()).catch((err: Error) => ctx.logger.warn({ err: err.message }, "event state refresh failed"));
      }, config.sweepMs);
      sweep.unref();
      ctx.logger.info({ url: server.url, vtnID: config.vtnID }, "OpenADR VTN listening");
    },

    async stop() {
      clearInterval(sweep);
      pusher?.stop();
      await server?.close();
    },

    healthDetail: () => ({
      url: server?.url,
      vtnID: config.vtnID,
      requests: dispatcher.requests,
      refused: dispatcher.refused,
      pushed: pusher?.pushed ?? 0,
      pushFailures: pusher?.failures ?? 0,
    }),

    routes: () => vtnRouter(operator, ctx.name),
  };
}
