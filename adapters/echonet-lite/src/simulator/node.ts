/**
 * One simulated ECHONET Lite node on its own address: a node profile object plus device objects. It answers
 * Get/SetC/SetI/SetGet/INF_REQ (with *_SNA when a property is refused), ignores what is not addressed to one of its
 * objects, and announces property changes and its boot (INF 0xD5) by multicast and to configured controllers.
 */
import type { Logger } from "pino";
import { CONTROLLER, EPC, ESV, esvName, NODE_PROFILE } from "../protocol/constants.ts";
import { encodeClassList, encodeInstanceList } from "../protocol/edt.ts";
import { classOf, formatEoj, instanceOf, type Frame, type Property } from "../protocol/frame.ts";
import { NODE_PROFILE_CLASS } from "../classes.ts";
import { UdpEndpoint, type Endpoint } from "../transport.ts";
import { SimObject } from "./object.ts";
import { identification, type Device } from "./physics.ts";

export interface NodeOptions {
  address: string;
  port: number;
  /** where INF announcements go: the multicast group (if any) and controllers named in the config */
  announceTo: Endpoint[];
  /** answer to this port instead of the requester's source port (devices that always answer to 3610) */
  replyPort?: number;
  /** multicast: the interface announcements leave by, and whether the node's own socket joins the group (a node bound to the wildcard address) */
  multicast?: { group: string; interface?: string; join: boolean };
  maker: number;
  logger?: Logger;
}

export interface SetRecord {
  at: string;
  node: string;
  eoj: string;
  epc: string;
  edt: string;
  esv: string;
  accepted: boolean;
}

export interface NodeStats { requests: Record<string, number>; ignored: number }

const empty = Buffer.alloc(0);
const hex2 = (n: number) => `0x${n.toString(16).toUpperCase().padStart(2, "0")}`;

export class SimNode {
  readonly profile: SimObject;
  readonly socket: UdpEndpoint;
  readonly stats: NodeStats = { requests: {}, ignored: 0 };
  private tid = 0;

  constructor(
    readonly opts: NodeOptions,
    readonly devices: Device[],
    private onSet: (r: SetRecord) => void,
    private clock: () => { time: Date; utcOffsetHours: number },
  ) {
    this.profile = new SimObject(NODE_PROFILE, NODE_PROFILE_CLASS);
    const eojs = devices.map((d) => d.obj.eoj);
    const classes = [...new Set(eojs.map(classOf))];
    this.profile.put(0x80, Buffer.from([0x30]));
    // Version 1.13, specified message format only
    this.profile.put(0x82, Buffer.from([0x01, 0x0d, 0x01, 0x00]));
    this.profile.put(0x83, identification(`${opts.address}:${opts.port}`, opts.maker));
    this.profile.put(0x8a, Buffer.from([(opts.maker >> 16) & 0xff, (opts.maker >> 8) & 0xff, opts.maker & 0xff]));
    this.profile.put(EPC.selfNodeInstances, Buffer.from([0, 0, eojs.length]));
    this.profile.setNum(EPC.selfNodeClasses, classes.length + 1);
    this.profile.put(EPC.selfNodeInstanceListS, encodeInstanceList(eojs));
    this.profile.put(EPC.selfNodeClassListS, encodeClassList(classes));
    const m = opts.multicast;
    this.socket = new UdpEndpoint({
      address: opts.address, port: opts.port, logger: opts.logger,
      ...(m ? { multicastOut: { interface: m.interface, ttl: 1, loopback: true } } : {}),
      ...(m?.join ? { join: { group: m.group, interface: m.interface } } : {}),
    });
    this.socket.onFrame((f, from) => void this.handle(f, from));
  }

  get endpoint(): Endpoint {
    return this.socket.address();
  }

  private objects(): SimObject[] {
    return [this.profile, ...this.devices.map((d) => d.obj)];
  }

  async start() {
    await this.socket.start();
    await this.announce(this.profile, [{ epc: EPC.instanceListNotification, edt: encodeInstanceList(this.devices.map((d) => d.obj.eoj)) }]);
  }

  stop() {
    return this.socket.close();
  }

