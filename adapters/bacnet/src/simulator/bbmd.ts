/**
 * A BACnet Broadcast Management Device for the simulated segment (ASHRAE 135 Annex J): it keeps a
 * foreign-device table (Register-Foreign-Device, time-to-live plus the 30 s grace the standard allows), passes a
 * registered foreign device's Distribute-Broadcast-To-Network to the segment and to the other foreign devices as
 * Forwarded-NPDU, and forwards the segment's broadcasts (I-Am) to the foreign devices.
 */
import type { Logger } from "pino";
import { BvlcResultFormat as R, BvlcResultPurpose as B, bvlc } from "../lib.ts";
import type { FrameInfo } from "../frame.ts";
import { UdpTransport } from "../transport.ts";
import type { LoopbackSegment } from "./segment.ts";

const GRACE_S = 30;

export interface FdtEntry {
  address: string;
  ttl: number;
  expiresAt: number;
  /** Register-Foreign-Device messages received from this address */
  registrations: number;
}

export class Bbmd {
  private transport?: UdpTransport;
  private readonly fdt = new Map<string, FdtEntry>();
  private bound = "";

  constructor(private readonly host: string, private readonly port: number, private readonly accept: boolean,
    private readonly segment: LoopbackSegment, private readonly log: Logger, private readonly now: () => number = Date.now) {}

  get address(): string {
    return this.bound;
  }

  async start(): Promise<void> {
    const transport = new UdpTransport({
      address: this.host, port: this.port, broadcast: () => this.segment.others(this.bound),
      intercept: (frame, from, info) => this.handle(frame, from, info),
    });
    transport.on("error", (e: Error) => this.log.warn({ err: e }, "BBMD socket error"));
    transport.open();
    try {
      await transport.ready;
    } catch (e) {
      transport.close();
      throw new Error(`simulated BBMD cannot bind ${this.host}:${this.port}: ${(e as Error).message}`, { cause: e });
    }
    this.transport = transport;
    this.bound = transport.localAddress;
    this.segment.join(this.bound);
  }

  stop(): void {
    this.segment.leave(this.bound);
    this.transport?.close();
    this.transport = undefined;
  }

  /** the live foreign-device table */
  table(): FdtEntry[] {
    const now = this.now();
    for (const [k, e] of this.fdt) if (e.expiresAt <= now) this.fdt.delete(k);
    return [...this.fdt.values()];
  }

  private handle(frame: Buffer, from: string, info: FrameInfo): boolean {
    switch (info.bvlcFunction) {
      case B.REGISTER_FOREIGN_DEVICE: {
        if (frame.length !== 6 || !this.accept) {
          this.result(from, R.REGISTER_FOREIGN_DEVICE_NAK);
          break;
        }
        const ttl = frame.readUInt16BE(4);
        const registrations = (this.fdt.get(from)?.registrations ?? 0) + 1;
        this.fdt.set(from, { address: from, ttl, expiresAt: this.now() + (ttl + GRACE_S) * 1000, registrations });
        this.log.debug({ from, ttl }, "foreign device registered");
        this.result(from, R.SUCCESSFUL_COMPLETION);
        break;
      }
      case B.DISTRIBUTE_BROADCAST_TO_NETWORK:
        if (!this.table().some((e) => e.address === from)) {
          this.result(from, R.DISTRIBUTE_BROADCAST_TO_NETWORK_NAK);
          break;
        }
        this.forward(frame.subarray(info.npduOffset ?? 4), from, [...this.segment.others(this.bound), ...this.foreignDevices(from)]);
        break;
      case B.ORIGINAL_BROADCAST_NPDU:
        this.forward(frame.subarray(info.npduOffset ?? 4), from, this.foreignDevices(from));
        break;
      default:
        break;
    }
    return true;
  }

  private foreignDevices(except: string): string[] {
    return this.table().map((e) => e.address).filter((a) => a !== except);
  }

  private forward(npdu: Buffer, originator: string, to: string[]) {
    const frame = Buffer.alloc(10 + npdu.length);
    npdu.copy(frame, 10);
    bvlc.encode(frame, B.FORWARDED_NPDU, frame.length, originator);
    for (const peer of to) this.transport?.send(frame, frame.length, peer);
  }

  private result(to: string, code: R) {
    const frame = Buffer.from([0x81, B.BVLC_RESULT, 0x00, 0x06, code >> 8, code & 0xff]);
    this.transport?.send(frame, frame.length, to);
  }
}
