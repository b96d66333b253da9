/**
 * The UDP transport handed to @bacnet-js/client in place of its own. Ours binds any address and port (0 =
 * ephemeral, which the library's transport turns into 47808), reports bind errors to the caller, and guards the
 * library's receive path: malformed frames are dropped with a reason, exceptions thrown while decoding never reach
 * the event loop, responses are accepted only from the peer the request went to (the library matches invoke ids
 * alone), and stray Segment-ACKs are dropped (the library answers them with another Segment-ACK).
 */
import { createSocket, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { PduConReqBit, PduType } from "./lib.ts";
import { inspectFrame, isResponse, type FrameInfo } from "./frame.ts";

const DEFAULT_PORT = 47808;

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  if (i < 0) return { host: address, port: DEFAULT_PORT };
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** "host" or "host:port" -> "host:port" */
export function normalizeAddress(address: string): string {
  const { host, port } = splitAddress(address);
  return `${host}:${port}`;
}

export type DropReason = "malformed" | "unmatched-response" | "stray-segment-ack" | "decode-error";

export interface TransportOptions {
  /** local address to bind, e.g. 0.0.0.0 or 127.0.0.1 */
  address: string;
  /** local UDP port; 0 picks a free one */
  port: number;
  /**
   * where broadcasts go: "a.b.c.d" (port 47808) or "a.b.c.d:port"; or a list of peers, for the simulator's
   * loopback segment, where there is no broadcast
   */
  broadcast: string | (() => string[]);
  /** frames a consumer handles itself (BBMD functions, simulator checks); return true when consumed */
  intercept?: (frame: Buffer, from: string, info: FrameInfo) => boolean;
  onDrop?: (reason: DropReason, from: string, detail?: string) => void;
}

export class UdpTransport extends EventEmitter {
  readonly ready: Promise<{ address: string; port: number }>;
  private readonly socket: Socket;
  private local = "";
  /** invoke id -> peer of our outstanding confirmed requests */
  private readonly pending = new Map<number, string>();
  /** invoke id -> how a failed request was answered (the library reports Reject and Abort alike) */
  private readonly refusals = new Map<number, "reject" | "abort">();
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    super();
    this.socket = createSocket({ type: "udp4", reuseAddr: false });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.once("listening", () => {
        this.socket.off("error", reject);
        this.socket.on("error", (e) => this.emit("error", e));
        this.socket.setBroadcast(true);
        const a = this.socket.address();
        this.local = `${a.address}:${a.port}`;
        resolve({ address: a.address, port: a.port });
        this.emit("listening", a);
      });
    });
    this.ready.catch(() => undefined);
    this.socket.on("message", (msg, rinfo) => this.receive(msg, `${rinfo.address}:${rinfo.port}`));
  }

  /** the bound "address:port" */
  get localAddress(): string {
    return this.local;
  }

  private receive(frame: Buffer, from: string) {
    if (from === this.local) return;
    const info = inspectFrame(frame);
    if (!info) return this.options.onDrop?.("malformed", from);
    if (this.options.intercept?.(frame, from, info)) return;
    const apdu = info.apdu;
    if (apdu?.pduType === PduType.SEGMENT_ACK) return this.options.onDrop?.("stray-segment-ack", from);
    if (apdu && isResponse(apdu.pduType) && apdu.invokeId !== undefined) {
      if (this.pending.get(apdu.invokeId) !== from) return this.options.onDrop?.("unmatched-response", from);
      const final = apdu.pduType !== PduType.COMPLEX_ACK || (apdu.flags & PduConReqBit.MORE_FOLLOWS) === 0;
      if (final) this.pending.delete(apdu.invokeId);
      if (apdu.pduType === PduType.REJECT) this.refusals.set(apdu.invokeId, "reject");
      if (apdu.pduType === PduType.ABORT) this.refusals.set(apdu.invokeId, "abort");
    }
    try {
      this.emit("message", frame, from);
    } catch (e) {
      this.options.onDrop?.("decode-error", from, (e as Error).message);
    }
  }

  /** whether the request with this invoke id was refused by a Reject or an Abort PDU (read once) */
  takeRefusal(invokeId: number): "reject" | "abort" | undefined {
    const r = this.refusals.get(invokeId);
    this.refusals.delete(invokeId);
    return r;
  }

  // --- the transport interface @bacnet-js/client calls ---

  open(): void {
    this.socket.bind(this.options.port, this.options.address);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    try {
      this.socket.close();
    } catch {
      // never bound: nothing to close
    }
  }

  getMaxPayload(): number {
    return 1482;
  }

  send(buffer: Buffer, length: number, receiver?: string): void {
    if (this.closed) return;
    const to = receiver ? normalizeAddress(receiver) : "broadcast";
    const info = inspectFrame(buffer.subarray(0, length));
    if (info?.apdu?.pduType === PduType.CONFIRMED_REQUEST && info.apdu.invokeId !== undefined) {
      this.pending.set(info.apdu.invokeId, to);
      this.refusals.delete(info.apdu.invokeId);
    }
    for (const peer of receiver ? [to] : this.broadcastTargets()) {
      const { host, port } = splitAddress(peer);
      this.socket.send(buffer, 0, length, port, host);
    }
  }

  private broadcastTargets(): string[] {
    const b = this.options.broadcast;
    return typeof b === "string" ? [normalizeAddress(b)] : b().map(normalizeAddress);
  }
}