  /** A request for this node (by unicast, or a multicast frame passed on by the simulator). */
  async handle(frame: Frame, from: Endpoint) {
    if (frame.esv < 0x60 || frame.esv > 0x6f) return;
    const targets = this.objects().filter((o) => classOf(o.eoj) === classOf(frame.deoj) && (instanceOf(frame.deoj) === 0 || o.eoj === frame.deoj));
    if (!targets.length) {
      this.stats.ignored++;
      return;
    }
    const name = esvName.get(frame.esv) ?? hex2(frame.esv);
    this.stats.requests[name] = (this.stats.requests[name] ?? 0) + 1;
    for (const obj of targets) {
      const answer = this.answer(obj, frame, name);
      const to = { address: from.address, port: this.opts.replyPort ?? from.port };
      if (answer) await this.socket.send(answer, to).catch((err) => this.opts.logger?.warn({ err, to }, "answer not sent"));
    }
    await this.flush();
  }

  private reads(obj: SimObject, props: Property[]): { props: Property[]; ok: boolean } {
    const values = props.map((p) => obj.read(p.epc));
    return { props: props.map((p, i) => ({ epc: p.epc, edt: values[i] ?? empty })), ok: values.every((v) => v !== undefined) };
  }

  private writes(obj: SimObject, props: Property[], esv: string): { props: Property[]; ok: boolean } {
    const out = props.map((p) => {
      const accepted = obj.write(p.epc, p.edt);
      this.onSet({ at: new Date().toISOString(), node: `${this.opts.address}:${this.endpoint.port}`, eoj: formatEoj(obj.eoj), epc: hex2(p.epc), edt: p.edt.toString("hex"), esv, accepted });
      return { epc: p.epc, edt: accepted ? empty : p.edt };
    });
    const device = this.devices.find((d) => d.obj === obj);
    const done = props.filter((_, i) => out[i].edt.length === 0).map((p) => p.epc);
    if (device?.afterSet && done.length) device.afterSet(done, { ...this.clock(), surplusW: 0, netW: 0 });
    return { props: out, ok: out.every((p) => p.edt.length === 0) };
  }

  private answer(obj: SimObject, f: Frame, name: string): Frame | undefined {
    const reply = (esv: number, props: Property[], getProps?: Property[]): Frame =>
      ({ tid: f.tid, seoj: obj.eoj, deoj: f.seoj, esv, props, ...(getProps ? { getProps } : {}) });
    switch (f.esv) {
      case ESV.Get: {
        const r = this.reads(obj, f.props);
        return reply(r.ok ? ESV.Get_Res : ESV.Get_SNA, r.props);
      }
      case ESV.INF_REQ: {
        const r = this.reads(obj, f.props);
        return reply(r.ok ? ESV.INF : ESV.INF_SNA, r.props);
      }
      case ESV.SetC: {
        const w = this.writes(obj, f.props, name);
        return reply(w.ok ? ESV.Set_Res : ESV.SetC_SNA, w.props);
      }
      case ESV.SetI: {
        const w = this.writes(obj, f.props, name);
        return w.ok ? undefined : reply(ESV.SetI_SNA, w.props);
      }
      case ESV.SetGet: {
        const w = this.writes(obj, f.props, name);
        const r = this.reads(obj, f.getProps ?? []);
        return reply(w.ok && r.ok ? ESV.SetGet_Res : ESV.SetGet_SNA, w.props, r.props);
      }
      default:
        return undefined;
    }
  }

  /** Sends INF for every announced property that changed since the last flush. */
  async flush() {
    for (const obj of this.objects()) {
      const epcs = obj.takeAnnouncements();
      if (epcs.length) await this.announce(obj, epcs.map((epc) => ({ epc, edt: obj.read(epc)! })));
    }
  }

  private async announce(obj: SimObject, props: Property[]) {
    this.tid = (this.tid + 1) & 0xffff;
    const frame: Frame = { tid: this.tid, seoj: obj.eoj, deoj: CONTROLLER, esv: ESV.INF, props };
    for (const to of this.opts.announceTo) {
      await this.socket.send(frame, to).catch((err) => this.opts.logger?.debug({ err, to }, "announcement not sent"));
    }
  }
}
