/**
 * The adapter's BACnet/IP endpoint: one @bacnet-js/client on our transport, with the request discipline the
 * library leaves to its user: bounded concurrency, our own invoke ids (so a Reject is told from an Abort),
 * retries on timeout, and typed errors that name the device and the exchange.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { AdapterError } from "gridhub/hub";
import {
  BACnetClient, type BACNetAppData, type BACNetObjectID, type BACNetReadAccessSpecification,
  type DecodeAcknowledgeMultipleResult,
} from "./lib.ts";
import { classify, toAdapterError } from "./errors.ts";
import { Scheduler } from "./scheduler.ts";
import { normalizeAddress, UdpTransport, type DropReason } from "./transport.ts";

export interface StackOptions {
  address: string;
  port: number;
  broadcastAddress: string;
  apduTimeoutMs: number;
  retries: number;
  maxConcurrent: number;
  maxPerDevice: number;
  logger: Logger;
}

export interface IAm {
  instance: number;
  /** where the device answers ("host:port"); for a forwarded I-Am, the originator, not the BBMD */
  address: string;
  maxApdu: number;
  segmentation: number;
  vendorId: number;
}

export interface CovNotification {
  processId: number;
  deviceInstance: number;
  objectId: BACNetObjectID;
  values: { property: { id: number; index?: number }; value: BACNetAppData[] }[];
}

export interface WhoIsRange { low?: number; high?: number }

export type ReadResult = DecodeAcknowledgeMultipleResult["values"];

export class BacnetStack extends EventEmitter<{ iAm: [IAm]; cov: [CovNotification] }> {
  private readonly scheduler: Scheduler;
  private readonly inUse = new Set<number>();
  private nextInvokeId = 1;

  private constructor(
    private readonly options: StackOptions,
    private readonly transport: UdpTransport,
    private readonly client: BACnetClient,
    /** frames the transport dropped, by reason */
    readonly drops: Record<DropReason, number>,
  ) {
    super();
    this.scheduler = new Scheduler(options.maxConcurrent, options.maxPerDevice);
    client.on("error", (e: Error) => options.logger.warn({ err: e }, "BACnet socket error"));
    client.on("iAm", (c) => {
      const sender = c.header?.sender;
      const from = sender?.forwardedFrom ?? sender?.address;
      if (!from || typeof c.payload?.deviceId !== "number") return;
      this.emit("iAm", {
        instance: c.payload.deviceId, address: normalizeAddress(from), maxApdu: c.payload.maxApdu,
        segmentation: c.payload.segmentation, vendorId: c.payload.vendorId,
      });
    });
    client.on("covNotifyUnconfirmed", (c) => this.onCov(c.payload));
    client.on("covNotify", (c) => {
      if (c.header?.sender && c.invokeId !== undefined && c.service !== undefined) this.client.simpleAckResponse(c.header.sender, c.service, c.invokeId);
      this.onCov(c.payload);
    });
  }

  /** Binds the local port; a bind failure is a CONFIG error naming the address. */
  static async open(options: StackOptions): Promise<BacnetStack> {
    const drops: Record<DropReason, number> = { "malformed": 0, "unmatched-response": 0, "stray-segment-ack": 0, "decode-error": 0 };
    const transport = new UdpTransport({
      address: options.address, port: options.port, broadcast: options.broadcastAddress,
      onDrop: (reason, from, detail) => {
        drops[reason]++;
        options.logger.debug({ from, reason, detail }, "dropped a BACnet frame");
      },
    });
    const client = new BACnetClient({ transport, apduTimeout: options.apduTimeoutMs });
    try {
      await transport.ready;
    } catch (e) {
      client.close();
      throw new AdapterError("CONFIG", `cannot bind BACnet/IP to ${options.address}:${options.port}: ${(e as Error).message}`, false, { cause: e });
    }
    return new BacnetStack(options, transport, client, drops);
  }

  get localAddress(): string {
    return this.transport.localAddress;
  }

  close(): void {
    this.scheduler.close();
    this.client.close();
  }

  private onCov(p: { subscriberProcessId: number; initiatingDeviceId: unknown; monitoredObjectId: BACNetObjectID; values: CovNotification["values"] } | undefined) {
    if (!p) return;
    const dev = p.initiatingDeviceId as { instance?: number } | number;
    const deviceInstance = typeof dev === "number" ? dev : dev?.instance;
    if (typeof deviceInstance !== "number") return;
    this.emit("cov", { processId: p.subscriberProcessId, deviceInstance, objectId: p.monitoredObjectId, values: p.values ?? [] });
  }

