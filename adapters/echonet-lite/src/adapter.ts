/**
 * The southbound ECHONET Lite adapter: mapping-table points become Get/SetC requests (one per device and batch),
 * INF notifications become point changes, and discovery lists what answers on the network.
 */
import { isIPv6 } from "node:net";
import {
  AdapterError, badValue, goodValue,
  type AdapterContext, type DiscoveredDevice, type DiscoverProgress, type PointRef, type PointValue, type PointWrite,
  type SouthboundAdapter, type Unsubscribe,
} from "gridhub/hub";
import { classDef, ENERGY_UNITS } from "./classes.ts";
import { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";
import { Controller, type PropertyMaps, type Target } from "./controller.ts";
import { EdtError } from "./protocol/edt.ts";
import { MULTICAST_V4, MULTICAST_V6, EPC, NODE_PROFILE } from "./protocol/constants.ts";
import { classOf, formatEoj, parseEoj, type Frame } from "./protocol/frame.ts";
import { decodePoint, encodePoint, unwritable } from "./point-codec.ts";
import { sameHost, type Endpoint } from "./transport.ts";

interface Resolved {
  ref: PointRef;
  target: Target;
  addr: PointAddress;
}

const hex = (epc: number) => `0x${epc.toString(16).toUpperCase()}`;

export class EchonetLiteAdapter implements SouthboundAdapter {
  readonly role = "southbound" as const;
  private controller: Controller;
  private maps = new Map<string, Promise<PropertyMaps | undefined>>();
  private multipliers = new Map<string, Promise<number>>();
  private subscriptions = new Set<{ refs: Resolved[]; onChange: (v: PointValue[]) => void }>();
  private seen = new Map<string, { lastSeen: string; timeouts: number; failing: boolean }>();
  private degraded = false;
  private stopNotifications?: () => void;

  constructor(private config: AdapterConfig, private ctx: AdapterContext) {
    const v6 = isIPv6(config.bind.address.replace(/%.*$/, ""));
    const m = config.multicast;
    this.controller = new Controller({
      bind: { address: config.bind.address, port: config.bind.port },
      seoj: parseEoj(config.controllerEoj),
      policy: config.request,
      logger: ctx.logger,
      counters: ctx.counters,
      ...(m.enabled ? { multicast: { group: m.group ?? (v6 ? MULTICAST_V6 : MULTICAST_V4), ttl: m.ttl, loopback: m.loopback, ...(m.interface ? { interface: m.interface } : {}) } } : {}),
    });
  }

  async start() {
    await this.controller.start();
    this.stopNotifications = this.controller.onNotification((f, from) => this.notified(f, from));
    this.ctx.logger.info({ bound: this.controller.address(), multicast: this.config.multicast.enabled }, "ECHONET Lite controller listening");
    this.ctx.setHealth("up");
  }

  async stop() {
    this.stopNotifications?.();
    this.subscriptions.clear();
    await this.controller.stop();
  }

  healthDetail() {
    return { bound: this.controller.address(), transport: this.controller.transportStats(), requests: this.controller.stats, peers: Object.fromEntries(this.seen) };
  }

  private target(deviceAddress: Record<string, unknown>): Target {
    const a = DeviceAddress.parse(deviceAddress);
    const host = a.interface && !a.host.includes("%") ? `${a.host}%${a.interface}` : a.host;
    return { address: host, port: a.port ?? this.config.peerPort, eoj: parseEoj(a.eoj) };
  }

  private key(t: Target) {
    return `${t.address}|${t.port}|${formatEoj(t.eoj)}`;
  }

  /** Resolves refs; those with a bad address come back as errors at once. */
  private resolve(refs: PointRef[]): { ok: Resolved[]; bad: PointValue[] } {
    const ok: Resolved[] = [];
    const bad: PointValue[] = [];
    for (const ref of refs) {
      try {
        ok.push({ ref, target: this.target(ref.deviceAddress), addr: PointAddress.parse(ref.address) });
      } catch (e) {
        bad.push(badValue(ref, new AdapterError("CONFIG", `${ref.device}/${ref.point}: bad ECHONET Lite address: ${(e as Error).message}`)));
      }
    }
    return { ok, bad };
  }

  private byDevice(items: Resolved[]): Map<string, Resolved[]> {
    const out = new Map<string, Resolved[]>();
    for (const r of items) out.set(this.key(r.target), [...(out.get(this.key(r.target)) ?? []), r]);
    return out;
  }

  /** Per-node reachability; the adapter is degraded while a node's last request went unanswered. */
  private touch(t: Target, timedOut: boolean, err?: AdapterError) {
    const k = `${t.address}:${t.port}`;
    const s = this.seen.get(k) ?? { lastSeen: "", timeouts: 0, failing: false };
    if (timedOut) s.timeouts++;
    else s.lastSeen = this.ctx.clock.now().toISOString();
    s.failing = timedOut;
    this.seen.set(k, s);
    const degraded = [...this.seen.values()].some((x) => x.failing);
    if (degraded !== this.degraded) {
      this.degraded = degraded;
      this.ctx.setHealth(degraded ? "degraded" : "up", degraded ? err : undefined);
    }
  }

  /** The object's property maps, read once; undefined when the check is off or the object will not tell. */
  private propertyMaps(t: Target): Promise<PropertyMaps | undefined> {
    if (!this.config.checkPropertyMaps) return Promise.resolve(undefined);
    const k = this.key(t);
    let p = this.maps.get(k);
    if (!p) {
      p = this.controller.propertyMaps(t).catch((e) => {
        this.maps.delete(k);
        if (e instanceof AdapterError && e.code === "PROTOCOL_REJECT") {
          this.ctx.logger.warn({ device: k, reason: e.message }, "no usable property maps; points are not checked against them");
          return undefined;
        }
        throw e;
      });
      this.maps.set(k, p);
    }
    return p;
  }

  /** coefficient × unit of an object (read once), for points with a `multiplier`. */
  private multiplier(t: Target, m: NonNullable<PointAddress["multiplier"]>, maps?: PropertyMaps): Promise<number> {
    const k = `${this.key(t)}|${m.unitEpc}|${m.coefficientEpc}`;
    let p = this.multipliers.get(k);
    if (!p) {
      p = (async () => {
        // a coefficient the object lacks counts as 1 (Appendix: "if not implemented, the coefficient is 1")
        const epcs = [m.unitEpc, m.coefficientEpc].filter((e): e is number => e !== undefined && (!maps || maps.get.has(e) || e === m.unitEpc));
        const got = await this.controller.get(t, epcs);
        let factor = 1;
        if (m.unitEpc !== undefined) {
          const edt = got.get(m.unitEpc);
          const unit = edt?.length === 1 ? ENERGY_UNITS[edt[0]] : undefined;
          if (unit === undefined) throw new AdapterError("PROTOCOL_REJECT", `unit ${hex(m.unitEpc)} of ${formatEoj(t.eoj)} is missing or unknown (${edt?.toString("hex") ?? "refused"})`);
          factor *= unit;
        }
        const coef = m.coefficientEpc !== undefined ? got.get(m.coefficientEpc) : undefined;
        if (coef?.length === 4) factor *= coef.readUInt32BE(0);
        return factor;
      })();
      p.catch(() => this.multipliers.delete(k));
      this.multipliers.set(k, p);
    }
    return p;
  }

  async read(points: PointRef[]): Promise<PointValue[]> {
    const { ok, bad } = this.resolve(points);
    const results = await Promise.all([...this.byDevice(ok).values()].map((items) => this.readDevice(items)));
    this.ctx.counters.inc("reads", points.length);
    return [...bad, ...results.flat()];
  }

  private async readDevice(items: Resolved[]): Promise<PointValue[]> {
    const t = items[0].target;
    const started = Date.now();
    try {
      const maps = await this.propertyMaps(t);
      const out: PointValue[] = [];
      const wanted: Resolved[] = [];
      for (const r of items) {
        if (maps && !maps.get.has(r.addr.epc)) {
          out.push(badValue(r.ref, new AdapterError("NOT_FOUND", `${formatEoj(t.eoj)} has no readable EPC ${hex(r.addr.epc)} (not in its Get property map)`)));
        } else wanted.push(r);
      }
      if (!wanted.length) return out;
      const edts = await this.controller.get(t, wanted.map((r) => r.addr.epc));
      this.touch(t, false);
      this.ctx.counters.observe("latencyMs", Date.now() - started);
      for (const r of wanted) out.push(await this.decode(r, edts.get(r.addr.epc) ?? null, maps));
      return out;
    } catch (e) {
      return this.failAll(items, e);
    }
  }

  private failAll(items: Resolved[], e: unknown): PointValue[] {
    const err = e instanceof AdapterError ? e : new AdapterError("UNREACHABLE", (e as Error).message, true, { cause: e });
    if (err.code === "TIMEOUT") this.touch(items[0].target, true, err);
    this.ctx.counters.inc("errors");
    return items.map((r) => badValue(r.ref, err));
  }

  private async decode(r: Resolved, edt: Buffer | null, maps?: PropertyMaps): Promise<PointValue> {
    const now = this.ctx.clock.now();
    if (!edt) return badValue(r.ref, new AdapterError("PROTOCOL_REJECT", `${formatEoj(r.target.eoj)} refused to read EPC ${hex(r.addr.epc)} (Get_SNA)`), now);
    try {
      const factor = r.addr.multiplier ? await this.multiplier(r.target, r.addr.multiplier, maps) : 1;
      const d = decodePoint(r.addr, r.ref.type, edt, factor);
      return d.noData ? { ...goodValue(r.ref, null, now), quality: "uncertain" } : goodValue(r.ref, d.value, now);
    } catch (e) {
      if (e instanceof EdtError) return badValue(r.ref, new AdapterError("PROTOCOL_REJECT", `EPC ${hex(r.addr.epc)} of ${formatEoj(r.target.eoj)}: ${e.message}`), now);
      return badValue(r.ref, e instanceof AdapterError ? e : new AdapterError("UNREACHABLE", (e as Error).message), now);
    }
  }

  async write(writes: PointWrite[]): Promise<PointValue[]> {
    const { ok, bad } = this.resolve(writes.map((w) => w.ref));
    const value = new Map(writes.map((w) => [w.ref, w.value]));
    const results = await Promise.all([...this.byDevice(ok).values()].map((items) => this.writeDevice(items, value)));
    this.ctx.counters.inc("writes", writes.length);
    return [...bad, ...results.flat()];
  }

  private async writeDevice(items: Resolved[], values: Map<PointRef, PointWrite["value"]>): Promise<PointValue[]> {
    const t = items[0].target;
    const out: PointValue[] = [];
    try {
      const maps = await this.propertyMaps(t);
      const props: { r: Resolved; edt: Buffer }[] = [];
      for (const r of items) {
        const why = unwritable(r.addr) ?? (r.ref.access === "r" ? "the mapping table marks it read-only" : undefined)
          ?? (maps && !maps.set.has(r.addr.epc) ? `EPC ${hex(r.addr.epc)} is not in the Set property map of ${formatEoj(t.eoj)}` : undefined)
          ?? (props.some((p) => p.r.addr.epc === r.addr.epc) ? `EPC ${hex(r.addr.epc)} is written by another point in the same batch` : undefined);
        if (why) {
          out.push(badValue(r.ref, new AdapterError("NOT_WRITABLE", `${r.ref.point}: ${why}`)));
          continue;
        }
        try {
          props.push({ r, edt: encodePoint(r.addr, r.ref.type, values.get(r.ref) ?? null) });
        } catch (e) {
          if (!(e instanceof EdtError)) throw e;
          out.push(badValue(r.ref, new AdapterError("OUT_OF_RANGE", `${r.ref.point} (EPC ${hex(r.addr.epc)}): ${e.message}`)));
        }
      }
      if (!props.length) return out;
      const accepted = await this.controller.set(t, props.map((p) => ({ epc: p.r.addr.epc, edt: p.edt })));
      this.touch(t, false);
      for (const { r, edt } of props) {
        out.push(accepted.get(r.addr.epc)
          ? goodValue(r.ref, values.get(r.ref) ?? null, this.ctx.clock.now())
          : badValue(r.ref, new AdapterError("PROTOCOL_REJECT", `${formatEoj(t.eoj)} refused ${r.ref.point} = 0x${edt.toString("hex")} (EPC ${hex(r.addr.epc)}, SetC_SNA)`)));
      }
      return out;
    } catch (e) {
      return [...out, ...this.failAll(items.filter((r) => !out.some((v) => v.point === r.ref.point && v.device === r.ref.device)), e)];
    }
  }

  async subscribe(points: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe> {
    const { ok, bad } = this.resolve(points);
    if (bad.length) throw bad[0].error;
    // warn about EPCs an object never announces, without holding up the subscription on a slow node
    for (const [, items] of this.byDevice(ok)) {
      void this.propertyMaps(items[0].target).then((maps) => {
        const silent = items.filter((r) => maps && !maps.inf.has(r.addr.epc)).map((r) => hex(r.addr.epc));
        if (silent.length) this.ctx.logger.warn({ device: items[0].ref.device, epcs: silent }, "object does not announce these EPCs (not in its 0x9D map); poll them");
      }, () => undefined);
    }
    const sub = { refs: ok, onChange };
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
    };
  }

  /** INF/INFC from a node: points of subscribed objects whose EPC is in the frame change. */
  private notified(f: Frame, from: Endpoint) {
    if (classOf(f.seoj) === classOf(NODE_PROFILE) && f.props.some((p) => p.epc === EPC.instanceListNotification)) {
      // a node (re)booted: what we know about its objects may be stale
      for (const k of [...this.maps.keys(), ...this.multipliers.keys()]) {
        if (k.startsWith(`${from.address}|${from.port}|`)) {
          this.maps.delete(k);
          this.multipliers.delete(k);
        }
      }
    }
    for (const sub of this.subscriptions) {
      const hits = sub.refs.filter((r) => r.target.eoj === f.seoj && r.target.port === from.port && sameHost(r.target.address, from.address)
        && f.props.some((p) => p.epc === r.addr.epc && p.edt.length > 0));
      if (!hits.length) continue;
      void Promise.all(hits.map((r) => this.decode(r, f.props.find((p) => p.epc === r.addr.epc)!.edt)))
        .then((values) => sub.onChange(values))
        .catch((err) => this.ctx.logger.warn({ err }, "notification not delivered"));
    }
  }

  async *discover(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice> {
    const { discovery, peerPort } = this.config;
    const objects = await this.controller.discover({
      timeoutMs: opts.timeoutMs, port: peerPort,
      targets: discovery.targets.map((t) => ({ address: t.host, port: t.port ?? peerPort })),
      onNode: (done, total) => opts.onProgress?.({ done, total, found: total }),
    });
    for (const o of objects) {
      if (classOf(o.eoj) === classOf(NODE_PROFILE)) continue;
      const def = classDef(classOf(o.eoj));
      yield {
        address: { host: o.address, port: o.port, eoj: formatEoj(o.eoj) },
        ...(def ? { deviceClass: def.deviceClass, table: def.table } : {}),
        info: {
          className: def?.name ?? `class 0x${classOf(o.eoj).toString(16).padStart(4, "0")}`,
          ...(o.manufacturer ? { manufacturer: o.manufacturer } : {}),
          ...(o.maps ? { get: [...o.maps.get].map(hex), set: [...o.maps.set].map(hex), inf: [...o.maps.inf].map(hex) } : {}),
          ...(o.error ? { error: o.error } : {}),
        },
      };
    }
  }
}
