/** Bearer-token check for writes (and for reads off the loopback), and the Host check of a loopback-bound API. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from "node:fs";
import { dirname } from "node:path";
import type { NextFunction, Request, Response } from "express";
import type { Store } from "../store/types.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The configured token, or one generated once and kept in the data directory (mode 0600) for the CLI. */
export function apiToken(configured: string | undefined, tokenFile: string): string {
  if (configured) return configured;
  if (existsSync(tokenFile)) return readFileSync(tokenFile, "utf8").trim();
  const token = randomBytes(24).toString("base64url");
  mkdirSync(dirname(tokenFile), { recursive: true });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  return token;
}

export function requireToken(token: string, store: Store) {
  const want = digest(token);
  return async (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer (.+)$/.exec(req.get("authorization") ?? "");
    if (m && timingSafeEqual(digest(m[1]), want)) return next();
    await store.audit({ actor: req.ip ?? "unknown", action: `api.${req.method} ${req.path}`, outcome: "refused",
      detail: { reason: m ? "wrong token" : "no bearer token" } });
    res.status(401).json({ error: { code: "UNAUTHORIZED", message: "this endpoint needs Authorization: Bearer <api token>" } });
  };
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * On a loopback-bound API, refuses requests whose Host header names anything but the loopback: a web page that
 * rebinds its own domain name to 127.0.0.1 (DNS rebinding) must not read the open endpoints.
 */
export function loopbackHostGuard() {
  return (req: Request, res: Response, next: NextFunction) => {
    const host = (req.get("host") ?? "").replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
    if (isLoopback(host)) return next();
    res.status(403).json({ error: { code: "FORBIDDEN_HOST", message: `the API is bound to the loopback; Host ${JSON.stringify(host)} is refused` } });
  };
}