  private takeInvokeId(): number {
    for (let i = 0; i < 255; i++) {
      const id = this.nextInvokeId;
      this.nextInvokeId = id === 255 ? 1 : id + 1;
      if (!this.inUse.has(id)) {
        this.inUse.add(id);
        return id;
      }
    }
    throw new AdapterError("UNREACHABLE", "all 255 BACnet invoke ids are in use");
  }

  /**
   * One confirmed exchange with `peer`, retried on timeout. `what` names it in errors. `exclusive` for requests
   * whose answer may come back segmented (see Scheduler).
   */
  private request<T>(peer: string, what: string, call: (invokeId: number) => Promise<T>, exclusive = false): Promise<T> {
    return this.scheduler.run(peer, async () => {
      for (let attempt = 0; ; attempt++) {
        const invokeId = this.takeInvokeId();
        try {
          return await call(invokeId);
        } catch (e) {
          const failure = classify(e, this.transport.takeRefusal(invokeId));
          if (failure.kind === "timeout" && attempt < this.options.retries) continue;
          throw toAdapterError(failure, `${what} at ${peer}`);
        } finally {
          this.inUse.delete(invokeId);
        }
      }
    }, exclusive);
  }

  readProperty(peer: string, what: string, objectId: BACNetObjectID, propertyId: number, index?: number, exclusive = false): Promise<BACNetAppData[]> {
    return this.request(peer, what, async (invokeId) => {
      const r = await this.client.readProperty({ address: peer }, objectId, propertyId, index === undefined ? { invokeId } : { invokeId, arrayIndex: index });
      return r.values;
    }, exclusive);
  }

  readPropertyMultiple(peer: string, what: string, specs: BACNetReadAccessSpecification[]): Promise<ReadResult> {
    return this.request(peer, what, async (invokeId) => (await this.client.readPropertyMultiple({ address: peer }, specs, { invokeId })).values);
  }

  writeProperty(peer: string, what: string, objectId: BACNetObjectID, propertyId: number, values: BACNetAppData[], priority?: number, index?: number): Promise<void> {
    return this.request(peer, what, (invokeId) => this.client.writeProperty({ address: peer }, objectId, propertyId, values,
      { invokeId, ...(priority !== undefined ? { priority } : {}), ...(index !== undefined ? { arrayIndex: index } : {}) }));
  }

  /** lifetime in seconds (0 = indefinite); cancel removes the subscription */
  subscribeCov(peer: string, what: string, objectId: BACNetObjectID, processId: number, cancel: boolean, confirmed: boolean, lifetime: number): Promise<void> {
    return this.request(peer, what, (invokeId) => this.client.subscribeCov({ address: peer }, objectId, processId, cancel, confirmed, lifetime, { invokeId }));
  }

  /** Who-Is to the broadcast address, or directed to one peer */
  whoIs(range: WhoIsRange, peer?: string): void {
    const limits = range.low !== undefined && range.high !== undefined ? { lowLimit: range.low, highLimit: range.high } : {};
    if (peer) this.client.whoIs({ address: peer }, limits);
    else this.client.whoIs(limits);
  }

  /** Who-Is as Distribute-Broadcast-To-Network through the BBMD we are registered with */
  whoIsThroughBbmd(bbmd: string, range: WhoIsRange): void {
    const limits = range.low !== undefined && range.high !== undefined ? { lowLimit: range.low, highLimit: range.high } : {};
    this.client.whoIsThroughBBMD({ address: bbmd }, limits);
  }

  /** BVLC Register-Foreign-Device; resolves on the BBMD's successful BVLC-Result */
  async registerForeignDevice(bbmd: string, ttlSeconds: number): Promise<void> {
    try {
      await this.client.registerForeignDevice({ address: bbmd }, ttlSeconds);
    } catch (e) {
      const f = classify(e);
      if (f.kind === "error") throw new AdapterError("PROTOCOL_REJECT", `BBMD ${bbmd} refused the foreign-device registration`, true);
      throw toAdapterError(f, `foreign-device registration at BBMD ${bbmd}`);
    }
  }
}
