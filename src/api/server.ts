/** The hub's REST API (express): adapters, devices and live points, events, actuations, mappings, audit, messages. */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import { dataDirOf } from "../config/schema.ts";
import type { Hub } from "../hub/hub.ts";
import { evaluate, selectRule, windowOf } from "../mapping/engine.ts";
import { MappingErrors } from "../mapping/errors.ts";
import { parseTables } from "../mapping/loader.ts";
import { toRaw, ValueError } from "../mapping/values.ts";
import { MessageValidationError, validateMessage } from "../model/index.ts";
import { apiToken, requireToken } from "./auth.ts";

export interface ApiServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function buildApp(hub: Hub, token: string) {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: hub.config.api.maxBodyBytes }));
  app.use(express.text({ type: ["application/yaml", "text/yaml", "text/plain"], limit: hub.config.api.maxBodyBytes }));
  const write = requireToken(token, hub.store);
  const api = express.Router();

  api.get("/health", (_req, res) => {
    res.json({ site: hub.config.site, adapters: hub.health(), devices: hub.devices.length, activations: hub.actuator.active().length });
  });
  api.get("/adapters", (_req, res) => res.json(hub.health()));
  api.get("/devices", (_req, res) => {
    res.json(hub.bindings().map((d) => ({ ...d, points: undefined, pointCount: d.points.length, values: hub.telemetry.live.get(d.id) ?? {} })));
  });
  api.get("/devices/:id", (req, res) => {
    const d = hub.bindings().find((x) => x.id === req.params.id);
    if (!d) throw new HttpError(404, "NOT_FOUND", `no device ${req.params.id}`);
    res.json({ ...d, values: hub.telemetry.live.get(d.id) ?? {} });
  });
  api.post("/devices/:id/read", write, async (req, res) => {
    const d = hub.devices.find((x) => x.id === req.params.id);
    if (!d) throw new HttpError(404, "NOT_FOUND", `no device ${req.params.id}`);
    const values = await hub.telemetry.poll(d, d.points.filter((p) => p.access !== "w").map((p) => p.point), -1);
    res.json(values);
  });
  api.get("/devices/:id/telemetry", async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await hub.store.queryTelemetry({ device: req.params.id, ...(q.point ? { point: q.point } : {}), ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}), limit: Math.min(Number(q.limit ?? 1000), 10000) }));
  });
  api.get("/groups", (_req, res) => res.json(hub.groups.list()));
  api.put("/groups/:group", write, (req, res) => {
    const members = req.body?.members;
    if (!Array.isArray(members) || !members.every((m) => typeof m === "string")) throw new HttpError(400, "INVALID", "body needs {members: [device ids]}");
    const unknown = members.filter((m: string) => !hub.devices.some((d) => d.id === m));
    if (unknown.length) throw new HttpError(400, "INVALID", `unknown devices: ${unknown.join(", ")}`);
    const group = String(req.params.group);
    hub.groups.set(group, members);
    res.json(hub.groups.list()[group]);
  });
  api.get("/events", async (req, res) => {
    res.json(await hub.store.listEvents({ limit: Math.min(Number(req.query.limit ?? 200), 1000) }));
  });
  api.get("/actuations", (_req, res) => res.json({ active: hub.actuator.active(), recent: hub.actuator.recent.slice(-200) }));
  api.get("/audit", async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await hub.store.queryAudit({ ...(q.actor ? { actor: q.actor } : {}), ...(q.action ? { action: q.action } : {}),
      ...(q.outcome ? { outcome: q.outcome as "ok" } : {}), limit: Math.min(Number(q.limit ?? 200), 1000) }));
  });
  api.get("/mappings", (_req, res) => {
    res.json([...hub.tables.values()].map((t) => ({ table: t.table.table, protocol: t.table.protocol, deviceClass: t.table.deviceClass,
      file: t.file, triggers: Object.keys(t.table.on ?? {}), points: Object.keys(t.table.points).length })));
  });
  api.get("/mappings/*table", (req, res) => {
    const id = ([] as string[]).concat(req.params.table).join("/");
    const t = hub.tables.get(id);
    if (!t) throw new HttpError(404, "NOT_FOUND", `no mapping table ${id}`);
    res.json(t.table);
  });
  api.post("/mappings/validate", (req, res) => {
    if (typeof req.body !== "string") throw new HttpError(415, "UNSUPPORTED", "send the table as text/yaml");
    try {
      const tables = parseTables(req.body, "upload.yaml");
      res.json({ ok: true, tables: tables.map((t) => t.table.table) });
    } catch (e) {
      if (!(e instanceof MappingErrors)) throw e;
      res.status(422).json({ ok: false, errors: e.errors.map(({ line, col, field, detail }) => ({ line, col, field, message: detail })) });
    }
  });
  api.post("/mappings/dry-run", (req, res) => {
    const { table: id, message, at } = req.body ?? {};
    const t = hub.tables.get(String(id));
    if (!t) throw new HttpError(404, "NOT_FOUND", `no mapping table ${id}`);
    const msg = validateMessage(message);
    const when = at ? Date.parse(at) : Math.max(Date.now(), windowOf(msg).start);
    const rule = selectRule(t.table, msg, when);
    const evals = evaluate(t.table, msg, when);
    res.json({
      rule: rule ? { trigger: rule.trigger, index: rule.index } : null,
      window: windowOf(msg),
      writes: evals.flatMap((ev) => Object.entries(ev.points).map(([point, plan]) => {
        let raw: unknown;
        let error = plan.error;
        if (plan.value !== undefined && !error) {
          try {
            raw = toRaw(point, t.table.points[point], plan.value);
          } catch (e) {
            if (!(e instanceof ValueError)) throw e;
            error = e.message;
          }
        }
        return { kind: ev.kind, point, value: plan.value, raw, priority: ev.priority, restore: ev.kind === "while" ? ev.restore : undefined, error };
      })),
    });
  });
  api.post("/messages", write, async (req, res) => {
    const msg = { source: "operator", created: new Date().toISOString(), id: crypto.randomUUID(), ...req.body };
    const receipt = await hub.bus.publish(msg);
    await hub.store.audit({ actor: "operator", action: "message.publish", target: msg.type, outcome: "ok", detail: { id: receipt.id } });
    res.status(receipt.duplicate ? 200 : 202).json(receipt);
  });

  for (const [name, r] of hub.adapters) {
    const routes = r.adapter.routes?.();
    if (routes) api.use(`/adapters/${name}`, (req, res, next) => (req.method === "GET" ? next() : write(req, res, next)), routes);
  }
  app.use("/api", api);
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

export async function startApi(hub: Hub): Promise<ApiServer> {
  const cfg = hub.config.api;
  const token = apiToken(cfg.token, resolve(dataDirOf(hub.config, hub.baseDir), "api-token"));
  const server = buildApp(hub, token).listen(cfg.port, cfg.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const host = cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host;
  return {
    url: `http://${host}:${port}`,
    token,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
