/** Adapters and their health, discovery scans run as jobs, and the routes adapters contribute (/adapters/<name>/). */
import type { Router } from "express";
import type { Hub } from "../hub/hub.ts";
import type { ApiContext } from "./context.ts";
import { intParam } from "./context.ts";
import { HttpError } from "./errors.ts";
import { JobConflict } from "./jobs.ts";

/** Health per adapter, with what it can do (the UI offers "discover" where an adapter implements it). */
export function adaptersView(hub: Hub) {
  const health = hub.health();
  return Object.fromEntries([...hub.adapters].map(([name, r]) => [name, {
    ...health[name], capabilities: r.module.manifest.capabilities, discover: r.adapter.role === "southbound" && typeof r.adapter.discover === "function",
    devices: hub.devices.filter((d) => d.adapter === name).length,
  }]));
}

/** The configured device of an adapter at an address: the addresses agree on every field both give. */
export function configuredAt(hub: Hub, adapter: string, address: Record<string, unknown>): string | undefined {
  return hub.devices.find((d) => {
    if (d.adapter !== adapter) return false;
    const shared = Object.keys(address).filter((k) => k in d.address);
    return shared.length > 0 && shared.every((k) => JSON.stringify(d.address[k]) === JSON.stringify(address[k]));
  })?.id;
}

export function adapterRoutes(api: Router, { hub, jobs, write }: ApiContext) {
  api.get("/health", (_req, res) => {
    res.json({ site: hub.config.site, adapters: hub.health(), devices: hub.devices.length, activations: hub.actuator.active().length });
  });
  api.get("/adapters", (_req, res) => res.json(adaptersView(hub)));
  api.post("/adapters/:name/discover", write, (req, res) => {
    const r = hub.adapters.get(String(req.params.name));
    if (!r) throw new HttpError(404, "NOT_FOUND", `no adapter ${req.params.name}`);
    const adapter = r.adapter;
    if (adapter.role !== "southbound" || !adapter.discover) throw new HttpError(400, "UNSUPPORTED", `adapter ${r.name} (${r.module.manifest.protocol}) cannot discover devices`);
    const timeoutMs = intParam(req.body?.timeoutMs === undefined ? undefined : String(req.body.timeoutMs), 10_000, 100, 300_000);
    try {
      const job = jobs.discover(r.name, adapter.discover.bind(adapter), timeoutMs, (found) => configuredAt(hub, r.name, found.address));
      res.status(202).location(`/api/jobs/${job.id}`).json(job);
    } catch (e) {
      if (e instanceof JobConflict) throw new HttpError(409, "BUSY", e.message);
      throw e;
    }
  });
  api.get("/jobs", (_req, res) => res.json(jobs.list()));
  api.get("/jobs/:id", (req, res) => {
    const job = jobs.get(req.params.id);
    if (!job) throw new HttpError(404, "NOT_FOUND", `no job ${req.params.id}`);
    res.json(job);
  });
  api.delete("/jobs/:id", write, (req, res) => {
    const id = String(req.params.id);
    if (!jobs.get(id)) throw new HttpError(404, "NOT_FOUND", `no job ${id}`);
    if (!jobs.cancel(id)) throw new HttpError(409, "FINISHED", `job ${id} is not running`);
    res.status(202).json(jobs.get(id));
  });

  // after our own /adapters/:name/... routes, so that an adapter cannot shadow them; its writes need the token
  for (const [name, r] of hub.adapters) {
    const routes = r.adapter.routes?.();
    if (routes) api.use(`/adapters/${name}`, (req, res, next) => (req.method === "GET" ? next() : write(req, res, next)), routes);
  }
}
