/**
 * One UDP socket that speaks ECHONET Lite frames. Datagrams that do not decode are counted and dropped, never
 * thrown: a malformed frame from the network must not stop the socket.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { Logger } from "pino";
import { decodeFrame, describeFrame, encodeFrame, FrameError, type Frame } from "./protocol/frame.ts";

export interface Endpoint {
  /** IP address; IPv6 link-local addresses carry their zone ("fe80::1%eth0") */
  address: string;
  port: number;
}

export interface UdpOptions {
  address: string;
  port: number;
  /** share the port with other sockets (multicast listeners) */
  reuseAddr?: boolean;
  /** join this group on the socket (receiving multicast) */
  join?: { group: string; interface?: string };
  /** how multicast leaves this socket (sending multicast) */
  multicastOut?: { interface?: string; ttl: number; loopback: boolean };
  logger?: Logger;
}

export interface UdpStats { framesIn: number; framesOut: number; malformed: number; sendErrors: number }

export type FrameHandler = (frame: Frame, from: Endpoint) => void;

/** IPv4 interface address, or an IPv6 interface name turned into Node's "::%name" form. */
export function multicastInterface(iface: string | undefined, v6: boolean): string | undefined {
  if (!iface) return undefined;
  return v6 && !iface.includes(":") ? `::%${iface}` : iface;
}

/** Canonical form for comparing peers: no zone, no IPv4-mapped prefix, lower case. */
export function sameHost(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/%.*$/, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
  return norm(a) === norm(b);
}

export class UdpEndpoint {
  readonly stats: UdpStats = { framesIn: 0, framesOut: 0, malformed: 0, sendErrors: 0 };
  private socket?: Socket;
  private handlers: FrameHandler[] = [];
  readonly v6: boolean;

  constructor(private opts: UdpOptions) {
    this.v6 = isIPv6(opts.address.replace(/%.*$/, ""));
  }

  onFrame(handler: FrameHandler) {
    this.handlers.push(handler);
  }

  async start(): Promise<void> {
    const { opts } = this;
    const socket = createSocket({ type: this.v6 ? "udp6" : "udp4", reuseAddr: opts.reuseAddr ?? false, ...(this.v6 ? { ipv6Only: true } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: opts.address, port: opts.port, exclusive: true }, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("error", (err) => opts.logger?.warn({ err }, "ECHONET Lite socket error"));
    socket.on("message", (buf, rinfo) => this.receive(buf, { address: rinfo.address, port: rinfo.port }));
    try {
      if (opts.join) socket.addMembership(opts.join.group, multicastInterface(opts.join.interface, this.v6));
      if (opts.multicastOut) {
        const iface = multicastInterface(opts.multicastOut.interface, this.v6);
        if (iface) socket.setMulticastInterface(iface);
        socket.setMulticastTTL(opts.multicastOut.ttl);
        socket.setMulticastLoopback(opts.multicastOut.loopback);
      }
    } catch (e) {
      socket.close();
      throw e;
    }
    this.socket = socket;
  }

  private receive(buf: Buffer, from: Endpoint) {
    let frame: Frame;
    try {
      frame = decodeFrame(buf);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.stats.malformed++;
      this.opts.logger?.debug({ from, reason: e.message, bytes: buf.subarray(0, 64).toString("hex") }, "malformed ECHONET Lite frame dropped");
      return;
    }
    this.stats.framesIn++;
    if (this.opts.logger?.isLevelEnabled("trace")) this.opts.logger.trace({ from, frame: describeFrame(frame) }, "frame in");
    for (const h of this.handlers) h(frame, from);
  }

  async send(frame: Frame, to: Endpoint): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error("ECHONET Lite socket is not open");
    const buf = encodeFrame(frame);
    await new Promise<void>((resolve, reject) => socket.send(buf, to.port, to.address, (err) => (err ? reject(err) : resolve())))
      .catch((err) => {
        this.stats.sendErrors++;
        throw err;
      });
    this.stats.framesOut++;
    if (this.opts.logger?.isLevelEnabled("trace")) this.opts.logger.trace({ to, frame: describeFrame(frame) }, "frame out");
  }

  address(): Endpoint {
    const a = this.socket?.address();
    return a ? { address: a.address, port: a.port } : { address: this.opts.address, port: this.opts.port };
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
