/** Mapping tables: list, show, validate an uploaded table, and dry-run a neutral message against a table (no writes). */
import type { Router } from "express";
import type { BoundDevice } from "../hub/bindings.ts";
import type { Hub } from "../hub/hub.ts";
import { evaluate, selectRule, windowOf } from "../mapping/engine.ts";
import { MappingErrors } from "../mapping/errors.ts";
import { parseTables } from "../mapping/loader.ts";
import { fromRaw, toRaw, ValueError, type EngValue } from "../mapping/values.ts";
import { validateMessage } from "../model/index.ts";
import type { ApiContext } from "./context.ts";
import { HttpError } from "./errors.ts";

export function mappingRoutes(api: Router, { hub, write }: ApiContext) {
  api.get("/mappings", (_req, res) => {
    res.json([...hub.tables.values()].map((t) => ({ table: t.table.table, protocol: t.table.protocol, deviceClass: t.table.deviceClass,
      file: t.file, triggers: Object.keys(t.table.on ?? {}), points: Object.keys(t.table.points).length,
      devices: hub.devices.filter((d) => d.table === t.table.table).map((d) => d.id) })));
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
  // a dry run writes nothing, but against a device it reads the device: like "read now", it needs the token
  api.post("/mappings/dry-run", write, async (req, res) => res.json(await dryRun(hub, req.body ?? {})));
}

/** A device's current engineering values of the read-write points a trigger's rules touch (what `from: current` uses). */
async function currentValues(hub: Hub, device: BoundDevice, trigger: string): Promise<Record<string, EngValue | null>> {
  const table = device.loaded!.table;
  const touched = new Set((table.on?.[trigger] ?? []).flatMap((r) => [...Object.keys(r.while ?? {}), ...Object.keys(r.set ?? {})]));
  const refs = device.points.filter((p) => touched.has(p.point) && p.access === "rw");
  const values = refs.length ? await hub.readPoints(refs) : [];
  const live = hub.telemetry.live.get(device.id) ?? {};
  const out: Record<string, EngValue | null> = Object.fromEntries(Object.entries(live).map(([k, v]) => [k, v.value]));
  for (const v of values) if (v.quality !== "bad") out[v.point] = fromRaw(table.points[v.point], v.value);
  return out;
}

/**
 * What a message would make one table write, and the raw values the adapter would receive, computed by the
 * actuator's own engine; nothing is written. Against a device, the points the rule takes over are read first (as
 * the actuator does), so that `from: current` has values. Envelope fields the operator leaves out (id, source,
 * created, targets) get neutral defaults.
 */
async function dryRun(hub: Hub, input: { table?: unknown; device?: unknown; message?: unknown; at?: unknown }) {
  const device = input.device === undefined ? undefined : hub.devices.find((d) => d.id === String(input.device));
  if (input.device !== undefined && !device) throw new HttpError(404, "NOT_FOUND", `no device ${input.device}`);
  if (device && !device.loaded) throw new HttpError(400, "INVALID", `device ${device.id} has no mapping table`);
  const id = device?.table ?? String(input.table);
  const t = hub.tables.get(id);
  if (!t) throw new HttpError(404, "NOT_FOUND", `no mapping table ${id}`);
  if (typeof input.message !== "object" || input.message === null) throw new HttpError(400, "INVALID", "body needs {table or device, message}");
  const msg = validateMessage({ id: "dry-run", source: "operator", created: new Date().toISOString(), targets: [{ kind: "all" }], ...input.message });
  const when = typeof input.at === "string" ? Date.parse(input.at) : Math.max(Date.now(), windowOf(msg).start);
  if (Number.isNaN(when)) throw new HttpError(400, "INVALID", "at must be an ISO 8601 date-time");
  const rule = selectRule(t.table, msg, when);
  const current = device && rule ? await currentValues(hub, device, rule.trigger) : {};
  const sourceOf = (kind: "set" | "while", point: string) => {
    const expr = rule?.rule[kind]?.[point];
    return typeof expr === "object" && expr !== null && "from" in expr ? expr.from : undefined;
  };
  return {
    table: id,
    ...(device ? { device: device.id } : {}),
    rule: rule ? { trigger: rule.trigger, index: rule.index, description: rule.rule.description } : null,
    window: windowOf(msg),
    writes: evaluate(t.table, msg, when, current).flatMap((ev) => Object.entries(ev.points).map(([point, plan]) => {
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
      return { kind: ev.kind, point, value: plan.value, raw, from: sourceOf(ev.kind, point), priority: ev.priority,
        restore: ev.kind === "while" ? ev.restore : undefined, error };
    })),
  };
}
