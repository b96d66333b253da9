/**
 * The controller side of ECHONET Lite: requests with TID matching, retries and timeouts, one request in flight per
 * node, discovery by multicast and unicast, and notifications (INF/INFC) handed to listeners.
 */
import type { Logger } from "pino";
import { AdapterError, type Counters } from "gridhub/hub";
import { ANSWERS, CONTROLLER, EPC, ESV, NODE_PROFILE_ALL } from "./protocol/constants.ts";
import { decodeInstanceList, decodePropertyMap, EdtError } from "./protocol/edt.ts";
import { classOf, formatEoj, instanceOf, type Frame, type Property } from "./protocol/frame.ts";
import { sameHost, UdpEndpoint, type Endpoint } from "./transport.ts";

export interface Target extends Endpoint {
  eoj: number;
}

export interface RequestPolicy {
  timeoutMs: number;
  retries: number;
  /** properties per request; larger reads are split */
  maxProperties: number;
}

export interface ControllerOptions {
  bind: Endpoint;
  /** multicast group and interface; absent = no multicast (unicast discovery targets only) */
  multicast?: { group: string; interface?: string; ttl: number; loopback: boolean };
  seoj?: number;
  policy: RequestPolicy;
  logger?: Logger;
  /** the hub's counters: frames in and out, timeouts */
  counters?: Pick<Counters, "inc">;
}

export interface PropertyMaps { get: Set<number>; set: Set<number>; inf: Set<number> }

export interface DiscoveredObject extends Target {
  maps?: PropertyMaps;
  manufacturer?: string;
  error?: string;
}

export type NotificationListener = (frame: Frame, from: Endpoint) => void;

interface Pending {
  frame: Frame;
  to?: Endpoint;
  resolve(f: Frame, from: Endpoint): void;
  fail(e: Error): void;
}

/** A response answers a request if it comes from the addressed node and object (instance 0 = any instance). */
function answers(req: Pending, res: Frame, from: Endpoint): boolean {
  const ans = ANSWERS[req.frame.esv];
  if (!ans || (res.esv !== ans.ok && res.esv !== ans.sna)) return false;
  if (req.to && (!sameHost(req.to.address, from.address) || req.to.port !== from.port)) return false;
  const deoj = req.frame.deoj;
  return instanceOf(deoj) === 0 ? classOf(res.seoj) === classOf(deoj) : res.seoj === deoj;
}

export class Controller {
  readonly seoj: number;
  private unicast: UdpEndpoint;
  private groupSocket?: UdpEndpoint;
  private pending = new Map<number, Pending>();
  private queues = new Map<string, Promise<unknown>>();
  private listeners: NotificationListener[] = [];
  private nextTid = 1;
  private joinOnUnicast: boolean;
  readonly stats = { requests: 0, retries: 0, timeouts: 0, unmatched: 0, notifications: 0 };

  constructor(private opts: ControllerOptions) {
    this.seoj = opts.seoj ?? CONTROLLER;
    const { multicast, bind, logger } = opts;
    // a socket bound to the wildcard address can join the group itself; one bound to an address cannot see multicast
    this.joinOnUnicast = !!multicast && (bind.address === "0.0.0.0" || bind.address === "::");
    this.unicast = new UdpEndpoint({
      address: bind.address, port: bind.port, logger,
      ...(multicast && this.joinOnUnicast ? { join: { group: multicast.group, interface: multicast.interface } } : {}),
      ...(multicast ? { multicastOut: { interface: multicast.interface, ttl: multicast.ttl, loopback: multicast.loopback } } : {}),
    });
  }

  async start() {
    this.unicast.onFrame((f, from) => this.receive(f, from));
    await this.unicast.start();
    const { multicast, logger } = this.opts;
    if (!multicast || this.joinOnUnicast) return;
    // listen on the group itself, sharing the port the unicast socket got
    this.groupSocket = new UdpEndpoint({
      address: multicast.group, port: this.unicast.address().port, reuseAddr: true, logger,
      join: { group: multicast.group, interface: multicast.interface },
    });
    this.groupSocket.onFrame((f, from) => this.receive(f, from));
    try {
      await this.groupSocket.start();
    } catch (e) {
      await this.unicast.close();
      throw e;
    }
  }

  async stop() {
    for (const p of this.pending.values()) p.fail(new AdapterError("UNREACHABLE", "the ECHONET Lite controller stopped"));
    this.pending.clear();
    await this.unicast.close();
    await this.groupSocket?.close();
  }

  address(): Endpoint {
    return this.unicast.address();
  }

