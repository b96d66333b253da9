/** TLS settings of both roles: the 2030.5 suite on TLS 1.2 (unless 1.3 is configured), mutual certificates, CRLs. */
import { IEEE2030_5_CIPHERS, tlsOptions, type TlsFiles } from "gridhub/security";

export function resolvedTls(tls: TlsFiles, resolvePath: (p: string) => string): TlsFiles {
  return {
    ...tls, cert: resolvePath(tls.cert), key: resolvePath(tls.key), ca: resolvePath(tls.ca),
    ...(tls.crl !== undefined ? { crl: ([] as string[]).concat(tls.crl).map(resolvePath) } : {}),
  };
}

/** Node TLS options for a server or a client of this profile. */
export function sepTls(files: TlsFiles) {
  return { ...tlsOptions(files, IEEE2030_5_CIPHERS), maxVersion: files.minVersion === "TLSv1.3" ? "TLSv1.3" as const : "TLSv1.2" as const };
}
