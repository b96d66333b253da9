/** Test helpers of the 2030.5 adapter: a throw-away PKI, xmllint against the shared sep.xsd, raw mutual-TLS requests. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { resolve } from "node:path";
import type { TLSSocket } from "node:tls";
import { tempDir } from "../../../test/helpers.ts";

export const SCHEMA = "/work/shared/schemas/ieee-2030.5/sep.xsd";
const root = resolve(import.meta.dirname, "../../..");

export interface Pki {
  dir: string;
  file(name: string): string;
  cleanup(): void;
}

/** certs/make-test-pki.sh into a temporary directory (ECDSA P-256 leaves, a revoked, an expired and a rogue one). */
export function makePki(): Pki {
  const t = tempDir("gridhub-2030-5-pki-");
  const r = spawnSync("bash", [resolve(root, "certs/make-test-pki.sh"), t.dir], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return { dir: t.dir, file: (name) => resolve(t.dir, name), cleanup: t.cleanup };
}

/** TLS files of one identity, as the adapter config takes them. */
export function tlsOf(pki: Pki, name: string) {
  return { cert: pki.file(`${name}.pem`), key: pki.file(`${name}.key`), ca: pki.file("trust.pem"), crl: [pki.file("inter.crl.pem"), pki.file("root.crl.pem")] };
}

/** Validates documents against sep.xsd with xmllint (package libxml2-utils); one call for many documents. */
export function validate(docs: Record<string, string>): Record<string, string> {
  const t = tempDir("gridhub-2030-5-xml-");
  try {
    const names = Object.keys(docs);
    const files = names.map((n) => resolve(t.dir, `${n}.xml`));
    names.forEach((n, i) => writeFileSync(files[i], docs[n]));
    const r = spawnSync("xmllint", ["--nonet", "--noout", "--schema", SCHEMA, ...files], { encoding: "utf8", timeout: 30_000 });
    if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
    const failures: Record<string, string> = {};
    const lines = r.stderr.split("\n");
    names.forEach((n, i) => {
      const own = lines.filter((l) => l.startsWith(files[i]) && !l.endsWith(" validates"));
      if (own.length) failures[n] = own.join("\n");
    });
    return failures;
  } finally {
    t.cleanup();
  }
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** the negotiated TLS version and cipher */
  tls: { protocol: string | null; cipher: string };
}

/** One HTTPS request with a chosen client certificate (or none), for refusal tests. */
export function raw(url: string, o: { pki: Pki; as?: string; method?: string; body?: string; type?: string }): Promise<RawReply> {
  return new Promise((ok, fail) => {
    const req = request(url, {
      method: o.method ?? "GET", ca: readFileSync(o.pki.file("trust.pem")), servername: "localhost", agent: false,
      ...(o.as ? { cert: readFileSync(o.pki.file(`${o.as}.pem`)), key: readFileSync(o.pki.file(`${o.as}.key`)) } : {}),
      headers: o.body !== undefined ? { "content-type": o.type ?? "application/sep+xml", "content-length": Buffer.byteLength(o.body) } : {},
    }, (res) => {
      const socket = res.socket as TLSSocket;
      const tls = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body, tls }));
    });
    req.on("error", fail);
    req.end(o.body);
  });
}

/** The hub config of a utility hub running only the 2030.5 server. */
export function serverHubConfig(pki: Pki, config: Record<string, unknown>, store: string = ":memory:") {
  return {
    site: { id: "utility" }, log: { level: "silent" as const }, store: { path: store }, api: { enabled: false },
    mappings: ["mappings/ieee2030-5"],
    adapters: { utility: { package: "@gridhub/ieee2030-5", config: { role: "server", tls: tlsOf(pki, "vtn"), ...config } } },
  };
}

export const repoRoot = root;

/** The hub config of a site hub running the 2030.5 client (no devices). */
export function clientHubConfig(pki: Pki, dcap: string, config: Record<string, unknown> = {}, store: string = ":memory:") {
  return {
    site: { id: "site" }, log: { level: "silent" as const }, store: { path: store }, api: { enabled: false },
    mappings: ["mappings/ieee2030-5"],
    adapters: { grid: { package: "@gridhub/ieee2030-5", config: { role: "client", server: dcap, tls: tlsOf(pki, "ven1"), ...config } } },
  };
}
