/** Responses to the server, durable: queued in the store, posted in order to each event's replyTo, retried. */
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import type { SepResource } from "../codec/index.ts";
import { SepTransportError, type SepHttpClient } from "../common/http-client.ts";
import { Outbox } from "../common/outbox.ts";

export type ResponseKind = "DERControlResponse" | "DrResponse" | "PriceResponse";

export interface PendingResponse {
  url: string;
  type: ResponseKind;
  value: SepResource<"Response">;
}

/**
 * Responses go out on a few lanes in parallel (the round trip, not the work, bounds one lane); the responses of
 * one event share a lane, so received, started and completed arrive in that order.
 */
const LANES = 4;
const laneOf = (subject: string) => `responses:${parseInt(subject.slice(-2), 16) % LANES}`;
const CHANNELS = Array.from({ length: LANES }, (_, i) => `responses:${i}`);

export class Responses {
  private readonly outbox: Outbox<PendingResponse>;

  constructor(private readonly deps: {
    store: AdapterStore; http: SepHttpClient; logger: Logger; backoff: { initialMs: number; maxMs: number };
    ready(): boolean;
  }) {
    this.outbox = new Outbox<PendingResponse>({
      store: deps.store, logger: deps.logger, backoff: deps.backoff, maxAttempts: 50, ready: deps.ready,
      channels: () => CHANNELS,
      deliver: async (r) => void await deps.http.send("POST", r.url, r.type, r.value),
      retryable: (err) => err instanceof SepTransportError && err.retryable,
      dropped: async (r, _c, err, attempts) => {
        deps.logger.warn({ subject: r.value.subject, status: r.value.status, err: (err as Error).message }, "response dropped");
        await deps.store.audit({ action: "ieee2030-5.response.dropped", target: r.value.subject, outcome: "failed",
          detail: { status: r.value.status, url: r.url, attempts, error: (err as Error).message } });
      },
    });
  }

  /** Queues one response; queued again while it waits, it is still one (idempotent on `${subject}:${status}`). */
  post(r: PendingResponse): Promise<boolean> {
    return this.outbox.enqueue(laneOf(r.value.subject), `${r.value.subject}:${r.value.status}`, r);
  }

  start() {
    this.outbox.start();
  }

  /** The server answered again: deliver now, without waiting out a backoff. */
  retryNow() {
    this.outbox.kick(true);
  }

  stop() {
    return this.outbox.stop();
  }

  async depth() {
    let n = 0;
    for (const ch of CHANNELS) n += await this.outbox.depth(ch);
    return n;
  }
}
