/** Operator API under /api/adapters/<name>/: browsing a device's address space (the UI's node picker). */
import { Router } from "express";
import { AdapterError, type AdapterErrorCode } from "gridhub/hub";
import type { BrowseEntry } from "./browse.ts";

const httpStatus: Partial<Record<AdapterErrorCode, number>> = { NOT_FOUND: 404, CONFIG: 400, TIMEOUT: 504, UNREACHABLE: 503 };

export function browseRoutes(browse: (device: string, node?: string) => Promise<BrowseEntry[]>): Router {
  const router = Router();
  // GET browse?device=<id>&node=<NodeId>   (node defaults to the Objects folder)
  router.get("/browse", async (req, res) => {
    const device = typeof req.query.device === "string" ? req.query.device : "";
    const node = typeof req.query.node === "string" && req.query.node ? req.query.node : undefined;
    try {
      res.json({ device, node: node ?? "ObjectsFolder", children: await browse(device, node) });
    } catch (e) {
      const error = e instanceof AdapterError ? e : new AdapterError("PROTOCOL_REJECT", (e as Error).message);
      res.status(httpStatus[error.code] ?? 502).json({ error: error.toJSON() });
    }
  });
  return router;
}
