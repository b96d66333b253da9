/**
 * OpenADR 2.0b simpleHTTP client (the VEN's side): POSTs a payload to `<vtnUrl>/OpenADR2/Simple/2.0b/<service>`
 * over HTTPS with the client certificate (TLS 1.2 with the 2.0b suites unless TLS 1.3 is configured), keeps the
 * connection alive, bounds time and response size, and parses the reply with the codec. Every failure is an
 * OadrTransportError that says whether trying again can help.
 */
import { Agent, request } from "node:https";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { identityOf, OPENADR_CIPHERS, tlsOptions, type CertIdentity, type TlsFiles } from "gridhub/security";
import { OadrCodecError, parse, serialize, type OadrMessage, type ServiceName } from "../codec/index.ts";
import { servicePath } from "./server.ts";

export type TransportFailure = "network" | "timeout" | "http" | "too-large" | "codec" | "peer";

export class OadrTransportError extends Error {
  constructor(readonly kind: TransportFailure, message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OadrTransportError";
  }

  /**
   * The VTN may answer later (down, overloaded, slow, or a certificate not yet fixed); a refused or unreadable
   * answer will not change.
   */
  get retryable(): boolean {
    return this.kind === "network" || this.kind === "timeout" || this.kind === "peer" || (this.kind === "http" && (this.status ?? 0) >= 500);
  }
}

export interface OadrClientOptions {
  /** The VTN's base URL, e.g. https://vtn.example.com:8443 (service paths are appended). */
  vtnUrl: string;
  /** Certificate files, paths already resolved. */
  tls: TlsFiles;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Refuse a VTN whose certificate has another OpenADR fingerprint (besides chain validation). */
  vtnFingerprint?: string;
}

export interface OadrClient {
  /** Sends one payload; resolves with the parsed reply (undefined for an empty 200). */
  send(service: ServiceName, message: OadrMessage): Promise<OadrMessage | undefined>;
  /** The VTN's certificate identity as last seen on a connection. */
  vtnIdentity(): CertIdentity | undefined;
  close(): void;
}

export function createOadrClient(opts: OadrClientOptions): OadrClient {
  const tls = tlsOptions(opts.tls, OPENADR_CIPHERS);
  let peer: CertIdentity | undefined;
  /** Runs in the handshake, before a byte of the request is sent: host name, then the pinned fingerprint. */
  const checkVtn = (host: string, cert: PeerCertificate): Error | undefined => {
    const wrongHost = checkServerIdentity(host, cert);
    if (wrongHost) return wrongHost;
    const id = identityOf(cert.raw);
    if (opts.vtnFingerprint && id.openadrFingerprint.toUpperCase() !== opts.vtnFingerprint.toUpperCase()) {
      return new OadrTransportError("peer", `VTN certificate fingerprint ${id.openadrFingerprint} is not the configured ${opts.vtnFingerprint}`);
    }
    peer = id;
    return undefined;
  };
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 4,
    // every new connection does a full handshake, so the VTN's certificate is checked each time
    maxCachedSessions: 0,
    cert: tls.cert, key: tls.key, ca: tls.ca, ciphers: tls.ciphers, minVersion: tls.minVersion,
    ...(tls.crl ? { crl: tls.crl } : {}),
    // the 2.0b profile names TLS 1.2 suites: stay on 1.2 unless the config asks for 1.3
    maxVersion: opts.tls.minVersion === "TLSv1.3" ? "TLSv1.3" : "TLSv1.2",
    rejectUnauthorized: true,
    checkServerIdentity: checkVtn,
  });
  const base = opts.vtnUrl.replace(/\/+$/, "");

  const post = (service: ServiceName, body: string) => new Promise<Buffer>((resolve, reject) => {
    const req = request(`${base}${servicePath(service)}`, {
      method: "POST",
      agent,
      timeout: opts.timeoutMs,
      headers: { "content-type": "application/xml; charset=utf-8", "content-length": Buffer.byteLength(body) },
    }, (res) => {
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > opts.maxResponseBytes) {
        res.destroy();
        return reject(new OadrTransportError("too-large", `reply of ${declared} bytes is over the limit of ${opts.maxResponseBytes}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxResponseBytes) {
          res.destroy();
          reject(new OadrTransportError("too-large", `reply is over the limit of ${opts.maxResponseBytes} bytes`));
        } else chunks.push(chunk);
      });
      res.on("error", (err) => reject(new OadrTransportError("network", err.message, undefined, { cause: err })));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks);
        if (status !== 200) {
          reject(new OadrTransportError("http", `${service}: HTTP ${status} ${text.toString("utf8", 0, 200).trim()}`, status));
        } else resolve(text);
      });
    });
    req.on("timeout", () => req.destroy(new OadrTransportError("timeout", `${service}: no reply within ${opts.timeoutMs} ms`)));
    req.on("error", (err) => reject(err instanceof OadrTransportError ? err : new OadrTransportError("network", `${service}: ${err.message}`, undefined, { cause: err })));
    req.end(body);
  });

  return {
    async send(service, message) {
      const reply = await post(service, serialize(message));
      if (reply.length === 0) return undefined;
      try {
        return parse(reply, { maxBytes: opts.maxResponseBytes });
      } catch (err) {
        if (err instanceof OadrCodecError) throw new OadrTransportError("codec", `${service}: unreadable reply: ${err.message}`, undefined, { cause: err });
        throw err;
      }
    },
    vtnIdentity: () => peer,
    close: () => agent.destroy(),
  };
}
