/**
 * ECHONET Lite over loopback UDP with 50 simulated nodes (127.0.0.100..149, one port, multicast 224.0.23.0):
 * discovery time (until all nodes answered one multicast Get of 0xD6, plus every object's property maps), and Get round
 * trips per second, sequential to one node and concurrent across all nodes. Baseline, same run: a bare UDP echo
 * round trip of the same size, so the ratio shows what codec, controller and simulator cost on top of the socket.
 */
import { createSocket, type Socket } from "node:dgram";
import { pino } from "pino";
import { Controller } from "../adapters/echonet-lite/src/controller.ts";
import { startSimulator } from "../adapters/echonet-lite/src/simulator/index.ts";

const NODES = 50;
const log = pino({ level: "silent" });

async function bind(address: string, port: number): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(port, address, () => resolve());
  });
  return s;
}

/** Round trips per second of a bare UDP echo with a Get-sized datagram. */
async function echoBaseline(n: number): Promise<number> {
  const server = await bind("127.0.0.99", 0);
  const port = server.address().port;
  server.on("message", (buf, r) => server.send(buf, r.port, r.address));
  const client = await bind("127.0.0.1", 0);
  const payload = Buffer.alloc(14, 0x10);
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      client.once("message", () => resolve());
      client.send(payload, port, "127.0.0.99");
    });
  }
  const perSec = n / ((performance.now() - t) / 1000);
  await Promise.all([client, server].map((s) => new Promise<void>((r) => s.close(() => r()))));
  return perSec;
}

export async function run(): Promise<Record<string, unknown>> {
  // one port for the controller, the 50 nodes and the multicast listeners: whatever is free on loopback now
  const probe = await bind("127.0.0.1", 0);
  const PORT = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  const sim = await startSimulator({ port: PORT, tickMs: 1000, fleet: { count: NODES, firstAddress: "127.0.0.100", objects: [{ eoj: "0x027D01" }] } }, log);
  const ctl = new Controller({
    bind: { address: "127.0.0.1", port: PORT }, logger: log,
    multicast: { group: "224.0.23.0", interface: "127.0.0.1", ttl: 1, loopback: true },
    policy: { timeoutMs: 1000, retries: 2, maxProperties: 16 },
  });
  await ctl.start();
  try {
    // the window closes when all 50 nodes have answered; then 50 property-map reads
    let t = performance.now();
    const found = await ctl.discover({ timeoutMs: 5000, targets: [], port: PORT, expectNodes: NODES });
    const discoveryMs = performance.now() - t;
    if (found.length !== NODES || found.some((o) => o.error)) throw new Error(`discovered ${found.length} of ${NODES} objects`);

    const one = { address: "127.0.0.100", port: PORT, eoj: 0x027d01 };
    const SEQ = 2000;
    t = performance.now();
    for (let i = 0; i < SEQ; i++) await ctl.get(one, [0xe4]);
    const sequential = SEQ / ((performance.now() - t) / 1000);

    const PER_NODE = 100;
    t = performance.now();
    await Promise.all(found.map(async (o) => {
      for (let i = 0; i < PER_NODE; i++) await ctl.get(o, [0xe4, 0xda, 0xd3, 0xcf, 0xe2, 0xeb, 0xec, 0x80]);
    }));
    const concurrent = (NODES * PER_NODE) / ((performance.now() - t) / 1000);

    const baseline = await echoBaseline(SEQ);
    return {
      nodes: NODES,
      discoveryWithPropertyMapsMs: Math.round(discoveryMs),
      getRoundTripsPerSecOneNode: Math.round(sequential),
      get8PropsRoundTripsPerSec50Nodes: Math.round(concurrent),
      baselineUdpEchoRoundTripsPerSec: Math.round(baseline),
      ratioGetToUdpEcho: Number((sequential / baseline).toFixed(3)),
      timeouts: ctl.stats.timeouts,
      retries: ctl.stats.retries,
    };
  } finally {
    await ctl.stop();
    await sim.stop();
  }
}
