/**
 * ECHONET Lite device simulator: nodes on their own addresses (e.g. 127.0.0.2..51, one port), each with a node
 * profile and device objects of the classes in ../classes.ts, speaking the wire protocol. One multicast socket per
 * simulator passes discovery requests to every node; a timer advances the devices' physics.
 */
import { isIPv6 } from "node:net";
import type { Logger } from "pino";
import { z } from "zod";
import { ECHONET_PORT, MULTICAST_V4, MULTICAST_V6 } from "../protocol/constants.ts";
import { formatEoj, parseEoj } from "../protocol/frame.ts";
import { UdpEndpoint, type Endpoint } from "../transport.ts";
import { SimNode, type SetRecord } from "./node.ts";
import { createDevice, type Device } from "./physics.ts";

const Port = z.number().int().min(0).max(65535);
const Eoj = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseEoj(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});
const ObjectConfig = z.object({
  eoj: Eoj,
  params: z.record(z.string(), z.number()).default({})
    .describe("physics: capacityWh, maxChargeW, maxDischargeW, socPercent, minSocPercent, ratedW, tankL, setpointC, importKwh, ..."),
}).strict();

export const SimulatorConfig = z.object({
  port: Port.default(ECHONET_PORT).describe("port every node listens on (0 = one ephemeral port per node, no multicast)"),
  multicast: z.object({
    enabled: z.boolean().default(true),
    group: z.string().optional(),
    interface: z.string().optional().describe("interface address (IPv4) or name (IPv6) for multicast; default: each node's address"),
  }).strict().prefault({}),
  replyPort: Port.optional().describe("answer to this port instead of the requester's source port"),
  notify: z.array(z.object({ host: z.string(), port: Port.default(ECHONET_PORT) }).strict()).default([])
    .describe("controllers that get INF announcements by unicast, besides the multicast group"),
  nodes: z.array(z.object({ address: z.string(), port: Port.optional(), objects: z.array(ObjectConfig).min(1).max(84) }).strict()).default([]),
  fleet: z.object({
    count: z.number().int().min(1).max(250),
    firstAddress: z.string().regex(/^127\.\d+\.\d+\.\d+$/, "fleets use consecutive loopback addresses, e.g. 127.0.0.2"),
    objects: z.array(ObjectConfig).min(1).max(84),
  }).strict().optional().describe("many identical nodes on consecutive loopback addresses"),
  manufacturerCode: z.number().int().min(0).max(0xffffff).default(0xffffff).describe("0x8A of every object; 0xFFFFFF marks a simulator"),
  clock: z.object({
    start: z.iso.datetime({ offset: true }).optional().describe("simulated time at start (default: now)"),
    speed: z.number().min(0).max(100_000).default(1).describe("simulated seconds per real second"),
    utcOffsetHours: z.number().min(-12).max(14).default(9).describe("local time of the site (PV sun, meter days)"),
  }).strict().prefault({}),
  tickMs: z.number().int().min(20).max(60_000).default(1000),
  site: z.object({ baseLoadW: z.number().min(0).default(400) }).strict().prefault({}),
}).strict().refine((c) => c.nodes.length > 0 || c.fleet, "give `nodes` or a `fleet`");
export type SimulatorConfig = z.input<typeof SimulatorConfig>;

export interface EchonetSimulator {
  stop(): Promise<void>;
  info(): Record<string, unknown>;
  /** nodes as started, with the ports they got */
  nodes: SimNode[];
}

