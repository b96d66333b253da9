/**
 * OpenADR 2.0b simpleHTTP server: the VTN's service endpoints, and the VEN's push endpoint. Stable API:
 *
 *   const server = await startOadrServer({
 *     tls: tlsOptions(files, OPENADR_CIPHERS),      // from gridhub/security: mutual TLS, CA + CRLs
 *     host: "127.0.0.1", port: 0,                   // defaults
 *     maxBodyBytes: 1 << 20,                        // default DEFAULT_MAX_BYTES (1 MiB)
 *     handler: async (message, { service, peer }) => reply,   // reply: an OadrMessage, or undefined for an empty 200
 *     logger, onTlsError,
 *   });
 *   server.url      // "https://127.0.0.1:<port>" (append SIMPLE_HTTP_PATH + service)
 *   await server.close();
 *
 * Requests: POST `${SIMPLE_HTTP_PATH}{EiRegisterParty,EiEvent,EiReport,EiOpt,OadrPoll}` (see `servicePath`). Before the
 * handler runs, the server checks, in order:
 *   - TLS: the peer presented a certificate that chains to `tls.ca` and is not in `tls.crl` (Node refuses the
 *     handshake otherwise, `onTlsError` hears about it); `peer` is its identity (OpenADR fingerprint, subject, ...).
 *   - HTTP: unknown path -> 404, method other than POST -> 405, Content-Type other than application/xml or
 *     text/xml -> 415, body over `maxBodyBytes` -> 413 (Content-Length checked first, then the bytes as they come).
 *   - OpenADR: the body is parsed by the codec; a codec error, or a payload that does not belong to the service it
 *     was posted to, is answered HTTP 200 with an oadrResponse carrying the codec's response code (451/453/454, or
 *     453 for the wrong service), as 2.0b reports application errors in the payload, not in the HTTP status.
 * The handler's reply is serialized with the codec (Content-Type application/xml). A handler that throws
 * `OadrServiceError(code, text)` gets an oadrResponse with that code (e.g. 452 for another VEN's venID, 463 for
 * an unregistered one); any other exception is logged and answered with 469.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { SecureContextOptions, TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { peerIdentity, type CertIdentity } from "gridhub/security";
import {
  DEFAULT_MAX_BYTES,
  OadrCodecError,
  OadrResponseCode,
  parse,
  serialize,
  type OadrMessage,
  type OadrMessageType,
  type ServiceName,
} from "../codec/index.ts";

/** Path prefix of every simpleHTTP service endpoint. */
export const SIMPLE_HTTP_PATH = "/OpenADR2/Simple/2.0b/";

/** The endpoint path of one service (append it to a VTN URL or to a VEN's transport address). */
export const servicePath = (service: ServiceName) => `${SIMPLE_HTTP_PATH}${service}`;

/** The payloads each service endpoint accepts (requests from either party, and acknowledgements of pushed payloads). */
export const SERVICE_PAYLOADS: Readonly<Record<ServiceName, readonly OadrMessageType[]>> = {
  EiRegisterParty: [
    "oadrQueryRegistration", "oadrCreatePartyRegistration", "oadrCancelPartyRegistration",
    "oadrCanceledPartyRegistration", "oadrRequestReregistration", "oadrCreatedPartyRegistration", "oadrResponse",
  ],
  EiEvent: ["oadrRequestEvent", "oadrDistributeEvent", "oadrCreatedEvent", "oadrResponse"],
  EiReport: [
    "oadrRegisterReport", "oadrRegisteredReport", "oadrCreateReport", "oadrCreatedReport", "oadrUpdateReport",
    "oadrUpdatedReport", "oadrCancelReport", "oadrCanceledReport", "oadrResponse",
  ],
  EiOpt: ["oadrCreateOpt", "oadrCreatedOpt", "oadrCancelOpt", "oadrCanceledOpt", "oadrResponse"],
  OadrPoll: ["oadrPoll"],
};

/** What the handler knows about a request besides its payload. */
export interface OadrRequestContext {
  service: ServiceName;
  /** The verified client certificate's identity (the VEN's or the VTN's). */
  peer: CertIdentity;
  remoteAddress: string;
}

export type OadrHandler = (
  message: OadrMessage,
  ctx: OadrRequestContext,
) => OadrMessage | undefined | Promise<OadrMessage | undefined>;

/** Thrown by a handler to answer with an oadrResponse carrying an OpenADR response code. */
export class OadrServiceError extends Error {
  constructor(readonly responseCode: number, message: string, readonly venID?: string) {
    super(message);
    this.name = "OadrServiceError";
  }
}

export interface OadrServerOptions {
  /** Node TLS options, normally `tlsOptions(files, OPENADR_CIPHERS)`: the client certificate is required and verified. */
  tls: SecureContextOptions & { requestCert: true; rejectUnauthorized: true };
  host?: string;
  port?: number;
  /** Largest request body, in bytes. */
  maxBodyBytes?: number;
  handler: OadrHandler;
  logger?: Logger;
  /** Called for each refused handshake (untrusted, revoked, expired certificate, or none). */
  onTlsError?: (err: Error, remoteAddress: string) => void;
  /** Idle keep-alive connections are closed after this long (VENs poll on a long period). Default 65 s. */
  keepAliveTimeoutMs?: number;
}

