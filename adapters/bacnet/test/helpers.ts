/** Test plumbing: an adapter context, point refs, bounded waits, and a raw UDP peer for malformed frames. */
import { createSocket, type Socket } from "node:dgram";
import { tmpdir } from "node:os";
import { pino } from "pino";
import type { AdapterContext, CounterName, DataType, DeviceBinding, HealthState, PointRef } from "gridhub/hub";
import bacnet from "../src/index.ts";
import { AdapterConfig } from "../src/config.ts";
import type { BacnetAdapter } from "../src/adapter.ts";
import { inspectFrame } from "../src/frame.ts";
import { BACnetClient } from "../src/lib.ts";
import { UdpTransport } from "../src/transport.ts";

export const log = pino({ level: process.env.TEST_LOG ?? "silent" });

/** Polls `cond` every 20 ms; fails after `ms` (a guard against hanging, not a timing assertion). */
export async function waitFor<T>(cond: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type TestContext = AdapterContext & { counts: Partial<Record<CounterName, number>>; health: { state: HealthState; error?: string }[] };

export function testContext(devices: DeviceBinding[] = []): TestContext {
  const counts: Partial<Record<CounterName, number>> = {};
  const health: TestContext["health"] = [];
  const unused = () => {
    throw new Error("the BACnet adapter does not use this part of the context");
  };
  return {
    name: "bacnet", logger: log, counts, health,
    bus: { publish: unused, subscribe: unused },
    store: new Proxy({}, { get: () => unused }) as AdapterContext["store"],
    clock: { now: () => new Date() },
    counters: { inc: (n, by = 1) => void (counts[n] = (counts[n] ?? 0) + by), observe: () => undefined },
    signal: new AbortController().signal,
    devices: () => devices,
    allDevices: () => devices,
    readPoints: unused,
    gridTable: unused,
    resolvePath: (p) => p,
    dataDir: tmpdir(),
    setHealth: (state, e) => void health.push({ state, error: e === undefined ? undefined : String(e instanceof Error ? e.message : e) }),
  };
}

/**
 * An adapter on an ephemeral loopback port, with short timeouts so that failures show quickly. Broadcast is off,
 * and its address is a loopback port of ours, so nothing a test sends can leave 127.0.0.1.
 */
export async function startAdapter(config: Partial<AdapterConfig> & Record<string, unknown> = {}, devices: DeviceBinding[] = []) {
  const parsed = AdapterConfig.parse({
    interface: "127.0.0.1", port: 0, broadcastAddress: "127.0.0.1:47899", apduTimeoutMs: 400, retries: 0,
    ...config, discovery: { broadcast: false, resolveTimeoutMs: 500, ...(config.discovery as object) },
  });
  const ctx = testContext(devices);
  const adapter = bacnet.create(parsed, ctx) as BacnetAdapter;
  await adapter.start();
  return { adapter, ctx };
}

export function ref(device: string, deviceAddress: Record<string, unknown>, point: string, address: Record<string, unknown>,
  type: DataType = "float32", extra: Partial<PointRef> = {}): PointRef {
  return { device, deviceAddress, point, address, type, access: "rw", ...extra };
}

export interface RawPeer {
  socket: Socket;
  received: { buf: Buffer; from: string }[];
  address: string;
  send(data: string | Buffer, to: string): Promise<void>;
  close(): Promise<void>;
}

/** A bare UDP socket on loopback that records what it gets: a rogue device, or a source of malformed frames. */
export async function rawPeer(): Promise<RawPeer> {
  const socket = createSocket("udp4");
  const received: RawPeer["received"] = [];
  socket.on("message", (buf, r) => received.push({ buf, from: `${r.address}:${r.port}` }));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  return {
    socket, received, address: `127.0.0.1:${socket.address().port}`,
    send: (data, to) => new Promise((resolve, reject) => {
      const [host, port] = to.split(":");
      socket.send(typeof data === "string" ? Buffer.from(data.replace(/\s/g, ""), "hex") : data, Number(port), host, (e) => (e ? reject(e) : resolve()));
    }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The library's own client on an ephemeral loopback port: an independent peer for the simulator (broadcasts stay on loopback). */
export async function libraryClient() {
  const transport = new UdpTransport({ address: "127.0.0.1", port: 0, broadcast: "127.0.0.1:47899" });
  const client = new BACnetClient({ transport, apduTimeout: 1000 });
  client.on("error", () => undefined);
  await transport.ready;
  return { client, address: transport.localAddress, close: () => client.close() };
}

/** An Original-Unicast-NPDU frame around `apdu` (hex), expecting a reply. */
export function confirmedFrame(apduHex: string): Buffer {
  const apdu = Buffer.from(apduHex.replace(/\s/g, ""), "hex");
  const frame = Buffer.concat([Buffer.from([0x81, 0x0a, 0, 0, 0x01, 0x04]), apdu]);
  frame.writeUInt16BE(frame.length, 2);
  return frame;
}

/** the APDU of a received frame (BVLL and a plain NPDU stripped) */
export function apduOf(frame: Buffer): Buffer {
  const info = inspectFrame(frame);
  if (!info?.apdu) throw new Error(`not an APDU-carrying frame: ${frame.toString("hex")}`);
  return frame.subarray(info.apdu.offset);
}
