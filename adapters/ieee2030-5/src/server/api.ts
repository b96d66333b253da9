/**
 * The operator REST API (JSON), mounted by the hub at /api/adapters/<name>/: reads are open on a loopback-bound
 * API, writes need the hub's bearer token (the hub enforces both). Values in DER bodies are the 2030.5 ones
 * (opModMaxLimW in hundredths of a percent, times in seconds since the epoch or ISO 8601).
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { OperatorError, type ServerOperator } from "./operator.ts";
import {
  CancelInput, CurveInput, DefaultControlInput, DerControlInput, DeviceInput, EndDeviceControlInput, FsaInput, ListQueryInput, ProgramInput, TariffInput,
} from "./operator-input.ts";

const actor = (req: Request) => `operator@${req.ip ?? "unknown"}`;
const param = (req: Request, name: string) => String(req.params[name]);

export function serverRouter(op: ServerOperator, info: () => Record<string, unknown>): Router {
  const r = Router();
  r.get("/", (_req, res) => void res.json(info()));

  r.get("/devices", (_req, res) => void res.json(op.listDevices()));
  r.post("/devices", async (req, res) => void res.status(201).json(await op.addDevice(DeviceInput.parse(req.body ?? {}), actor(req))));
  r.delete("/devices/:id", async (req, res) => {
    await op.removeDevice(param(req, "id"), actor(req));
    res.status(204).end();
  });

  r.get("/fsa", (_req, res) => void res.json(op.listFsas()));
  r.post("/fsa", async (req, res) => void res.status(201).json(await op.putFsa(FsaInput.parse(req.body ?? {}), actor(req))));
  r.put("/fsa/:id", async (req, res) => void res.json(await op.putFsa(FsaInput.parse(req.body ?? {}), actor(req), param(req, "id"))));

  r.get("/der-programs", (_req, res) => void res.json(op.listDerPrograms()));
  r.post("/der-programs", async (req, res) => void res.status(201).json(await op.addDerProgram(ProgramInput.parse(req.body ?? {}), actor(req))));
  r.put("/der-programs/:id/default", async (req, res) => {
    res.json(await op.setDefault(param(req, "id"), DefaultControlInput.parse(req.body ?? {}), actor(req)));
  });
  r.post("/der-programs/:id/curves", async (req, res) => {
    res.status(201).json(await op.addCurve(param(req, "id"), CurveInput.parse(req.body ?? {}), actor(req)));
  });
  r.get("/der-programs/:id/controls", (req, res) => void res.json(op.listControls("der", param(req, "id"))));
  r.post("/der-programs/:id/controls", async (req, res) => {
    res.status(201).json(await op.addDerControl(param(req, "id"), DerControlInput.parse(req.body ?? {}), actor(req)));
  });
  r.post("/der-programs/:id/controls/:cid/cancel", async (req, res) => {
    res.json(await op.cancelControl("der", param(req, "id"), param(req, "cid"), CancelInput.parse(req.body ?? {}), actor(req)));
  });

  r.get("/dr-programs", (_req, res) => void res.json(op.listDrPrograms()));
  r.post("/dr-programs", async (req, res) => void res.status(201).json(await op.addDrProgram(ProgramInput.parse(req.body ?? {}), actor(req))));
  r.get("/dr-programs/:id/controls", (req, res) => void res.json(op.listControls("drlc", param(req, "id"))));
  r.post("/dr-programs/:id/controls", async (req, res) => {
    res.status(201).json(await op.addEndDeviceControl(param(req, "id"), EndDeviceControlInput.parse(req.body ?? {}), actor(req)));
  });
  r.post("/dr-programs/:id/controls/:cid/cancel", async (req, res) => {
    res.json(await op.cancelControl("drlc", param(req, "id"), param(req, "cid"), CancelInput.parse(req.body ?? {}), actor(req)));
  });

  r.get("/tariffs", (_req, res) => void res.json(op.listTariffs()));
  r.post("/tariffs", async (req, res) => void res.status(201).json(await op.addTariff(TariffInput.parse(req.body ?? {}), actor(req))));

  r.get("/responses", (req, res) => {
    const q = ListQueryInput.parse(req.query);
    res.json(op.responses(q.subject, q.limit));
  });
  r.get("/mirror-usage-points", (_req, res) => void res.json(op.mirrors()));
  r.get("/subscriptions", (_req, res) => void res.json(op.subscriptions()));

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
