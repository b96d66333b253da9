import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { identityOf } from "../src/security/index.ts";
import { readFileSync } from "node:fs";
import { tempDir } from "./helpers.ts";

const root = resolve(import.meta.dirname, "..");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", resolve(root, "src/cli/main.ts"), "certs", ...args], { encoding: "utf8", cwd: root });

describe("CLI: gridhub certs", function () {
  this.timeout(60_000);
  let pki: ReturnType<typeof tempDir>;
  const f = (n: string) => resolve(pki.dir, n);
  before(() => {
    pki = tempDir("gridhub-pki-");
    assert.equal(spawnSync("bash", [resolve(root, "certs/make-test-pki.sh"), pki.dir]).status, 0);
  });
  after(() => pki.cleanup());

  it("shows the OpenADR fingerprint and the 2030.5 LFDI/SFDI", () => {
    const r = cli("show", f("ven1.pem"));
    assert.equal(r.status, 0, r.stderr);
    const id = identityOf(readFileSync(f("ven1.pem")));
    assert.match(r.stdout, new RegExp(`OpenADR fingerprint: ${id.openadrFingerprint}`));
    assert.match(r.stdout, new RegExp(`2030.5 LFDI:\\s+${id.lfdi}`));
    assert.match(r.stdout, new RegExp(`2030.5 SFDI:\\s+${id.sfdi}`));
  });

  it("accepts a good chain and refuses revoked, expired and foreign ones", () => {
    const crl = ["--crl", f("inter.crl.pem"), f("root.crl.pem")];
    const ok = cli("check", f("ven1.chain.pem"), "--key", f("ven1.key"), "--ca", f("trust.pem"), ...crl);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /ok: chain verified with CRLs/);
    const revoked = cli("check", f("ven-revoked.chain.pem"), "--key", f("ven-revoked.key"), "--ca", f("trust.pem"), ...crl);
    assert.equal(revoked.status, 1);
    assert.match(revoked.stderr, /refused: .*revoked/i);
    const expired = cli("check", f("ven-expired.chain.pem"), "--key", f("ven-expired.key"), "--ca", f("trust.pem"));
    assert.equal(expired.status, 1);
    assert.match(expired.stderr, /refused: .*expired/i);
    const rogue = cli("check", f("ven-rogue.pem"), "--key", f("ven-rogue.key"), "--ca", f("trust.pem"));
    assert.equal(rogue.status, 1);
    assert.match(rogue.stderr, /refused: /);
  });
});
