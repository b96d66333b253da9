/** Test plumbing: raw UDP peers, bounded waits, and an adapter context for the adapter under test. */
import { createSocket, type Socket } from "node:dgram";
import { pino } from "pino";
import type { AdapterContext, CounterName, HealthState } from "gridhub/hub";

export const log = pino({ level: process.env.TEST_LOG ?? "silent" });

/**
 * A UDP port nobody on 127.0.0.1 uses right now. Nodes, controller and multicast listeners share it, so that copies
 * of this suite running at the same time (other suites include it) never meet on a fixed port.
 */
export async function freePort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Polls `cond` every 20 ms; fails after `ms` (a guard against hanging, not a timing assertion). */
export async function waitFor<T>(cond: () => T | undefined | false, what: string, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawPeer {
  socket: Socket;
  received: { buf: Buffer; from: { address: string; port: number } }[];
  send(hex: string | Buffer, port: number, address?: string): Promise<void>;
  close(): Promise<void>;
}

/** A bare UDP socket that records what it gets: a silent device, or a source of malformed frames. */
export async function rawPeer(address: string, port: number): Promise<RawPeer> {
  const socket = createSocket(address.includes(":") ? "udp6" : "udp4");
  const received: RawPeer["received"] = [];
  socket.on("message", (buf, r) => received.push({ buf, from: { address: r.address, port: r.port } }));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => resolve());
  });
  return {
    socket, received,
    send: (data, p, a = "127.0.0.1") => new Promise((resolve, reject) =>
      socket.send(typeof data === "string" ? Buffer.from(data.replace(/\s/g, ""), "hex") : data, p, a, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The parts of the hub's context this adapter uses; touching any other part fails the test. */
export function testContext(name = "el"): AdapterContext & { counts: Partial<Record<CounterName, number>>; health: HealthState[] } {
  const counts: Partial<Record<CounterName, number>> = {};
  const health: HealthState[] = [];
  const used = {
    name, logger: log, counts, health,
    clock: { now: () => new Date() },
    counters: { inc: (n: CounterName, by = 1) => void (counts[n] = (counts[n] ?? 0) + by), observe: () => undefined },
    signal: new AbortController().signal,
    setHealth: (s: HealthState) => void health.push(s),
  };
  return new Proxy(used, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof typeof target];
      throw new Error(`the ECHONET Lite adapter does not use ctx.${String(prop)}`);
    },
  }) as unknown as AdapterContext & typeof used;
}
