/**
 * The VEN's conversation with its VTN: connect (register, METADATA, event sync, retried with backoff), poll,
 * deliver what the outbox holds, take what the VTN starts (dispatch.ts) in push or pull mode, and follow the
 * registration's life (463 from the VTN, re-registration requests, cancellation).
 */
import { createHash, randomUUID } from "node:crypto";
import type { AdapterContext } from "gridhub/hub";
import { OadrResponseCode, type OadrMessage, type ServiceName } from "../codec/index.ts";
import { OadrTransportError, type OadrClient } from "../transport/client.ts";
import { OadrServiceError } from "../transport/server.ts";
import { metadataReports, type Catalogue } from "./catalogue.ts";
import type { VenConfig } from "./config.ts";
import { dispatch, refusal } from "./dispatch.ts";
import { VenRefusal } from "./errors.ts";
import type { EventService } from "./events.ts";
import { RetryLater, type Outbox, type Outgoing } from "./outbox.ts";
import type { RegistrationService } from "./registration.ts";
import { expectReply, VtnRefusal } from "./replies.ts";
import type { ReportService } from "./reports.ts";

export interface SessionDeps {
  ctx: AdapterContext;
  config: VenConfig;
  client: OadrClient;
  registration: RegistrationService;
  events: EventService;
  reports: ReportService;
  outbox: () => Outbox;
  catalogue(): Catalogue;
  venID(): string;
  backoff: { initial: number; max: number };
}

export const ok = (requestID: string) => ({ responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID });

function refusedResponse(requestID: string, err: unknown) {
  if (!(err instanceof VenRefusal)) throw err;
  return { responseCode: err.code, responseDescription: err.message, requestID };
}

export class VtnSession {
  private readonly halt = new AbortController();
  private connecting?: Promise<void>;

  constructor(private readonly d: SessionDeps) {}

  private get log() {
    return this.d.ctx.logger;
  }

  private send(id: string, item: Outgoing) {
    return this.d.outbox().enqueue(id, item);
  }

  async stop() {
    this.halt.abort();
    await this.connecting;
  }

  /** One request to the VTN, counted. */
  async exchange(service: ServiceName, message: OadrMessage): Promise<OadrMessage | undefined> {
    const { counters } = this.d.ctx;
    const t0 = Date.now();
    counters.inc("messagesOut");
    try {
      const reply = await this.d.client.send(service, message);
      counters.observe("latencyMs", Date.now() - t0);
      if (reply) counters.inc("messagesIn");
      return reply;
    } catch (err) {
      counters.inc("errors");
      if (err instanceof OadrTransportError && err.kind === "timeout") counters.inc("timeouts");
      throw err;
    }
  }

