/**
 * Identities from certificates: the OpenADR 2.0b fingerprint (the last 29 characters of the colon-separated
 * SHA-256 of the DER certificate, as VTNs use to bind venIDs) and the IEEE 2030.5 LFDI/SFDI
 * (LFDI = first 160 bits of the SHA-256 fingerprint; SFDI = its first 36 bits in decimal plus a check digit
 * making the digit sum a multiple of 10).
 */
import { createHash, X509Certificate } from "node:crypto";

export interface CertIdentity {
  sha256: string;          // 64 hex digits, upper case
  openadrFingerprint: string;
  lfdi: string;            // 40 hex digits, upper case
  sfdi: string;            // 11 or 12 decimal digits (36-bit value + check digit)
  subject: string;
  issuer: string;
  validTo: string;
  serialNumber: string;
}

function der(cert: string | Buffer | X509Certificate): Buffer {
  if (cert instanceof X509Certificate) return cert.raw;
  if (Buffer.isBuffer(cert) && cert[0] === 0x30) return cert;
  return new X509Certificate(cert).raw;
}

export function sfdiOf(lfdi: string): string {
  const value = BigInt(`0x${lfdi.slice(0, 9)}`).toString(10);
  const sum = [...value].reduce((s, d) => s + Number(d), 0);
  return `${value}${(10 - (sum % 10)) % 10}`;
}

export function identityOf(cert: string | Buffer | X509Certificate): CertIdentity {
  const raw = der(cert);
  const x = new X509Certificate(raw);
  const sha256 = createHash("sha256").update(raw).digest("hex").toUpperCase();
  const colon = sha256.match(/../g)!.join(":");
  const lfdi = sha256.slice(0, 40);
  return {
    sha256, openadrFingerprint: colon.slice(-29), lfdi, sfdi: sfdiOf(lfdi),
    subject: x.subject, issuer: x.issuer, validTo: new Date(x.validTo).toISOString(), serialNumber: x.serialNumber,
  };
}
