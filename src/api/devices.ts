/** Devices with their points (table definitions and live values), history, "read now", and groups. */
import type { Router } from "express";
import type { ApiContext } from "./context.ts";
import { intParam } from "./context.ts";
import { HttpError } from "./errors.ts";

export function deviceRoutes(api: Router, { hub, write }: ApiContext) {
  const bound = (id: string) => {
    const d = hub.devices.find((x) => x.id === id);
    if (!d) throw new HttpError(404, "NOT_FOUND", `no device ${id}`);
    return d;
  };

  api.get("/devices", (_req, res) => {
    res.json(hub.bindings().map((d) => ({ ...d, points: undefined, pointCount: d.points.length, values: hub.telemetry.live.get(d.id) ?? {} })));
  });
  api.get("/devices/:id", (req, res) => {
    const d = bound(req.params.id);
    const binding = hub.bindings().find((x) => x.id === d.id)!;
    const live = hub.telemetry.live.get(d.id) ?? {};
    const defs = d.loaded?.table.points ?? {};
    res.json({
      ...binding,
      values: live,
      points: binding.points.map((p) => {
        const def = defs[p.point];
        return {
          ...p, unit: def?.unit, min: def?.min, max: def?.max, poll: def?.poll, subscribe: def?.subscribe !== undefined && def.subscribe !== false,
          labels: def?.values ? Object.keys(def.values) : undefined, description: def?.description, live: live[p.point],
        };
      }),
    });
  });
  api.post("/devices/:id/read", write, async (req, res) => {
    const d = bound(String(req.params.id));
    res.json(await hub.telemetry.poll(d, d.points.filter((p) => p.access !== "w").map((p) => p.point), -1));
  });
  api.get("/devices/:id/telemetry", async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(await hub.store.queryTelemetry({ device: req.params.id, ...(q.point ? { point: q.point } : {}), ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}), limit: intParam(q.limit, 1000, 1, 10000) }));
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
}
