/**
 * The hub's HTTP side (express): the REST API under /api (OpenAPI document at /api/openapi.json), the live
 * stream, Prometheus metrics at /metrics, and the operator web UI at /ui/. Bound to 127.0.0.1 unless configured.
 * Every write needs the bearer token; reads are open only while the API is bound to the loopback.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Registry } from "prom-client";
import { dataDirOf } from "../config/schema.ts";
import type { Hub } from "../hub/hub.ts";
import { MessageValidationError } from "../model/index.ts";
import { adapterRoutes } from "./adapters.ts";
import { apiToken, isLoopback, loopbackHostGuard, requireToken } from "./auth.ts";
import type { ApiContext } from "./context.ts";
import { controlRoutes } from "./control.ts";
import { deviceRoutes } from "./devices.ts";
import { HttpError } from "./errors.ts";
import { eventRoutes } from "./events.ts";
import { Jobs } from "./jobs.ts";
import { EventJournal } from "./journal.ts";
import { connectFeed, LiveFeed } from "./live.ts";
import { logRoutes } from "./log.ts";
import { mappingRoutes } from "./mappings.ts";
import { hubMetrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { BuildingPower } from "./power.ts";
import { streamRoutes } from "./stream.ts";
import { uiRouter } from "./ui.ts";

export interface ApiOptions {
  /** serve reads without the token; default: only when the API is bound to the loopback */
  openReads?: boolean;
  /** building power sampling interval (ms) */
  powerSampleMs?: number;
}

export interface ApiServer {
  url: string;
  token: string;
  /** the express application (for embedding and for tests that inspect its routes) */
  app: express.Express;
  close(): Promise<void>;
}

export function buildApp(ctx: ApiContext, metrics: Registry, opts: { openReads: boolean; loopback: boolean }) {
  const { hub } = ctx;
  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.set({ "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" });
    next();
  });
  if (opts.loopback) app.use(loopbackHostGuard());
  app.use(express.json({ limit: hub.config.api.maxBodyBytes }));
  app.use(express.text({ type: ["application/yaml", "text/yaml", "text/plain"], limit: hub.config.api.maxBodyBytes }));

  const api = express.Router();
  if (!opts.openReads) api.use(ctx.write);
  api.get("/openapi.json", (_req, res) => res.json(openApiDocument(hub.config.site.id)));
  adapterRoutes(api, ctx);
  deviceRoutes(api, ctx);
  mappingRoutes(api, ctx);
  eventRoutes(api, ctx);
  logRoutes(api, ctx);
  controlRoutes(api, ctx);
  streamRoutes(api, ctx);
  app.use("/api", api);

  app.get("/metrics", ...(opts.openReads ? [] : [ctx.write]), async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.get("/", (_req, res) => res.redirect(302, "/ui/"));
  app.use("/ui", uiRouter());

  app.use((req, _res, next) => next(new HttpError(404, "NOT_FOUND", `no route ${req.method} ${req.path}`)));
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return res.status(err.status).json({ error: { code: err.code, message: err.message } });
    if (err instanceof MessageValidationError) return res.status(422).json({ error: { code: "INVALID_MESSAGE", message: err.message, issues: err.issues } });
    if (err.type === "entity.too.large") return res.status(413).json({ error: { code: "TOO_LARGE", message: `body over ${hub.config.api.maxBodyBytes} bytes` } });
    if (err.type === "entity.parse.failed") return res.status(400).json({ error: { code: "MALFORMED", message: `malformed JSON: ${err.message}` } });
    hub.logger.error({ err }, "api error");
    res.status(500).json({ error: { code: "INTERNAL", message: err.message } });
  });
  return app;
}

export async function startApi(hub: Hub, opts: ApiOptions = {}): Promise<ApiServer> {
  const cfg = hub.config.api;
  const token = apiToken(cfg.token, resolve(dataDirOf(hub.config, hub.baseDir), "api-token"));
  const loopback = isLoopback(cfg.host);
  const feed = new LiveFeed(hub.logger);
  const power = new BuildingPower(hub, feed, opts.powerSampleMs ?? 5000);
  const journal = new EventJournal(hub, feed);
  const jobs = new Jobs((job) => feed.emit("job", job));
  await journal.start();
  power.start();
  const metrics = hubMetrics(hub, power);
  const unfeed = connectFeed(hub, feed);
  const ctx: ApiContext = { hub, feed, journal, power, jobs, write: requireToken(token, hub.store) };
  const stopParts = async () => {
    unfeed();
    metrics.close();
    power.stop();
    await jobs.stop();
    await journal.stop();
  };
  let app: express.Express;
  let server: ReturnType<express.Express["listen"]>;
  try {
    app = buildApp(ctx, metrics.registry, { openReads: opts.openReads ?? loopback, loopback });
    server = app.listen(cfg.port, cfg.host);
    await once(server, "listening");
  } catch (e) {
    await stopParts();
    throw new Error(`API cannot start on ${cfg.host}:${cfg.port}: ${(e as Error).message}`, { cause: e });
  }
  const { port } = server.address() as AddressInfo;
  const host = cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host;
  return {
    url: `http://${host}:${port}`,
    token,
    app,
    close: async () => {
      await stopParts();
      await new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
    },
  };
}
