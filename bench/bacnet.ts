/**
 * BACnet/IP reads with ReadPropertyMultiple batching vs. one ReadProperty per point (the baseline, same run, same
 * simulator): 500 present-values over 5 simulated devices (100 analog values each), over UDP on loopback, all
 * devices read in parallel, one request in flight per device (the adapter's default).
 * Figures: requests per cycle, points read per second, and the batched/baseline ratios.
 */
import type { PointRef } from "gridhub/hub";
import { startSimulator, type BacnetSimulator } from "../adapters/bacnet/src/simulator/index.ts";
import { ref, startAdapter } from "../adapters/bacnet/test/helpers.ts";

const DEVICES = 5;
const PER_DEVICE = 100;
const BUDGET_MS = 3000;
const MAX_CYCLES = 5000;

interface Figures { cycles: number; requestsPerCycle: number; pointsPerSec: number; msPerCycle: number }

function requests(sim: BacnetSimulator): number {
  return sim.devices.reduce((n, d) => n + d.served.readProperty + d.served.readPropertyMultiple, 0);
}

async function poll(sim: BacnetSimulator, refs: PointRef[], readPropertyMultiple: boolean): Promise<Figures> {
  const { adapter } = await startAdapter({ readPropertyMultiple, apduTimeoutMs: 2000 });
  try {
    await adapter.read(refs); // first contact outside the measurement
    const before = requests(sim);
    let cycles = 0;
    const t = performance.now();
    while (cycles < MAX_CYCLES && performance.now() - t < BUDGET_MS) {
      const bad = (await adapter.read(refs)).find((v) => v.quality !== "good");
      if (bad) throw new Error(`${bad.device}/${bad.point}: ${bad.error?.message}`);
      cycles++;
    }
    const ms = performance.now() - t;
    return {
      cycles, requestsPerCycle: (requests(sim) - before) / cycles,
      pointsPerSec: Math.round((cycles * refs.length) / (ms / 1000)), msPerCycle: Number((ms / cycles).toFixed(2)),
    };
  } finally {
    await adapter.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const objects = Array.from({ length: PER_DEVICE }, (_, i) => ({ object: `analog-value:${i + 1}`, name: `Point ${i + 1}`, value: i }));
  const sim = await startSimulator({ devices: Array.from({ length: DEVICES }, (_, d) => ({ instance: 5001 + d, objects })) });
  try {
    const refs = sim.devices.flatMap((d) => objects.map((o) =>
      ref(`dev-${d.instance}`, { deviceInstance: d.instance, address: d.address }, o.object, { object: o.object })));
    const rpm = await poll(sim, refs, true);
    const single = await poll(sim, refs, false);
    return {
      points: refs.length,
      devices: DEVICES,
      readPropertyMultiple: rpm,
      readPropertyPerPoint: single,
      requestRatio: Number((rpm.requestsPerCycle / single.requestsPerCycle).toFixed(4)),
      pointsPerSecSpeedup: Number((rpm.pointsPerSec / single.pointsPerSec).toFixed(2)),
    };
  } finally {
    await sim.stop();
  }
}
