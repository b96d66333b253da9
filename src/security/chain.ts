/**
 * Checks a certificate (with its chain file) against trust anchors and CRLs the way the TLS endpoints do, by
 * letting Node's TLS stack verify it in a loopback handshake: one implementation of the truth, not a second one.
 */
import { readFileSync } from "node:fs";
import { connect, createServer, type TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";

export interface ChainCheck {
  ok: boolean;
  reason?: string;
  expiresInDays: number;
}

/** Verifies `certFile` (leaf first, then intermediates) against `caFile` and optional CRL files. */
export async function checkChain(certFile: string, keyFile: string, caFile: string, crlFiles: string[] = []): Promise<ChainCheck> {
  const leaf = new X509Certificate(readFileSync(certFile));
  const expiresInDays = Math.floor((Date.parse(leaf.validTo) - Date.now()) / 86_400_000);
  const server = createServer({
    cert: readFileSync(certFile), key: readFileSync(keyFile), ca: readFileSync(caFile), ...(crlFiles.length ? { crl: crlFiles.map((f) => readFileSync(f)) } : {}),
    requestCert: true, rejectUnauthorized: false,
  });
  const verdict = new Promise<ChainCheck>((done) => {
    server.on("secureConnection", (s: TLSSocket) => {
      done(s.authorized ? { ok: true, expiresInDays } : { ok: false, reason: String(s.authorizationError), expiresInDays });
      s.destroy();
    });
    server.on("tlsClientError", (e) => done({ ok: false, reason: e.message, expiresInDays }));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  // the certificate presents itself as a client so that the server side verifies it like a VEN or a 2030.5 client
  const client = connect({ host: "127.0.0.1", port, cert: readFileSync(certFile), key: readFileSync(keyFile), rejectUnauthorized: false });
  client.on("error", () => undefined);
  try {
    return await verdict;
  } finally {
    client.destroy();
    server.close();
  }
}
