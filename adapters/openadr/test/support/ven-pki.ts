/** A throw-away test PKI (certs/make-test-pki.sh) in a temp dir, once per suite. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TlsFiles } from "gridhub/security";

export interface TestPki {
  dir: string;
  file(name: string): string;
  /** TLS files of a leaf (vtn, ven1, ven2, ven-rsa, ven-revoked, ven-rogue, ...), trusting the test root with both CRLs */
  tls(leaf: string): TlsFiles;
  cleanup(): void;
}

const SCRIPT = resolve(import.meta.dirname, "../../../../certs/make-test-pki.sh");

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "gridhub-ven-pki-"));
  const r = spawnSync("bash", [SCRIPT, dir], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const file = (name: string) => join(dir, name);
  return {
    dir,
    file,
    tls: (leaf) => ({
      cert: file(`${leaf}.chain.pem`), key: file(`${leaf}.key`), ca: file("trust.pem"),
      crl: [file("inter.crl.pem"), file("root.crl.pem")], minVersion: "TLSv1.2",
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
