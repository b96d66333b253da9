/**
 * Serves the operator web UI (src/ui) and the few front-end library files it imports, straight from the installed
 * packages: no build step and nothing fetched from elsewhere at run time. Only the listed vendor files are
 * reachable; node_modules itself is never served. index.html carries an import map, allowed by its hash in the
 * Content-Security-Policy (no other inline script runs).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import express, { Router } from "express";

const UI_DIR = resolve(import.meta.dirname, "../ui");

/** URL under /ui/vendor/ -> [package, file inside the package] */
const VENDOR: Record<string, [string, string]> = {
  "preact/preact.mjs": ["preact", "dist/preact.mjs"],
  "preact/hooks.mjs": ["preact", "hooks/dist/hooks.mjs"],
  "htm/htm.mjs": ["htm", "dist/htm.mjs"],
  "htm/preact.mjs": ["htm", "preact/index.mjs"],
  "uplot/uPlot.esm.js": ["uplot", "dist/uPlot.esm.js"],
  "uplot/uPlot.min.css": ["uplot", "dist/uPlot.min.css"],
};

/** A package's root directory: from its resolved entry, up to the package.json that names it. */
function packageDir(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (dir !== dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed package ${name}`);
}

function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)]
    .map((m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`);
  return [
    "default-src 'self'", `script-src 'self' ${hashes.join(" ")}`, "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'",
  ].join("; ");
}

/** The UI's files; mount it at /ui. */
export function uiRouter(): Router {
  const vendor = Object.fromEntries(Object.entries(VENDOR).map(([url, [pkg, file]]) => [url, join(packageDir(pkg), file)]));
  const index = readFileSync(join(UI_DIR, "index.html"), "utf8");
  const csp = contentSecurityPolicy(index);
  const router = Router();
  router.get("/", (_req, res) => {
    res.set({ "content-security-policy": csp, "cache-control": "no-cache" }).type("html").send(index);
  });
  router.get("/vendor/*file", (req, res, next) => {
    const file = vendor[([] as string[]).concat(req.params.file).join("/")];
    if (!file) return next();
    res.sendFile(file, { headers: { "cache-control": "public, max-age=86400" } });
  });
  router.use(express.static(UI_DIR, {
    index: false,
    setHeaders: (res, path) => {
      res.setHeader("cache-control", "no-cache");
      if (path.endsWith(".html")) res.setHeader("content-security-policy", csp);
    },
  }));
  return router;
}
