/**
 * OPC UA over loopback against the chiller-plant simulator (4 chillers, 48 variables), security None and
 * SignAndEncrypt/Basic256Sha256: points read per second as one batched Read per call vs. one Read per point (the
 * baseline, same run, same server), and the latency from a value change in the server to the adapter's change
 * notification (publishing interval 50 ms, exception-based sampling), next to a single Read's round trip.
 */
import type { PointRef, PointValue } from "gridhub/hub";
import type { OpcUaAdapter } from "../adapters/opcua/src/index.ts";
import type { PlantServer } from "../adapters/opcua/src/simulator/index.ts";
import { binding, clientCertificate, createAdapter, pointRef, startPlant, tempDir, waitFor } from "../adapters/opcua/test/helpers.ts";

const BUDGET_MS = 1500;
const WARMUP_MS = 750;
const MAX_CALLS = 20000;
const LATENCY_SAMPLES = 40;
const CHILLERS = 4;

const chillerPoints: [string, PointRef["type"]][] = [
  ["Enable", "bool"], ["Running", "bool"], ["CHWSetpoint", "float64"], ["CHWSupplyTemp", "float64"], ["CHWReturnTemp", "float64"],
  ["Power", "float64"], ["Load", "float32"], ["RunHours", "uint32"], ["EnergyTotal", "uint64"], ["Model", "string"], ["Alarm", "bool"],
];
const plantPoints: [string, PointRef["type"]][] = [["Mode", "enum"], ["DemandLimit", "float32"], ["TotalPower", "float64"], ["OutdoorTemp", "float64"]];

function refsFor(device: ReturnType<typeof binding>): PointRef[] {
  const ids: [string, PointRef["type"]][] = [
    ...plantPoints.map(([n, t]) => [`Plant.${n}`, t] as [string, PointRef["type"]]),
    ...Array.from({ length: CHILLERS }, (_, i) => chillerPoints.map(([n, t]) => [`Plant.Chiller${i + 1}.${n}`, t] as [string, PointRef["type"]])).flat(),
  ];
  return ids.map(([id, type]) => pointRef(device, id.replaceAll(".", "_"), { node: `ns=1;s=${id}` }, type, "r"));
}

function check(values: PointValue[]) {
  const bad = values.find((v) => v.quality === "bad");
  if (bad) throw new Error(`${bad.point}: ${bad.error?.message}`);
}

async function throughput(adapter: OpcUaAdapter, refs: PointRef[], batched: boolean, budgetMs = BUDGET_MS) {
  let calls = 0;
  let points = 0;
  const t = performance.now();
  while (calls < MAX_CALLS && performance.now() - t < budgetMs) {
    if (batched) {
      check(await adapter.read(refs));
      points += refs.length;
      calls++;
    } else {
      const ref = refs[calls % refs.length];
      check(await adapter.read([ref]));
      points++;
      calls++;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  return { calls, pointsPerSec: Math.round(points / seconds), msPerCall: Number(((seconds * 1000) / calls).toFixed(3)) };
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2));
  return { samples: s.length, p50Ms: q(0.5), p90Ms: q(0.9), maxMs: q(1) };
}

async function notificationLatency(adapter: OpcUaAdapter, plant: PlantServer, device: ReturnType<typeof binding>) {
  const ref = pointRef(device, "supply", { node: "ns=1;s=Plant.Chiller1.CHWSupplyTemp", sampling: "0ms" }, "float64", "r");
  let last: number | undefined;
  let arrived = 0;
  const unsubscribe = await adapter.subscribe([ref], (vs) => {
    for (const v of vs) if (typeof v.value === "number") { last = v.value; arrived = performance.now(); }
  });
  try {
    await waitFor(() => last !== undefined, 5000, "the initial notification");
    const notified: number[] = [];
    const read: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const value = 20 + i / 10;
      const t = performance.now();
      plant.nodes.set("Plant.Chiller1.CHWSupplyTemp", value);
      await waitFor(() => last === value, 5000, `notification of ${value}`);
      notified.push(arrived - t);
      const r = performance.now();
      check(await adapter.read([ref]));
      read.push(performance.now() - r);
    }
    const n = percentiles(notified);
    const rt = percentiles(read);
    return { notification: n, singleReadRoundTrip: rt, notificationToReadRatio: Number((n.p50Ms / rt.p50Ms).toFixed(2)) };
  } finally {
    unsubscribe();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const server = tempDir("bench-server");
  const client = tempDir("bench-client");
  let plant: PlantServer | undefined;
  let adapter: OpcUaAdapter | undefined;
  try {
    plant = await startPlant({ chillers: CHILLERS, pki: { root: server.path, trust: [await clientCertificate(client.path)] } });
    const none = binding("plant-none", { endpoint: plant.endpoint, security: { mode: "None", policy: "None" } });
    const secure = binding("plant-secure", { endpoint: plant.endpoint, security: { mode: "SignAndEncrypt", policy: "Basic256Sha256" } });
    ({ adapter } = createAdapter({ pki: { root: client.path, trust: [plant.certificateFile] }, publishingInterval: "50ms" }, [none, secure]));
    await adapter.start();
    const out: Record<string, unknown> = { points: refsFor(none).length };
    // connect, resolve the nodes and let both ends' JIT settle before measuring anything
    for (const device of [none, secure]) {
      await throughput(adapter, refsFor(device), true, WARMUP_MS);
      await throughput(adapter, refsFor(device), false, WARMUP_MS);
    }
    for (const device of [none, secure]) {
      const refs = refsFor(device);
      const batched = await throughput(adapter, refs, true);
      const single = await throughput(adapter, refs, false);
      out[device.id === none.id ? "securityNone" : "signAndEncrypt"] = {
        batched, single, batchedToSingleRatio: Number((batched.pointsPerSec / single.pointsPerSec).toFixed(1)),
      };
    }
    out.latency = { publishingIntervalMs: 50, ...(await notificationLatency(adapter, plant, none)) };
    return out;
  } finally {
    await adapter?.stop();
    await plant?.stop();
    server.remove();
    client.remove();
  }
}