  /** Registers (unless registered), registers reports when they changed, syncs events; retried with backoff. */
  connect(): Promise<void> {
    const { ctx, registration, backoff } = this.d;
    this.connecting ??= (async () => {
      for (let attempt = 0; !this.halt.signal.aborted; attempt++) {
        try {
          if (!registration.current()) await registration.register();
          if (!(await this.metadataCurrent())) await this.registerReports();
          await this.requestEvents();
          ctx.setHealth("up");
          this.d.outbox().kick();
          return;
        } catch (err) {
          if (err instanceof VtnRefusal && err.notRegistered) await registration.forget(err.message);
          ctx.setHealth("degraded", err as Error);
          this.log.warn({ err: (err as Error).message, attempt }, "no working session with the VTN yet");
          await this.pause(Math.min(backoff.max, backoff.initial * 2 ** attempt));
        }
      }
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Outbox delivery: 200 takes the item off the queue, 463 re-registers first, other codes drop it. */
  async deliver(item: Outgoing): Promise<void> {
    const reg = this.d.registration.current();
    if (!reg) throw new RetryLater("not registered");
    const message = "venID" in item.message ? ({ ...item.message, venID: reg.venID } as OadrMessage) : item.message;
    const reply = await this.exchange(item.service, message);
    const code = reply && "eiResponse" in reply && reply.eiResponse ? reply.eiResponse.responseCode : OadrResponseCode.OK;
    if (code === OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED) {
      await this.lost(`the VTN answered 463 to ${message.type}`);
      throw new RetryLater("not registered with the VTN any more");
    }
    if (code !== OadrResponseCode.OK) throw new VtnRefusal(code, `${message.type}: the VTN answered ${code}`);
    if (reply?.type === "oadrUpdatedReport" && reply.cancelReport) {
      const c = reply.cancelReport;
      const eiResponse = await this.d.reports.cancel(c.reportRequestIDs, c.reportToFollow).then(() => ok(c.requestID), (err) => refusedResponse(c.requestID, err));
      await this.send(`canceledReport:${randomUUID()}`, { service: "EiReport", message: {
        type: "oadrCanceledReport", eiResponse, pendingReports: this.d.reports.pending(), venID: reg.venID,
      } });
    }
  }

  /** One oadrPoll; true when the VTN handed out a payload. */
  async poll(): Promise<boolean> {
    const { ctx, registration } = this.d;
    const reg = registration.current();
    if (!reg) return false;
    let reply: OadrMessage | undefined;
    try {
      reply = await this.exchange("OadrPoll", { type: "oadrPoll", venID: reg.venID });
    } catch (err) {
      ctx.setHealth("degraded", err as Error);
      throw err;
    }
    ctx.setHealth("up");
    this.d.outbox().retryNow();
    if (!reply) return false;
    if (reply.type === "oadrResponse") {
      const code = reply.eiResponse.responseCode;
      if (code === OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED) await this.lost("the VTN answered 463 to oadrPoll");
      else if (code !== OadrResponseCode.OK) this.log.warn({ code, text: reply.eiResponse.responseDescription }, "oadrPoll refused");
      return false;
    }
    await this.fromVtn(reply, "pull");
    return true;
  }

  /** One payload the VTN started; push returns the answer for the HTTP reply, pull sends it. */
  async fromVtn(m: OadrMessage, mode: "push" | "pull"): Promise<OadrMessage | undefined> {
    const { registration, ctx } = this.d;
    let result;
    try {
      result = await dispatch(m, {
        registration: () => registration.current(), events: this.d.events, reports: this.d.reports,
        reregister: () => this.reregister(), unregistered: () => this.unregistered("cancelled by the VTN"),
      });
    } catch (err) {
      if (!(err instanceof VenRefusal)) throw err;
      this.log.warn({ type: m.type, code: err.code, err: err.message }, "refused a VTN payload");
      await ctx.store.audit({ action: "openadr.payload.refused", target: m.type, outcome: "refused", detail: { code: err.code, why: err.message } });
      if (mode === "push") throw new OadrServiceError(err.code, err.message, registration.current()?.venID);
      await this.send(`answer:${randomUUID()}`, refusal(m, err, registration.current()?.venID));
      return undefined;
    }
    const { answer, after } = result;
    if (mode === "push") {
      if (after) setImmediate(() => void after().catch((err) => this.log.error({ err }, "after a VTN payload")));
      return answer?.message;
    }
    // an answer that ends or renews the registration goes at once: the outbox waits for a registration
    if (answer && after) await this.exchange(answer.service, answer.message).catch((err) => this.log.warn({ err: (err as Error).message }, "answer not delivered"));
    else if (answer) await this.send(`answer:${randomUUID()}`, answer);
    if (after) await after();
    return undefined;
  }

  /** The registration ended: its report requests and queued payloads go with it. */
  async unregistered(why: string) {
    await this.d.registration.forget(why);
    await this.d.reports.cancel(this.d.reports.pending(), false);
    while (await this.d.ctx.store.take("vtn"));
    this.d.ctx.setHealth("down", `not registered: ${why}`);
  }

  /** METADATA reports; report requests in oadrRegisteredReport are answered with oadrCreatedReport. */
  private async registerReports(): Promise<void> {
    const { reports, ctx } = this.d;
    const metadata = this.metadata(ctx.clock.now().toISOString());
    const reply = await this.exchange("EiReport", { type: "oadrRegisterReport", requestID: randomUUID(), reports: metadata, venID: this.d.venID() });
    const registered = expectReply(reply, "oadrRegisteredReport", "oadrRegisterReport");
    await ctx.store.putDoc("state", "metadata", { digest: digestOf(metadata), venID: this.d.venID() });
    if (!registered.reportRequests.length) return;
    const requestID = randomUUID();
    const eiResponse = await reports.create(registered.reportRequests).then(() => ok(requestID), (err) => refusedResponse(requestID, err));
    await this.send(`createdReport:${requestID}`, { service: "EiReport", message: {
      type: "oadrCreatedReport", eiResponse, pendingReports: reports.pending(), venID: this.d.venID(),
    } });
  }

  private metadata(created: string) {
    const { minPeriod, maxPeriod } = this.d.config.reports;
    return metadataReports(this.d.catalogue(), { minPeriod, maxPeriod }, created);
  }

  /** Whether the VTN already holds this METADATA for this venID (a restart need not register it again). */
  private async metadataCurrent(): Promise<boolean> {
    const saved = await this.d.ctx.store.getDoc<{ digest: string; venID: string }>("state", "metadata");
    return saved?.digest === digestOf(this.metadata("")) && saved.venID === this.d.venID();
  }

  private async requestEvents(): Promise<void> {
    const reply = await this.exchange("EiEvent", { type: "oadrRequestEvent", requestID: randomUUID(), venID: this.d.venID() });
    if (reply?.type === "oadrDistributeEvent") await this.fromVtn(reply, "pull");
    else expectReply(reply, "oadrResponse", "oadrRequestEvent");
  }

  /** The VTN forgot this VEN: register again. */
  private async lost(why: string) {
    await this.d.registration.forget(why);
    void this.connect();
  }

  private async reregister() {
    try {
      await this.d.registration.register();
      await this.registerReports();
      await this.requestEvents();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "re-registration failed; registering anew");
      await this.lost("re-registration failed");
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((done) => {
      if (this.halt.signal.aborted) return done();
      const t = setTimeout(done, ms);
      this.halt.signal.addEventListener("abort", () => (clearTimeout(t), done()), { once: true });
    });
  }
}

function digestOf(metadata: ReturnType<typeof metadataReports>): string {
  return createHash("sha256").update(JSON.stringify(metadata.map(({ createdDateTime: _c, ...r }) => r))).digest("hex");
}
