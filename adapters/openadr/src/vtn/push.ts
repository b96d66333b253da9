/**
 * Push mode: VENs that registered with a transport address (and httpPullModel=false) get their queue POSTed to
 * `<transportAddress>/OpenADR2/Simple/2.0b/<service>` over mutual TLS as soon as something is queued. A payload
 * leaves the queue only once the VEN has answered HTTP 200; when the push fails it stays queued, so the VEN can
 * still poll it, and it is pushed again every `retryMs`. The VEN's server certificate must be the one it registered
 * with (its OpenADR fingerprint), which stands in for a host name check. A VEN's reply in the HTTP response
 * (oadrCreatedEvent, oadrCreatedReport, oadrCanceledReport, ...) is handled as if the VEN had POSTed it.
 */
import { Agent, request } from "node:https";
import type { PeerCertificate, SecureContextOptions } from "node:tls";
import type { Logger } from "pino";
import { identityOf } from "gridhub/security";
import { parse, serialize, type OadrMessage, type ServiceName } from "../codec/index.ts";
import { SERVICE_PAYLOADS, servicePath } from "../transport/server.ts";
import type { DeliveryQueues } from "./delivery.ts";
import { isPush, type VenRecord } from "./records.ts";

/** Payloads pushed per drain before yielding to other work. */
const MAX_PER_DRAIN = 50;

export interface PusherOptions {
  tls: SecureContextOptions;
  timeoutMs: number;
  retryMs: number;
  maxBodyBytes: number;
  logger: Logger;
  /** Reloads the VEN (it may have re-registered, changed address or gone). */
  getVen(venID: string): Promise<VenRecord | undefined>;
  onReply(ven: VenRecord, reply: OadrMessage): Promise<void>;
}

export function serviceFor(type: OadrMessage["type"]): ServiceName {
  const found = (Object.keys(SERVICE_PAYLOADS) as ServiceName[]).find((s) => SERVICE_PAYLOADS[s].includes(type));
  if (!found) throw new Error(`no service carries ${type}`);
  return found;
}

/** The service URL on a VEN, whether its transport address is the host root or already ends in the 2.0b path. */
export function venServiceUrl(transportAddress: string, service: ServiceName): string {
  const base = transportAddress.replace(/\/+$/, "").replace(/\/OpenADR2\/Simple\/2\.0b$/, "");
  return `${base}${servicePath(service)}`;
}

export class Pusher {
  private readonly agent: Agent;
  private readonly retrying = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  pushed = 0;
  failures = 0;

  constructor(private readonly queues: DeliveryQueues, private readonly opts: PusherOptions) {
    this.agent = new Agent({ ...opts.tls, keepAlive: true, maxSockets: 4 });
  }

  start(pendingVenIDs: string[]) {
    for (const id of pendingVenIDs) this.retrying.add(id);
    this.timer = setInterval(() => this.retryAll(), this.opts.retryMs);
    this.timer.unref();
    this.retryAll();
  }

  stop() {
    this.stopped = true;
    clearInterval(this.timer);
    this.agent.destroy();
  }

  /** Something was queued for this VEN: push it now (one drain at a time per VEN). */
  kick(ven: VenRecord) {
    if (this.stopped || !isPush(ven)) return;
    this.queues.serial.run(ven.venID, () => this.drain(ven)).catch((err: Error) => {
      this.opts.logger.warn({ venID: ven.venID, err: err.message }, "push drain failed");
    });
  }

  private retryAll() {
    for (const venID of this.retrying) {
      void this.opts.getVen(venID).then((ven) => {
        if (ven?.registrationID !== undefined && isPush(ven)) this.kick(ven);
        else this.retrying.delete(venID);
      }, () => undefined);
    }
  }

  private async drain(ven: VenRecord) {
    for (let i = 0; i < MAX_PER_DRAIN && !this.stopped; i++) {
      const head = await this.queues.head(ven);
      if (!head) {
        this.retrying.delete(ven.venID);
        return;
      }
      let reply: OadrMessage | undefined;
      try {
        reply = await this.post(ven, head.message);
      } catch (err) {
        this.failures++;
        this.retrying.add(ven.venID);
        await head.failed((err as Error).message);
        this.opts.logger.info({ venID: ven.venID, payload: head.message.type, err: (err as Error).message }, "push failed; kept for polling and retry");
        return;
      }
      this.pushed++;
      await head.done();
      if (reply) await this.opts.onReply(ven, reply);
    }
    if (!this.stopped) setImmediate(() => this.kick(ven));
  }

  private post(ven: VenRecord, message: OadrMessage): Promise<OadrMessage | undefined> {
    const url = venServiceUrl(ven.transportAddress!, serviceFor(message.type));
    const body = serialize(message);
    const { maxBodyBytes, timeoutMs } = this.opts;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: "POST",
        agent: this.agent,
        timeout: timeoutMs,
        headers: { "content-type": "application/xml; charset=utf-8", "content-length": Buffer.byteLength(body) },
        checkServerIdentity: (_host: string, cert: PeerCertificate) =>
          identityOf(cert.raw).openadrFingerprint === ven.fingerprint
            ? undefined
            : new Error(`the server at ${ven.transportAddress} is not ${ven.venID} (certificate fingerprint differs)`),
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBodyBytes) req.destroy(new Error(`reply over ${maxBodyBytes} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`VEN answered HTTP ${res.statusCode}`));
          const text = Buffer.concat(chunks);
          try {
            resolve(text.length ? parse(text, { maxBytes: maxBodyBytes }) : undefined);
          } catch (err) {
            // the VEN has the payload (HTTP 200); only its reply is unusable
            this.opts.logger.warn({ venID: ven.venID, err: (err as Error).message }, "unparsable reply to a push");
            resolve(undefined);
          }
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }
}
