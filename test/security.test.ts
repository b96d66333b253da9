import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect } from "node:tls";
import { resolve } from "node:path";
import { identityOf, OPENADR_CIPHERS, peerIdentity, sfdiOf, tlsOptions } from "../src/security/index.ts";
import { tempDir } from "./helpers.ts";

describe("security: certificate identities and mutual TLS", function () {
  this.timeout(60_000);
  let pki: ReturnType<typeof tempDir>;
  const f = (name: string) => resolve(pki.dir, name);
  before(() => {
    pki = tempDir("gridhub-pki-");
    const r = spawnSync("bash", [resolve(import.meta.dirname, "../certs/make-test-pki.sh"), pki.dir], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => pki.cleanup());

  it("computes the 2030.5 SFDI with its check digit (the standard's worked example)", () => {
    assert.equal(sfdiOf("3E4F45AB31EDFE5B67E343E5E4562E31984E23E5"), "167261211391");
  });

  it("derives the OpenADR fingerprint and the LFDI from the certificate's SHA-256", () => {
    const id = identityOf(readFileSync(f("ven1.pem"), "utf8"));
    const sha = spawnSync("openssl", ["x509", "-in", f("ven1.pem"), "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" }).stdout.trim().split("=")[1];
    assert.equal(id.openadrFingerprint, sha.slice(-29));
    assert.equal(id.lfdi, sha.replaceAll(":", "").slice(0, 40));
    assert.match(id.sfdi, /^\d{11,12}$/);
    assert.match(id.subject, /CN=ven1\.gridhub\.test/);
  });

  it("accepts a trusted client over TLS 1.2 with the OpenADR suites, and refuses untrusted, revoked and expired ones", async () => {
    let accepted = 0;
    const server = createServer({ ...tlsOptions({ cert: f("vtn.chain.pem"), key: f("vtn.key"), ca: f("trust.pem"), crl: [f("inter.crl.pem"), f("root.crl.pem")], minVersion: "TLSv1.2" }, OPENADR_CIPHERS), maxVersion: "TLSv1.2" },
      (s) => {
        accepted++;
        s.end(`hello ${peerIdentity(s)?.openadrFingerprint}`);
      });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const port = (server.address() as { port: number }).port;
    const client = (name: string) => new Promise<string>((ok, fail) => {
      const s = connect({ host: "127.0.0.1", port, servername: "localhost", ca: readFileSync(f("trust.pem")), cert: readFileSync(f(`${name}.pem`)), key: readFileSync(f(`${name}.key`)) });
      let data = "";
      s.on("data", (d) => (data += d));
      s.on("end", () => ok(data));
      s.on("error", fail);
    });
    try {
      const hello = await client("ven1");
      assert.equal(hello, `hello ${identityOf(readFileSync(f("ven1.pem"))).openadrFingerprint}`);
      for (const bad of ["ven-rogue", "ven-revoked", "ven-expired"]) {
        // the handshake fails: the client sees an alert or a closed socket, never the server's greeting
        const got = await client(bad).catch((e: Error) => e.message);
        assert.doesNotMatch(got, /^hello/, `${bad} must be refused`);
      }
      assert.equal(accepted, 1, "only ven1 completed a handshake");
    } finally {
      server.close();
    }
  });
});
