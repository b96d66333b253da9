/**
 * GET /api/stream: the live feed as Server-Sent Events. `?topics=message,actuation` narrows it. A client that
 * cannot keep up (more than MAX_BUFFERED bytes waiting) is disconnected rather than buffered without bound; it
 * reconnects and refetches.
 */
import type { Router } from "express";
import type { ApiContext } from "./context.ts";
import { adaptersView } from "./adapters.ts";
import { HttpError } from "./errors.ts";
import type { Topic } from "./live.ts";

const TOPICS: Topic[] = ["message", "actuation", "device", "health", "power", "event", "job"];
const KEEPALIVE_MS = 15_000;
const MAX_BUFFERED = 1 << 20;

export function streamRoutes(api: Router, { hub, feed }: ApiContext) {
  api.get("/stream", (req, res) => {
    const asked = typeof req.query.topics === "string" ? req.query.topics.split(",").filter(Boolean) : TOPICS;
    const unknown = asked.filter((t) => !TOPICS.includes(t as Topic));
    if (unknown.length) throw new HttpError(400, "INVALID", `unknown topics ${unknown.join(", ")} (known: ${TOPICS.join(", ")})`);
    const topics = new Set(asked);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    const send = (topic: Topic, data: unknown) => {
      if (!topics.has(topic) || res.writableEnded) return;
      if (res.writableLength > MAX_BUFFERED) return void res.end();
      res.write(`event: ${topic}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    res.write("retry: 2000\n\n");
    send("health", adaptersView(hub));
    const off = feed.on(send);
    const keepalive = setInterval(() => res.writableEnded || res.write(": keep-alive\n\n"), KEEPALIVE_MS);
    res.on("close", () => {
      off();
      clearInterval(keepalive);
    });
  });
}
