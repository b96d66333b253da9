/**
 * The 2030.5 HTTPS client: GET/POST/PUT/DELETE of application/sep+xml over mutual TLS with keep-alive, bounded
 * time and reply size. The client role uses it towards the utility server; the server role uses it to deliver
 * notifications. Every failure is a SepTransportError that says whether trying again can help.
 */
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import { identityOf, type CertIdentity, type TlsFiles } from "gridhub/security";
import { parseAs, SepCodecError, serialize, MEDIA_TYPE, type ResourceName, type SepResource } from "../codec/index.ts";
import { sepTls } from "./tls.ts";

export type TransportFailure = "network" | "timeout" | "http" | "too-large" | "codec" | "peer";

export class SepTransportError extends Error {
  constructor(readonly kind: TransportFailure, message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SepTransportError";
  }

  /** The peer may answer later (down, overloaded, slow); a refused or unreadable answer will not change. */
  get retryable(): boolean {
    return this.kind === "network" || this.kind === "timeout" || (this.kind === "http" && ((this.status ?? 0) >= 500 || this.status === 429));
  }
}

export interface SepHttpOptions {
  tls: TlsFiles;
  timeoutMs: number;
  maxResponseBytes: number;
  /** refuse a peer whose certificate has another LFDI (besides chain validation) */
  peerLfdi?: string;
  maxSockets?: number;
  /** hears every exchange: its duration, and its error when it failed */
  observe?(ms: number, error?: SepTransportError): void;
}

export interface SepReply {
  status: number;
  location?: string;
  body: Buffer;
}

export interface SepHttpClient {
  get<K extends ResourceName>(url: string, types: readonly K[]): Promise<SepResource<K>>;
  /** POST or PUT a resource; resolves with the status and Location (201 Created). `peerLfdi` pins this peer. */
  send<K extends ResourceName>(method: "POST" | "PUT", url: string, type: K, value: SepResource<K>, peerLfdi?: string): Promise<SepReply>;
  delete(url: string): Promise<SepReply>;
  /** the identity of the last peer seen */
  peer(): CertIdentity | undefined;
  close(): void;
}

export function createSepHttpClient(opts: SepHttpOptions): SepHttpClient {
  const tls = sepTls(opts.tls);
  const agent = new Agent({
    keepAlive: true, maxSockets: opts.maxSockets ?? 4,
    // a resumed TLS session does not show the peer's certificate on this side: full handshakes, so every reply is checked
    maxCachedSessions: 0,
    cert: tls.cert, key: tls.key, ca: tls.ca, ciphers: tls.ciphers, minVersion: tls.minVersion, maxVersion: tls.maxVersion,
    ...(tls.crl ? { crl: tls.crl } : {}),
    rejectUnauthorized: true,
  });
  let lastPeer: CertIdentity | undefined;

  // worked out once per connection (keep-alive carries many exchanges)
  const identities = new WeakMap<TLSSocket, CertIdentity>();
  const checkPeer = (socket: TLSSocket, pinned: string | undefined) => {
    let id = identities.get(socket);
    if (!id) {
      const raw = socket.getPeerCertificate()?.raw;
      if (!raw) throw new SepTransportError("peer", "the peer presented no certificate");
      id = identityOf(raw);
      identities.set(socket, id);
    }
    if (pinned && id.lfdi !== pinned.toUpperCase()) {
      throw new SepTransportError("peer", `peer certificate LFDI ${id.lfdi} is not the expected ${pinned}`);
    }
    lastPeer = id;
  };

  const exchange = async (method: string, url: string, body?: string, pinned = opts.peerLfdi): Promise<SepReply> => {
    const t0 = performance.now();
    try {
      const reply = await request1(method, url, body, pinned);
      opts.observe?.(performance.now() - t0);
      return reply;
    } catch (err) {
      opts.observe?.(performance.now() - t0, err as SepTransportError);
      throw err;
    }
  };

  const request1 = (method: string, url: string, body: string | undefined, pinned: string | undefined) => new Promise<SepReply>((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: MEDIA_TYPE };
    if (body !== undefined) Object.assign(headers, { "content-type": MEDIA_TYPE, "content-length": Buffer.byteLength(body) });
    const req = request(url, { method, agent, timeout: opts.timeoutMs, headers }, (res) => {
      try {
        checkPeer(res.socket as TLSSocket, pinned);
      } catch (err) {
        res.destroy();
        return reject(err);
      }
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > opts.maxResponseBytes) {
        res.destroy();
        return reject(new SepTransportError("too-large", `${method} ${url}: reply of ${declared} bytes is over the limit of ${opts.maxResponseBytes}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxResponseBytes) {
          res.destroy();
          reject(new SepTransportError("too-large", `${method} ${url}: reply is over the limit of ${opts.maxResponseBytes} bytes`));
        } else chunks.push(chunk);
      });
      res.on("error", (err) => reject(new SepTransportError("network", err.message, undefined, { cause: err })));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks);
        if (status >= 300) {
          reject(new SepTransportError("http", `${method} ${url}: HTTP ${status} ${text.toString("utf8", 0, 200).trim()}`.trim(), status));
        } else {
          const location = res.headers.location;
          resolve({ status, body: text, ...(location ? { location: new URL(location, url).href } : {}) });
        }
      });
    });
    req.on("timeout", () => req.destroy(new SepTransportError("timeout", `${method} ${url}: no reply within ${opts.timeoutMs} ms`)));
    req.on("error", (err) => reject(err instanceof SepTransportError ? err : new SepTransportError("network", `${method} ${url}: ${err.message}`, undefined, { cause: err })));
    req.end(body);
  });

  return {
    async get(url, types) {
      const reply = await exchange("GET", url);
      try {
        return parseAs(reply.body, types, { maxBytes: opts.maxResponseBytes }).value;
      } catch (err) {
        if (err instanceof SepCodecError) throw new SepTransportError("codec", `GET ${url}: unreadable reply: ${err.message}`, undefined, { cause: err });
        throw err;
      }
    },
    send: (method, url, type, value, peerLfdi) => exchange(method, url, serialize(type, value), peerLfdi),
    delete: (url) => exchange("DELETE", url),
    peer: () => lastPeer,
    close: () => agent.destroy(),
  };
}
