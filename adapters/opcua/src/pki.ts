/**
 * Certificate stores: node-opcua's OPCUACertificateManager keeps own/, trusted/, rejected/ and issuers/ under one
 * folder. Unknown peers are rejected (their certificate lands in rejected/) unless the config says otherwise; an
 * operator trusts a peer by moving its certificate to trusted/ or listing it under `trust`.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { OPCUACertificateManager } from "node-opcua";
import { AdapterError } from "gridhub/hub";

export interface PkiOptions {
  root: string;
  acceptUnknownCertificates: boolean;
  /** certificate files added to trusted/ */
  trust: string[];
}

/** DER bytes of a certificate file in PEM or DER. */
export function readCertificate(file: string): Buffer {
  try {
    return Buffer.from(new X509Certificate(readFileSync(file)).raw);
  } catch (e) {
    throw new AdapterError("CONFIG", `${file}: not a readable X.509 certificate (${(e as Error).message})`, false, { cause: e });
  }
}

export async function openPki(opts: PkiOptions): Promise<OPCUACertificateManager> {
  const cm = new OPCUACertificateManager({
    rootFolder: resolve(opts.root),
    automaticallyAcceptUnknownCertificate: opts.acceptUnknownCertificates,
  });
  await cm.initialize();
  for (const file of opts.trust) await cm.trustCertificate(readCertificate(file));
  return cm;
}

export interface OwnCertificate {
  certificateFile: string;
  privateKeyFile: string;
  applicationUri: string;
}

export function defaultApplicationUri(applicationName: string): string {
  return `urn:${hostname()}:${applicationName}`;
}

/**
 * The application instance certificate in own/certs, created on first use. Its URI must equal the applicationUri
 * the client announces, or servers refuse the session (BadCertificateUriInvalid).
 */
export async function ensureOwnCertificate(cm: OPCUACertificateManager, applicationName: string, applicationUri: string): Promise<OwnCertificate> {
  const certificateFile = join(cm.rootDir, "own", "certs", `${applicationName}.pem`);
  if (!existsSync(certificateFile)) {
    await cm.createSelfSignedCertificate({
      applicationUri,
      dns: [hostname()],
      subject: `/CN=${applicationName}@${hostname()}/O=gridhub`,
      startDate: new Date(),
      validity: 365 * 5,
      outputFile: certificateFile,
    });
  }
  return { certificateFile, privateKeyFile: cm.privateKey, applicationUri };
}
