/**
 * A minimal VTN for the VEN's tests: real HTTPS with mutual TLS on 127.0.0.1, the codec on both ways, every
 * request kept with its raw XML (for xmllint) and its client certificate. Default answers follow 2.0b; a test
 * changes them through `responder`, queues payloads for oadrPoll, sets the event list, stops and restarts it.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { OPENADR_CIPHERS, peerIdentity, tlsOptions } from "gridhub/security";
import { parse, serialize, type OadrEvent, type OadrMessage, type OadrMessageOf, type OadrMessageType, type ReportRequest, type ServiceName } from "../../src/codec/index.ts";
import { createOadrClient } from "../../src/transport/client.ts";
import { SIMPLE_HTTP_PATH } from "../../src/transport/server.ts";
import type { TestPki } from "./ven-pki.ts";

export interface Received {
  service: ServiceName;
  xml: string;
  message: OadrMessage;
  fingerprint: string;
  cipher: string;
  protocol: string;
}

/** What a responder returns: a payload, undefined for an empty 200, or "default" for the normal answer. */
export type Responder = (r: Received) => OadrMessage | undefined | "default";

const ok = (requestID: string) => ({ responseCode: 200, responseDescription: "OK", requestID });

export class TestVtn {
  readonly vtnID = "VTN-TEST";
  readonly received: Received[] = [];
  /** payloads handed out by oadrPoll, oldest first */
  readonly pollQueue: OadrMessage[] = [];
  /** the events oadrRequestEvent (and distribute()) list */
  events: OadrEvent[] = [];
  /** report requests sent back in oadrRegisteredReport */
  reportRequests: (msg: OadrMessageOf<"oadrRegisterReport">) => ReportRequest[] = () => [];
  responder?: Responder;
  pollFreq = "PT10S";
  private server?: Server;
  private registrations = 0;

  private constructor(private readonly pki: TestPki, public port: number, private readonly leaf: string) {}

  /** `leaf`: the server certificate (vtn = ECDSA, vtn-rsa = RSA for the AES128-SHA256 suite). */
  static async start(pki: TestPki, opts: { port?: number; leaf?: string } = {}): Promise<TestVtn> {
    const vtn = new TestVtn(pki, opts.port ?? 0, opts.leaf ?? "vtn");
    await vtn.listen();
    return vtn;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  of<T extends OadrMessageType>(type: T): OadrMessageOf<T>[] {
    return this.received.filter((r) => r.message.type === type).map((r) => r.message as OadrMessageOf<T>);
  }

  distribute(requestID = `dist-${this.received.length}`): OadrMessageOf<"oadrDistributeEvent"> {
    return { type: "oadrDistributeEvent", eiResponse: ok(requestID), requestID, vtnID: this.vtnID, events: this.events };
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    const closed = new Promise<void>((done) => s.close(() => done()));
    s.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port (the VEN's URL stays valid). */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  /** Posts a payload to a VEN's push endpoint with the VTN's certificate (or another leaf's). */
  async push(url: string, service: ServiceName, message: OadrMessage, leaf = "vtn"): Promise<OadrMessage | undefined> {
    const client = createOadrClient({ vtnUrl: url, tls: this.pki.tls(leaf), timeoutMs: 5000, maxResponseBytes: 1 << 20 });
    try {
      return await client.send(service, message);
    } finally {
      client.close();
    }
  }

  private async listen() {
    const server = createServer({ ...tlsOptions(this.pki.tls(this.leaf), OPENADR_CIPHERS), maxVersion: "TLSv1.3" }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const socket = req.socket as TLSSocket;
        const service = (req.url ?? "").slice(SIMPLE_HTTP_PATH.length) as ServiceName;
        const xml = Buffer.concat(chunks).toString("utf8");
        const r: Received = {
          service, xml, message: parse(xml), fingerprint: peerIdentity(socket)?.openadrFingerprint ?? "",
          cipher: socket.getCipher().name, protocol: socket.getProtocol() ?? "",
        };
        this.received.push(r);
        const custom = this.responder?.(r) ?? "default";
        const reply = custom === "default" ? this.answer(r) : custom;
        const body = reply ? serialize(reply) : "";
        res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) }).end(body);
      });
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private answer({ message: m, fingerprint }: Received): OadrMessage | undefined {
    const profiles = [{ profileName: "2.0b" as const, transports: ["simpleHttp" as const] }];
    switch (m.type) {
      case "oadrQueryRegistration":
        return { type: "oadrCreatedPartyRegistration", eiResponse: ok(m.requestID), vtnID: this.vtnID, profiles, requestedOadrPollFreq: this.pollFreq };
      case "oadrCreatePartyRegistration":
        return {
          type: "oadrCreatedPartyRegistration", eiResponse: ok(m.requestID), registrationID: m.registrationID ?? `reg-${++this.registrations}`,
          venID: m.venID ?? fingerprint, vtnID: this.vtnID, profiles, requestedOadrPollFreq: this.pollFreq,
        };
      case "oadrCancelPartyRegistration":
        return { type: "oadrCanceledPartyRegistration", eiResponse: ok(m.requestID), registrationID: m.registrationID, ...(m.venID ? { venID: m.venID } : {}) };
      case "oadrRegisterReport":
        return { type: "oadrRegisteredReport", eiResponse: ok(m.requestID), reportRequests: this.reportRequests(m), ...(m.venID ? { venID: m.venID } : {}) };
      case "oadrRequestEvent":
        return this.distribute(m.requestID);
      case "oadrPoll":
        return this.pollQueue.shift() ?? { type: "oadrResponse", eiResponse: ok(""), venID: m.venID };
      case "oadrUpdateReport":
        return { type: "oadrUpdatedReport", eiResponse: ok(m.requestID), ...(m.venID ? { venID: m.venID } : {}) };
      case "oadrCreateOpt":
        return { type: "oadrCreatedOpt", eiResponse: ok(m.requestID), optID: m.optID };
      case "oadrCancelOpt":
        return { type: "oadrCanceledOpt", eiResponse: ok(m.requestID), optID: m.optID };
      default:
        return { type: "oadrResponse", eiResponse: ok(""), ...("venID" in m && m.venID ? { venID: m.venID } : {}) };
    }
  }
}
