/**
 * TLS settings for the grid-side endpoints: TLS 1.2 or later, mutual certificates, configured trust anchors and
 * CRLs, and the cipher suites the OpenADR 2.0b and IEEE 2030.5 profiles name. Node's TLS does the work.
 */
import { readFileSync } from "node:fs";
import type { TLSSocket, SecureContextOptions } from "node:tls";
import { z } from "zod";
import { identityOf, type CertIdentity } from "./identity.ts";

/** OpenADR 2.0b: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 and TLS_RSA_WITH_AES_128_CBC_SHA256. */
export const OPENADR_CIPHERS = "ECDHE-ECDSA-AES128-SHA256:AES128-SHA256";
/** IEEE 2030.5: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8. */
export const IEEE2030_5_CIPHERS = "ECDHE-ECDSA-AES128-CCM8";

export const TlsFiles = z.object({
  cert: z.string().describe("PEM certificate (chain) file"),
  key: z.string().describe("PEM private key file"),
  ca: z.string().describe("PEM trust anchors (root and intermediates) for the peer's certificate"),
  crl: z.union([z.string(), z.array(z.string())]).optional().describe("PEM CRL file(s) checked for the peer"),
  ciphers: z.string().optional().describe("OpenSSL cipher list for TLS 1.2; the profile's suites by default"),
  minVersion: z.enum(["TLSv1.2", "TLSv1.3"]).default("TLSv1.2"),
}).strict();
export type TlsFiles = z.infer<typeof TlsFiles>;

/** Reads the files (paths already resolved) into Node TLS options; both sides verify the peer. */
export function tlsOptions(files: TlsFiles, defaultCiphers: string): SecureContextOptions & { requestCert: true; rejectUnauthorized: true } {
  const crls = files.crl === undefined ? [] : ([] as string[]).concat(files.crl);
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ca: readFileSync(files.ca),
    ...(crls.length ? { crl: crls.map((f) => readFileSync(f)) } : {}),
    ciphers: files.ciphers ?? defaultCiphers,
    minVersion: files.minVersion,
    requestCert: true,
    rejectUnauthorized: true,
  };
}

/** The verified peer's identity on an authorised TLS socket, or undefined. */
export function peerIdentity(socket: TLSSocket): CertIdentity | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return cert?.raw ? identityOf(cert.raw) : undefined;
}