function nextAddress(first: string, i: number): string {
  const [a, b, c, d] = first.split(".").map(Number);
  const n = ((b << 16) | (c << 8) | d) + i;
  return `${a}.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

export async function startSimulator(input: unknown, logger?: Logger): Promise<EchonetSimulator> {
  const parsed = SimulatorConfig.safeParse(input);
  if (!parsed.success) throw new Error(`ECHONET Lite simulator config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`);
  const cfg = parsed.data;
  const specs = [...cfg.nodes];
  if (cfg.fleet) for (let i = 0; i < cfg.fleet.count; i++) specs.push({ address: nextAddress(cfg.fleet.firstAddress, i), objects: cfg.fleet.objects });

  const realStart = Date.now();
  const simStart = cfg.clock.start ? Date.parse(cfg.clock.start) : realStart;
  const clock = () => ({ time: new Date(simStart + (Date.now() - realStart) * cfg.clock.speed), utcOffsetHours: cfg.clock.utcOffsetHours });
  const sets: SetRecord[] = [];
  const onSet = (r: SetRecord) => {
    sets.push(r);
    if (sets.length > 500) sets.shift();
  };

  const multicast = cfg.multicast.enabled && cfg.port !== 0;
  const nodes: SimNode[] = specs.map((s) => {
    const v6 = isIPv6(s.address.replace(/%.*$/, ""));
    const group = cfg.multicast.group ?? (v6 ? MULTICAST_V6 : MULTICAST_V4);
    const port = s.port ?? cfg.port;
    const wildcard = s.address === "0.0.0.0" || s.address === "::";
    const announceTo: Endpoint[] = [...(multicast ? [{ address: group, port }] : []), ...cfg.notify.map((n) => ({ address: n.host, port: n.port }))];
    const devices: Device[] = s.objects.map((o) => createDevice(o.eoj, o.params, `${s.address}:${port}/${formatEoj(o.eoj)}`, cfg.manufacturerCode));
    return new SimNode({
      address: s.address, port, announceTo, maker: cfg.manufacturerCode, ...(logger ? { logger } : {}),
      ...(cfg.replyPort !== undefined ? { replyPort: cfg.replyPort } : {}),
      ...(multicast ? { multicast: { group, interface: cfg.multicast.interface ?? (wildcard ? undefined : s.address), join: wildcard } } : {}),
    }, devices, onSet, clock);
  });

  // one socket on the group per port passes multicast requests to the nodes bound to single addresses
  const groups: UdpEndpoint[] = [];
  const started: SimNode[] = [];
  const stopAll = async () => {
    await Promise.all([...started.map((n) => n.stop()), ...groups.map((g) => g.close())]);
  };
  try {
    for (const n of nodes) {
      await n.start();
      started.push(n);
    }
    if (multicast) {
      const byPort = new Map<string, SimNode[]>();
      for (const n of nodes.filter((x) => x.opts.multicast && !x.opts.multicast.join)) {
        const k = `${n.opts.multicast!.group}|${n.opts.port}`;
        byPort.set(k, [...(byPort.get(k) ?? []), n]);
      }
      for (const [k, members] of byPort) {
        const [group, port] = k.split("|");
        const g = new UdpEndpoint({
          address: group, port: Number(port), reuseAddr: true, ...(logger ? { logger } : {}),
          join: { group, interface: cfg.multicast.interface ?? members[0].opts.address },
        });
        g.onFrame((f, from) => {
          for (const n of members) void n.handle(f, from);
        });
        await g.start();
        groups.push(g);
      }
    }
  } catch (e) {
    await stopAll();
    throw e;
  }

  const devices = nodes.flatMap((n) => n.devices);
  const step = (dt: number) => {
    const c = { dt, ...clock(), surplusW: 0, netW: 0 };
    const loads = devices.filter((d) => d.phase === "load");
    for (const d of loads) d.tick(c);
    c.surplusW = -(cfg.site.baseLoadW + loads.reduce((s, d) => s + d.flowW, 0));
    for (const d of devices.filter((x) => x.phase === "storage")) d.tick(c);
    c.netW = cfg.site.baseLoadW + devices.reduce((s, d) => s + d.flowW, 0);
    for (const d of devices.filter((x) => x.phase === "meter")) d.tick(c);
    for (const n of nodes) void n.flush();
  };
  // one zero-length step gives every property its first value before the first request can arrive
  step(0);
  let last = Date.now();
  const timer = setInterval(() => {
    const nowReal = Date.now();
    const dt = ((nowReal - last) / 1000) * cfg.clock.speed;
    last = nowReal;
    if (dt > 0) step(dt);
  }, cfg.tickMs);
  timer.unref();
  logger?.info({ nodes: nodes.length, port: cfg.port, multicast }, "ECHONET Lite simulator started");

  return {
    nodes,
    async stop() {
      clearInterval(timer);
      await stopAll();
    },
    info() {
      const frames = nodes.reduce((acc, n) => {
        const s = n.socket.stats;
        return { in: acc.in + s.framesIn, out: acc.out + s.framesOut, malformed: acc.malformed + s.malformed };
      }, { in: 0, out: 0, malformed: groups.reduce((m, g) => m + g.stats.malformed, 0) });
      const requests: Record<string, number> = {};
      for (const n of nodes) for (const [k, v] of Object.entries(n.stats.requests)) requests[k] = (requests[k] ?? 0) + v;
      return {
        simTime: clock().time.toISOString(),
        nodes: nodes.map((n) => ({ address: n.endpoint.address, port: n.endpoint.port, objects: n.devices.map((d) => formatEoj(d.obj.eoj)) })),
        frames, requests, sets: [...sets],
        objects: Object.fromEntries(nodes.flatMap((n) => n.devices.map((d) => [`${n.endpoint.address}:${n.endpoint.port}/${formatEoj(d.obj.eoj)}`, d.obj.snapshot()]))),
      };
    },
  };
}
