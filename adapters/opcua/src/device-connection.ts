/**
 * One device = one OPCUAClient with one session. The first connection is retried here with backoff (node-opcua
 * retries it only a bounded number of times); once up, a broken channel is repaired by node-opcua itself: it
 * reactivates the session, or after a server restart creates a new one and transfers (or recreates) the
 * subscriptions. This class turns those client events into a link state the adapter reports as health.
 */
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  MessageSecurityMode, OPCUAClient, SecurityPolicy, UserTokenType,
  type ClientSession, type OPCUACertificateManager, type UserIdentityInfo,
} from "node-opcua";
import type { Logger } from "pino";
import { AdapterError } from "gridhub/hub";
import type { Security, UserIdentity } from "./config.ts";
import { noLimits, readLimits, type OperationLimits } from "./limits.ts";
import { readCertificate, type OwnCertificate } from "./pki.ts";
import { failureError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

export type LinkState = "connecting" | "up" | "reconnecting" | "down" | "closed";

export interface SessionInfo {
  session: ClientSession;
  namespaces: string[];
  limits: OperationLimits;
  /** changes whenever the session was re-established: node lookups cached before may be stale */
  generation: number;
}

export interface ConnectionOptions {
  device: string;
  endpoint: string;
  security: Security;
  applicationName: string;
  own: OwnCertificate;
  certificateManager: OPCUACertificateManager;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  keepAliveMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  logger: Logger;
}

interface Events {
  state: [state: LinkState, error: AdapterError | undefined];
  /** a new session after a fresh connect: subscriptions must be created on it */
  session: [info: SessionInfo];
  /** node-opcua repaired the connection; its subscriptions were kept, transferred or recreated */
  restored: [info: SessionInfo];
  lost: [];
}

function identityOf(user: UserIdentity | undefined): UserIdentityInfo {
  if (!user) return { type: UserTokenType.Anonymous };
  if ("userName" in user) return { type: UserTokenType.UserName, userName: user.userName, password: user.password };
  return {
    type: UserTokenType.Certificate,
    certificateData: readCertificate(user.certificate),
    privateKey: readFileSync(user.privateKey, "utf8"),
  };
}

export class DeviceConnection extends EventEmitter<Events> {
  state: LinkState = "connecting";
  lastError?: AdapterError;
  private client?: OPCUAClient;
  private info?: SessionInfo;
  private generation = 0;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();

  constructor(readonly opts: ConnectionOptions) {
    super();
  }

  get describe(): string {
    return `${this.opts.device} (${this.opts.endpoint})`;
  }

  start() {
    this.loop ??= this.run();
  }

  /** The live session; waits for the first connection attempt, fails fast while the device is known down. */
  async ready(timeoutMs = this.opts.requestTimeoutMs): Promise<SessionInfo> {
    this.start();
    if (this.state === "up" && this.info) return this.info;
    if (this.state === "connecting") return this.waitForFirstAttempt(timeoutMs);
    if (this.state === "closed") throw new AdapterError("UNREACHABLE", `${this.describe}: adapter stopped`);
    if (this.state === "reconnecting") throw new AdapterError("UNREACHABLE", `${this.describe}: connection lost, reconnecting`, true);
    throw this.lastError ?? new AdapterError("UNREACHABLE", `${this.describe}: not connected`, true);
  }

  async stop() {
    if (this.state === "closed") return;
    this.abort.abort();
    this.setState("closed");
    const client = this.client;
    this.client = undefined;
    this.info = undefined;
    if (client) await withTimeout(client.disconnect(), 3000, `${this.describe}: disconnect`).catch(() => undefined);
    await this.loop;
  }

  private waitForFirstAttempt(timeoutMs: number): Promise<SessionInfo> {
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.off("state", onState);
        settle();
      };
      const onState = (state: LinkState, error?: AdapterError) => {
        if (state === "up" && this.info) {
          const info = this.info;
          done(() => resolve(info));
        } else if (state !== "connecting") {
          done(() => reject(error ?? new AdapterError("UNREACHABLE", `${this.describe}: ${state}`, true)));
        }
      };
      const timer = setTimeout(() => done(() => reject(new AdapterError("TIMEOUT", `${this.describe}: still connecting after ${timeoutMs} ms`, true))), timeoutMs);
      this.on("state", onState);
    });
  }

  private setState(state: LinkState, error?: AdapterError) {
    if (error) this.lastError = error;
    if (state === this.state && !error) return;
    this.state = state;
    this.emit("state", state, error);
  }

  private async run() {
    let delay = this.opts.reconnect.initialDelayMs;
    while (!this.abort.signal.aborted) {
      try {
        await this.open();
        return;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        const error = this.withTrustHint(failureError(this.describe, e));
        this.opts.logger.warn({ err: error, device: this.opts.device, retryInMs: delay }, "OPC UA connection failed");
        this.setState("down", error);
        try {
          await sleep(delay, undefined, { signal: this.abort.signal });
        } catch {
          return;
        }
        delay = Math.min(delay * 2, this.opts.reconnect.maxDelayMs);
      }
    }
  }

  /** Certificate refusals say which trust list the operator has to fix. */
  private withTrustHint(error: AdapterError): AdapterError {
    const { message } = error;
    let hint = "";
    if (/BadCertificateUntrusted/.test(message)) hint = `trust the server: move its certificate from ${this.opts.certificateManager.rootDir}/rejected to trusted`;
    else if (/BadSecurityChecksFailed|rejected by server/.test(message)) hint = `the server must trust this client's certificate ${this.opts.own.certificateFile}`;
    return hint ? new AdapterError(error.code, `${message} (${hint})`, error.retryable, { cause: error.cause }) : error;
  }

  private async open() {
    const { opts } = this;
    const client = OPCUAClient.create({
      applicationName: opts.applicationName,
      applicationUri: opts.own.applicationUri,
      clientName: `gridhub:${opts.device}`,
      clientCertificateManager: opts.certificateManager,
      certificateFile: opts.own.certificateFile,
      privateKeyFile: opts.own.privateKeyFile,
      securityMode: MessageSecurityMode[opts.security.mode],
      securityPolicy: SecurityPolicy[opts.security.policy],
      endpointMustExist: false,
      keepSessionAlive: true,
      keepAliveInterval: opts.keepAliveMs,
      defaultTransactionTimeout: opts.requestTimeoutMs,
      // maxRetry > 0 turns on node-opcua's automatic repair of a broken channel (which then retries forever);
      // failed first connections are retried by run()
      connectionStrategy: { maxRetry: 1, initialDelay: opts.reconnect.initialDelayMs, maxDelay: opts.reconnect.maxDelayMs },
    });
    this.client = client;
    try {
      const info = await withTimeout(this.establish(client), opts.connectTimeoutMs, `${this.describe}: connect`);
      if (this.abort.signal.aborted) throw new AdapterError("UNREACHABLE", `${this.describe}: adapter stopped`);
      this.watch(client, info.session);
      this.info = info;
      this.opts.logger.info({ device: opts.device, endpoint: opts.endpoint, security: `${opts.security.mode}/${opts.security.policy}` }, "OPC UA session up");
      this.setState("up");
      this.emit("session", info);
    } catch (e) {
      if (this.client === client) this.client = undefined;
      await withTimeout(client.disconnect(), 3000, `${this.describe}: disconnect`).catch(() => undefined);
      throw e;
    }
  }

  private async establish(client: OPCUAClient): Promise<SessionInfo> {
    await client.connect(this.opts.endpoint);
    const session = await client.createSession(identityOf(this.opts.security.user));
    return { session, ...(await this.describeServer(session)), generation: ++this.generation };
  }

  private async describeServer(session: ClientSession) {
    return { namespaces: await session.readNamespaceArray(), limits: await readLimits(session) };
  }

  private watch(client: OPCUAClient, session: ClientSession) {
    client.on("connection_lost", () => {
      if (this.client !== client) return;
      this.opts.logger.warn({ device: this.opts.device }, "OPC UA connection lost; node-opcua is repairing it");
      this.setState("reconnecting", new AdapterError("UNREACHABLE", `${this.describe}: connection lost`, true));
      this.emit("lost");
    });
    client.on("connection_reestablished", () => {
      if (this.client !== client) return;
      void this.restored(session);
    });
    client.on("close", (err) => {
      // a close we did not ask for: node-opcua gave up on the channel; start over with a new client
      if (this.client !== client || this.abort.signal.aborted) return;
      this.client = undefined;
      this.info = undefined;
      void withTimeout(client.disconnect(), 3000, `${this.describe}: disconnect`).catch(() => undefined);
      this.setState("down", failureError(this.describe, err ?? "connection closed"));
      this.loop = this.run();
    });
  }

  private async restored(session: ClientSession) {
    const previous = this.info;
    let described = { namespaces: previous?.namespaces ?? [], limits: previous?.limits ?? noLimits };
    try {
      described = await withTimeout(this.describeServer(session), this.opts.requestTimeoutMs, `${this.describe}: read server description`);
    } catch (err) {
      this.opts.logger.warn({ err, device: this.opts.device }, "could not re-read the namespace array after reconnecting; keeping the previous one");
    }
    this.info = { session, ...described, generation: ++this.generation };
    this.opts.logger.info({ device: this.opts.device }, "OPC UA connection re-established");
    this.setState("up");
    this.emit("restored", this.info);
  }
}
