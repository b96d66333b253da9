/**
 * The operator REST API, mounted by the hub at /api/adapters/<name>/ (reads open on a loopback-bound API, writes
 * need the hub's bearer token: the hub enforces both). Documented in openapi.ts, served at ./openapi.json.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { DateTime } from "./lexical.ts";
import { OperatorError, type VtnOperator } from "./operator.ts";
import { CancelInput, EventChange, EventInput, ReportRequestInput, VenChange } from "./operator-input.ts";
import { openApiDocument } from "./openapi.ts";

const DataQuery = z.object({
  rID: z.string().min(1).optional(),
  from: DateTime.optional(),
  to: DateTime.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
}).strict();
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).optional() }).strict();

const actor = (req: Request) => `operator@${req.ip ?? "unknown"}`;
const param = (req: Request, name: string) => String(req.params[name]);

export function vtnRouter(op: VtnOperator, adapter: string): Router {
  const r = Router();
  r.get("/openapi.json", (_req, res) => void res.json(openApiDocument(adapter)));

  r.get("/vens", async (_req, res) => void res.json(await op.listVens()));
  r.get("/vens/:venID", async (req, res) => void res.json(await op.showVen(param(req, "venID"))));
  r.patch("/vens/:venID", async (req, res) => {
    res.json(await op.changeVen(param(req, "venID"), VenChange.parse(req.body ?? {}), actor(req)));
  });
  r.get("/vens/:venID/opts", async (req, res) => void res.json(await op.venOpts(param(req, "venID"))));
  r.get("/vens/:venID/reports", async (req, res) => void res.json(await op.reports(param(req, "venID"))));
  r.get("/vens/:venID/reports/data", async (req, res) => {
    res.json(await op.reportData(param(req, "venID"), DataQuery.parse(req.query)));
  });
  r.post("/vens/:venID/report-requests", async (req, res) => {
    res.status(201).json(await op.requestReport(param(req, "venID"), ReportRequestInput.parse(req.body ?? {}), actor(req)));
  });
  r.delete("/vens/:venID/report-requests/:reportRequestID", async (req, res) => {
    res.status(202).json(await op.cancelReport(param(req, "venID"), param(req, "reportRequestID"), actor(req)));
  });
  r.post("/vens/:venID/reregister", async (req, res) => {
    await op.requestReregistration(param(req, "venID"), actor(req));
    res.status(202).json({ queued: "oadrRequestReregistration" });
  });
  r.delete("/vens/:venID/registration", async (req, res) => {
    await op.cancelRegistration(param(req, "venID"), actor(req));
    res.status(202).json({ queued: "oadrCancelPartyRegistration" });
  });

  r.get("/events", async (req, res) => void res.json(await op.listEvents(ListQuery.parse(req.query).limit)));
  r.post("/events", async (req, res) => {
    const ev = await op.createEvent(EventInput.parse(req.body ?? {}), actor(req));
    res.status(201).location(`events/${encodeURIComponent(ev.eventID)}`).json(ev);
  });
  r.get("/events/:eventID", async (req, res) => void res.json(await op.showEvent(param(req, "eventID"))));
  r.patch("/events/:eventID", async (req, res) => {
    res.json(await op.modifyEvent(param(req, "eventID"), EventChange.parse(req.body ?? {}), actor(req)));
  });
  r.post("/events/:eventID/cancel", async (req, res) => {
    res.json(await op.cancelEvent(param(req, "eventID"), CancelInput.parse(req.body ?? {}).reason, actor(req)));
  });

  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof OperatorError) return void res.status(err.status).json({ error: { code: err.code, message: err.message } });
    if (err instanceof z.ZodError) {
      const message = err.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
      return void res.status(400).json({ error: { code: "INVALID", message, issues: err.issues } });
    }
    next(err);
  });
  return r;
}
