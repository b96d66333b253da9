/** Operator writes that are not about one resource: publishing a neutral message, and checking a token (UI login). */
import type { Router } from "express";
import type { ApiContext } from "./context.ts";

export function controlRoutes(api: Router, { hub, write }: ApiContext) {
  api.get("/session", write, (_req, res) => res.json({ ok: true, site: hub.config.site }));
  api.post("/messages", write, async (req, res) => {
    const msg = { source: "operator", created: new Date().toISOString(), id: crypto.randomUUID(), ...req.body };
    const receipt = await hub.bus.publish(msg);
    await hub.store.audit({ actor: "operator", action: "message.publish", target: msg.type, outcome: "ok", detail: { id: receipt.id } });
    res.status(receipt.duplicate ? 200 : 202).json(receipt);
  });
}
