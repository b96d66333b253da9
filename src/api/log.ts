/** The audit log and the actuator's recent device actions. */
import type { Router } from "express";
import type { AuditEntry } from "../store/types.ts";
import type { ApiContext } from "./context.ts";
import { intParam } from "./context.ts";
import { HttpError } from "./errors.ts";

const OUTCOMES = ["ok", "refused", "failed"];

export function logRoutes(api: Router, { hub }: ApiContext) {
  api.get("/actuations", (req, res) => {
    res.json({ active: hub.actuator.active(), recent: hub.actuator.recent.slice(-intParam(req.query.limit, 200, 1, 500)) });
  });
  api.get("/audit", async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.outcome && !OUTCOMES.includes(q.outcome)) throw new HttpError(400, "INVALID", `outcome must be one of ${OUTCOMES.join(", ")}`);
    res.json(await hub.store.queryAudit({ ...(q.actor ? { actor: q.actor } : {}), ...(q.action ? { action: q.action } : {}),
      ...(q.outcome ? { outcome: q.outcome as AuditEntry["outcome"] } : {}), limit: intParam(q.limit, 200, 1, 1000) }));
  });
}