export interface OadrServer {
  /** `https://host:port`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes every connection, resolves when the server is closed. Idempotent. */
  close(): Promise<void>;
}

const XML_TYPES = /^(application|text)\/xml\s*(;|$)/i;

function payloadRequestID(message: OadrMessage | undefined): string {
  if (!message) return "";
  if ("requestID" in message && typeof message.requestID === "string") return message.requestID;
  if ("eiResponse" in message && message.eiResponse) return message.eiResponse.requestID;
  return "";
}

function payloadVenID(message: OadrMessage | undefined): string | undefined {
  return message && "venID" in message && typeof message.venID === "string" ? message.venID : undefined;
}

/** The 2.0b application-level error reply: HTTP 200 with an oadrResponse. */
export function errorResponse(code: number, description: string, requestID: string, venID?: string): OadrMessage {
  return {
    type: "oadrResponse",
    eiResponse: { responseCode: code, responseDescription: description, requestID },
    ...(venID !== undefined ? { venID } : {}),
  };
}

class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpFailure(413, `body of ${declared} bytes is over the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpFailure(413, `body is over the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function serviceOf(url: string | undefined): ServiceName | undefined {
  const path = (url ?? "").split("?")[0];
  if (!path.startsWith(SIMPLE_HTTP_PATH)) return undefined;
  const name = path.slice(SIMPLE_HTTP_PATH.length);
  return Object.hasOwn(SERVICE_PAYLOADS, name) ? (name as ServiceName) : undefined;
}

export async function startOadrServer(opts: OadrServerOptions): Promise<OadrServer> {
  const maxBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BYTES;
  const log = opts.logger;
  // the peer's identity, computed once per connection (renegotiation is refused, so it cannot change)
  const identities = new WeakMap<TLSSocket, CertIdentity>();

  const sendXml = (res: ServerResponse, message: OadrMessage | undefined) => {
    if (message === undefined) {
      res.writeHead(200, { "content-length": 0 }).end();
      return;
    }
    const xml = serialize(message);
    res.writeHead(200, { "content-type": "application/xml; charset=utf-8", "content-length": Buffer.byteLength(xml) }).end(xml);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const service = serviceOf(req.url);
    if (!service) throw new HttpFailure(404, `no OpenADR service at ${req.url}`);
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      throw new HttpFailure(405, `${req.method} is not allowed, POST an oadrPayload`);
    }
    if (!XML_TYPES.test(req.headers["content-type"] ?? "")) {
      throw new HttpFailure(415, `content-type must be application/xml, got ${req.headers["content-type"] ?? "none"}`);
    }
    const peer = identities.get(req.socket as TLSSocket) ?? peerIdentity(req.socket as TLSSocket);
    if (!peer) throw new HttpFailure(403, "no verified client certificate");
    identities.set(req.socket as TLSSocket, peer);
    const body = await readBody(req, maxBytes);

    let message: OadrMessage | undefined;
    try {
      message = parse(body, { maxBytes });
      if (!SERVICE_PAYLOADS[service].includes(message.type)) {
        sendXml(res, errorResponse(OadrResponseCode.NOT_RECOGNIZED, `${message.type} is not a ${service} payload`,
          payloadRequestID(message), payloadVenID(message)));
        return;
      }
      const ctx: OadrRequestContext = { service, peer, remoteAddress: req.socket.remoteAddress ?? "" };
      sendXml(res, await opts.handler(message, ctx));
    } catch (err) {
      if (err instanceof OadrCodecError) {
        log?.info({ service, fingerprint: peer.openadrFingerprint, err: err.toJSON() }, "refused OpenADR payload");
        sendXml(res, errorResponse(err.responseCode, err.message, payloadRequestID(message), payloadVenID(message)));
      } else if (err instanceof OadrServiceError) {
        sendXml(res, errorResponse(err.responseCode, err.message, payloadRequestID(message), err.venID ?? payloadVenID(message)));
      } else {
        log?.error({ service, fingerprint: peer.openadrFingerprint, err }, "OpenADR handler failed");
        sendXml(res, errorResponse(OadrResponseCode.DEPLOYMENT_ERROR_OR_OTHER_ERROR, "internal error",
          payloadRequestID(message), payloadVenID(message)));
      }
    }
  };

  const server: Server = createServer({ ...opts.tls }, (req, res) => {
    answer(req, res).catch((err: Error) => {
      const status = err instanceof HttpFailure ? err.status : 500;
      if (status === 500) log?.error({ err }, "OpenADR request failed");
      if (res.headersSent) return void res.destroy();
      // after a refused body the rest of it is not worth reading: close the connection
      if (status === 413) res.setHeader("connection", "close");
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${err.message}\n`);
    });
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 65_000;
  server.on("secureConnection", (socket: TLSSocket) => socket.disableRenegotiation());
  server.on("tlsClientError", (err: Error, socket: Socket) => {
    const remote = socket.remoteAddress ?? "";
    log?.warn({ remote, err: err.message }, "TLS handshake refused");
    opts.onTlsError?.(err, remote);
  });

  server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `https://${host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      })),
  };
}