  transportStats() {
    const u = this.unicast.stats;
    const l = this.groupSocket?.stats;
    return { framesIn: u.framesIn + (l?.framesIn ?? 0), framesOut: u.framesOut, malformed: u.malformed + (l?.malformed ?? 0), sendErrors: u.sendErrors };
  }

  onNotification(listener: NotificationListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private receive(frame: Frame, from: Endpoint) {
    this.opts.counters?.inc("messagesIn");
    const p = this.pending.get(frame.tid);
    if (p && answers(p, frame, from)) {
      p.resolve(frame, from);
      return;
    }
    if (frame.esv === ESV.INF || frame.esv === ESV.INFC) {
      this.stats.notifications++;
      if (frame.esv === ESV.INFC) {
        const ack: Frame = { tid: frame.tid, seoj: this.seoj, deoj: frame.seoj, esv: ESV.INFC_Res, props: frame.props.map((x) => ({ epc: x.epc, edt: Buffer.alloc(0) })) };
        this.unicast.send(ack, from).catch((err) => this.opts.logger?.warn({ err, to: from }, "INFC_Res not sent"));
      }
      for (const l of this.listeners) l(frame, from);
      return;
    }
    // stray or late answers are counted; requests from other controllers are ignored (we serve no objects)
    if (frame.esv >= 0x70 || frame.esv < 0x60) this.stats.unmatched++;
  }

  private allocTid(): number {
    for (let i = 0; i < 0x10000; i++) {
      const tid = this.nextTid;
      this.nextTid = (this.nextTid + 1) & 0xffff || 1;
      if (!this.pending.has(tid)) return tid;
    }
    throw new AdapterError("UNREACHABLE", "all 65535 transaction ids are in use", true);
  }

  /** Runs fn after the requests already queued for the same node: many devices handle one request at a time. */
  private serial<T>(to: Endpoint, fn: () => Promise<T>): Promise<T> {
    const key = `${to.address}|${to.port}`;
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }

  /** Sends one request and waits for its answer (positive or *_SNA), resending it with the same TID on silence. */
  request(to: Target, esv: number, props: Property[], getProps?: Property[]): Promise<Frame> {
    return this.serial(to, () => this.exchange(to, esv, props, getProps));
  }

  private async exchange(to: Target, esv: number, props: Property[], getProps?: Property[]): Promise<Frame> {
    const { timeoutMs, retries } = this.opts.policy;
    const frame: Frame = { tid: this.allocTid(), seoj: this.seoj, deoj: to.eoj, esv, props, ...(getProps ? { getProps } : {}) };
    this.stats.requests++;
    try {
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) this.stats.retries++;
        let timer: NodeJS.Timeout | undefined;
        const answer = new Promise<Frame | Error | undefined>((resolve) => {
          this.pending.set(frame.tid, { frame, to, resolve: (f) => resolve(f), fail: (e) => resolve(e) });
          timer = setTimeout(() => resolve(undefined), timeoutMs);
        });
        try {
          await this.unicast.send(frame, to);
          this.opts.counters?.inc("messagesOut");
        } catch (err) {
          clearTimeout(timer);
          throw new AdapterError("UNREACHABLE", `cannot send to ${to.address}:${to.port}: ${(err as Error).message}`, true, { cause: err });
        }
        const res = await answer;
        clearTimeout(timer);
        if (res instanceof Error) throw res;
        if (res) return res;
      }
    } finally {
      this.pending.delete(frame.tid);
    }
    this.stats.timeouts++;
    this.opts.counters?.inc("timeouts");
    throw new AdapterError("TIMEOUT", `${formatEoj(to.eoj)} at ${to.address}:${to.port} did not answer within ${timeoutMs} ms (${retries + 1} attempts)`, true);
  }

  /** Reads properties; the map holds the EDT of each EPC, or null where the node refused it (Get_SNA, PDC 0). */
  async get(to: Target, epcs: number[]): Promise<Map<number, Buffer | null>> {
    const out = new Map<number, Buffer | null>();
    const unique = [...new Set(epcs)];
    const max = this.opts.policy.maxProperties;
    for (let i = 0; i < unique.length; i += max) {
      const chunk = unique.slice(i, i + max);
      const res = await this.request(to, ESV.Get, chunk.map((epc) => ({ epc, edt: Buffer.alloc(0) })));
      for (const epc of chunk) {
        const p = res.props.find((x) => x.epc === epc);
        out.set(epc, p && (res.esv === ESV.Get_Res || p.edt.length > 0) ? p.edt : null);
      }
    }
    return out;
  }

  /** Writes properties with SetC; the map says per EPC whether the node accepted it (Set_Res, or PDC 0 in SetC_SNA). */
  async set(to: Target, props: Property[]): Promise<Map<number, boolean>> {
    const out = new Map<number, boolean>();
    const max = this.opts.policy.maxProperties;
    for (let i = 0; i < props.length; i += max) {
      const chunk = props.slice(i, i + max);
      const res = await this.request(to, ESV.SetC, chunk);
      for (const p of chunk) {
        const r = res.props.find((x) => x.epc === p.epc);
        out.set(p.epc, res.esv === ESV.Set_Res || (r !== undefined && r.edt.length === 0));
      }
    }
    return out;
  }

  async propertyMaps(to: Target): Promise<PropertyMaps> {
    return this.mapsFrom(to, await this.get(to, [EPC.getPropertyMap, EPC.setPropertyMap, EPC.infPropertyMap]));
  }

  private mapsFrom(to: Target, m: Map<number, Buffer | null>): PropertyMaps {
    const decode = (epc: number) => {
      const edt = m.get(epc);
      if (!edt) throw new AdapterError("PROTOCOL_REJECT", `${formatEoj(to.eoj)} refused its property map 0x${epc.toString(16).toUpperCase()}`);
      try {
        return new Set(decodePropertyMap(edt));
      } catch (e) {
        throw new AdapterError("PROTOCOL_REJECT", `${formatEoj(to.eoj)} sent a bad property map: ${(e as EdtError).message}`);
      }
    };
    return { get: decode(EPC.getPropertyMap), set: decode(EPC.setPropertyMap), inf: decode(EPC.infPropertyMap) };
  }

  /**
   * Finds nodes: one Get of the node profile's instance list (0xD6) by multicast and to each unicast target, answers
   * collected for `timeoutMs`; then each object's property maps and manufacturer code.
   */
  async discover(opts: {
    timeoutMs: number;
    targets: Endpoint[];
    port: number;
    /** stop listening once this many nodes answered (when the installation is known) */
    expectNodes?: number;
    onNode?: (done: number, total: number) => void;
  }): Promise<DiscoveredObject[]> {
    const tid = this.allocTid();
    const frame: Frame = { tid, seoj: this.seoj, deoj: NODE_PROFILE_ALL, esv: ESV.Get, props: [{ epc: EPC.selfNodeInstanceListS, edt: Buffer.alloc(0) }] };
    const nodes = new Map<string, { from: Endpoint; eojs: number[] }>();
    let finish!: () => void;
    const window = new Promise<void>((r) => (finish = r));
    const timer = setTimeout(finish, opts.timeoutMs);
    const collect = (res: Frame, from: Endpoint) => {
      const key = `${from.address}|${from.port}`;
      const p = res.props.find((x) => x.epc === EPC.selfNodeInstanceListS);
      if (nodes.has(key) || !p || p.edt.length === 0) return;
      try {
        nodes.set(key, { from, eojs: decodeInstanceList(p.edt) });
      } catch (e) {
        this.opts.logger?.warn({ from, reason: (e as Error).message }, "node sent a bad instance list");
      }
      if (opts.expectNodes !== undefined && nodes.size >= opts.expectNodes) finish();
    };
    this.pending.set(tid, { frame, resolve: collect, fail: finish });
    try {
      const sends: Promise<void>[] = this.opts.multicast
        ? [this.unicast.send(frame, { address: this.opts.multicast.group, port: opts.port })]
        : [];
      sends.push(...opts.targets.map((t) => this.unicast.send(frame, t)));
      const sent = await Promise.allSettled(sends);
      for (const s of sent) if (s.status === "rejected") this.opts.logger?.warn({ err: s.reason }, "discovery request not sent");
      await window;
    } finally {
      clearTimeout(timer);
      this.pending.delete(tid);
    }
    const objects = [...nodes.values()].flatMap(({ from, eojs }) => eojs.map((eoj) => ({ ...from, eoj })));
    let done = 0;
    return Promise.all(objects.map(async (o): Promise<DiscoveredObject> => {
      try {
        const got = await this.get(o, [EPC.getPropertyMap, EPC.setPropertyMap, EPC.infPropertyMap, EPC.manufacturerCode]);
        const maker = got.get(EPC.manufacturerCode);
        return { ...o, maps: this.mapsFrom(o, got), ...(maker ? { manufacturer: maker.toString("hex").toUpperCase() } : {}) };
      } catch (e) {
        return { ...o, error: (e as Error).message };
      } finally {
        opts.onNode?.(++done, objects.length);
      }
    }));
  }
}
