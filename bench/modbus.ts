/**
 * Modbus polling with the poll planner vs. one read per point (the baseline, same run, same simulator):
 * a SunSpec inverter (23 points across models 1, 103, 120, 121, 123, 701, 702, 704) and a plain register device
 * (80 typed points scattered over 420 holding registers, 16 coils), over TCP on loopback and RTU on a socat pty pair.
 * Figures: requests per poll cycle, points and registers delivered per second, and the planner/baseline ratios.
 */
import { existsSync } from "node:fs";
import type { PointRef } from "gridhub/hub";
import { startSimulator, type ModbusSimulator } from "../adapters/modbus/src/simulator/index.ts";
import { ptyPair, ref, startAdapter, type Harness } from "../adapters/modbus/test/helpers.ts";

const BUDGET_MS = 2000;
const MAX_CYCLES = 2000;

const sunspecPoints: [number, string, PointRef["type"]][] = [
  [1, "Mn", "string"], [1, "SN", "string"],
  [103, "W", "float32"], [103, "Hz", "float32"], [103, "WH", "float32"], [103, "TmpCab", "float32"], [103, "St", "enum"], [103, "PhVphA", "float32"],
  [120, "WRtg", "float32"], [121, "WMax", "float32"],
  [123, "WMaxLimPct", "float32"], [123, "WMaxLim_Ena", "enum"], [123, "Conn", "enum"], [123, "OutPFSet", "float32"],
  [701, "W", "float32"], [701, "Hz", "float32"], [701, "ThrotPct", "float32"], [701, "InvSt", "enum"], [701, "ACType", "enum"],
  [702, "WMaxRtg", "float32"], [702, "WMax", "float32"],
  [704, "WMaxLimPct", "float32"], [704, "WMaxLimPctEna", "enum"],
];

/** 80 points of 1, 2 or 4 registers with unused registers (0-7) between them, deterministic. */
function registerLayout(): { holding: Record<string, number[]>; points: [number, PointRef["type"]][] } {
  const types: PointRef["type"][] = ["uint16", "int16", "int32", "float32", "uint32", "int64"];
  const width: Record<string, number> = { uint16: 1, int16: 1, int32: 2, float32: 2, uint32: 2, int64: 4 };
  const words: number[] = [];
  const points: [number, PointRef["type"]][] = [];
  for (let i = 0; i < 80; i++) {
    const t = types[(i * 7) % types.length];
    points.push([words.length, t]);
    words.push(...Array(width[t] - 1).fill(0), i, ...Array((i * 5) % 8).fill(0));
  }
  // the unused registers read as 0, as on most devices; the planner may bridge them
  return { holding: { 0: words }, points };
}

interface Figures { cycles: number; requestsPerCycle: number; pointsPerSec: number; registersPerSec: number }

/** Polls all points for the time budget: as one batch per device (planner) or one read per point (baseline). */
async function poll(h: Harness, sim: ModbusSimulator, devices: PointRef[][], batched: boolean): Promise<Figures> {
  const points = devices.flat().length;
  const before = sim.requests.length;
  const wire = () => sim.requests.slice(before).reduce((n, r) => n + r.count, 0);
  let cycles = 0;
  const t = performance.now();
  while (cycles < MAX_CYCLES && performance.now() - t < BUDGET_MS) {
    const values = batched
      ? (await Promise.all(devices.map((d) => h.adapter.read(d)))).flat()
      : await (async () => { const out = []; for (const p of devices.flat()) out.push(...await h.adapter.read([p])); return out; })();
    const bad = values.find((v) => v.quality === "bad");
    if (bad) throw new Error(`${bad.point}: ${bad.error?.message}`);
    cycles++;
  }
  const seconds = (performance.now() - t) / 1000;
  return {
    cycles, requestsPerCycle: (sim.requests.length - before) / cycles,
    pointsPerSec: Math.round((cycles * points) / seconds), registersPerSec: Math.round(wire() / seconds),
  };
}

async function scenario(transport: "tcp" | "rtu"): Promise<Record<string, unknown>> {
  const layout = registerLayout();
  const pty = transport === "rtu" ? await ptyPair() : undefined;
  const sim = await startSimulator({
    ...(pty ? { rtu: { path: pty.a, baudRate: 115200 } } : { tcp: { port: 0 } }),
    devices: [
      { kind: "sunspec-inverter", unitId: 1, der: true },
      { kind: "registers", unitId: 2, holding: layout.holding, coils: { 0: Array(16).fill(true) } },
    ],
  });
  const h = await startAdapter({ timeoutMs: 1000 });
  try {
    const line = pty ? { path: pty.b, baudRate: 115200 } : { host: "127.0.0.1", port: sim.port };
    const inv = sunspecPoints.map(([model, point, type]) => ref("inv", { ...line, unitId: 1 }, `${model}_${point}`, { model, point }, type));
    const regs = [
      ...layout.points.map(([register, type]) => ref("regs", { ...line, unitId: 2 }, `r${register}`, { table: "holding", register }, type)),
      ...Array.from({ length: 16 }, (_, i) => ref("regs", { ...line, unitId: 2 }, `c${i}`, { table: "coil", register: i }, "bool")),
    ];
    await h.adapter.read([...inv, ...regs]); // SunSpec discovery happens here, outside the measurement
    const planned = await poll(h, sim, [inv, regs], true);
    const perPoint = await poll(h, sim, [inv, regs], false);
    return {
      points: inv.length + regs.length,
      planner: planned,
      onePerPoint: perPoint,
      requestRatio: Number((planned.requestsPerCycle / perPoint.requestsPerCycle).toFixed(3)),
      pointsPerSecSpeedup: Number((planned.pointsPerSec / perPoint.pointsPerSec).toFixed(2)),
    };
  } finally {
    await h.stop();
    await sim.stop();
    await pty?.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const socat = ["/usr/bin/socat", "/usr/local/bin/socat"].some(existsSync);
  return {
    tcp: await scenario("tcp"),
    ...(socat ? { rtu: await scenario("rtu") } : { rtu: "skipped: socat not installed" }),
  };
}
