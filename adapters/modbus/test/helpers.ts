/** Test harness: the adapter with the context the hub would give it, and a pty pair for RTU tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { AdapterContext, CounterName, DeviceBinding, HealthState, PointRef, SouthboundAdapter } from "gridhub/hub";
import adapterModule from "../src/index.ts";
import { ModbusConfig } from "../src/config.ts";

export interface Harness {
  adapter: SouthboundAdapter;
  counters: Record<CounterName, number>;
  health: { state?: HealthState; error?: string };
  stop(): Promise<void>;
}

export async function startAdapter(config: Record<string, unknown>, devices: DeviceBinding[] = []): Promise<Harness> {
  const counters: Record<CounterName, number> = { messagesIn: 0, messagesOut: 0, errors: 0, reads: 0, writes: 0, reconnects: 0, timeouts: 0 };
  const health: Harness["health"] = {};
  const abort = new AbortController();
  const ctx: AdapterContext = {
    name: "modbus-test",
    logger: pino({ level: "silent" }),
    bus: { publish: () => Promise.reject(new Error("not used")), subscribe: () => () => undefined },
    store: undefined as never,
    clock: { now: () => new Date() },
    counters: { inc: (n, by = 1) => { counters[n] += by; }, observe: () => undefined },
    signal: abort.signal,
    devices: () => devices,
    allDevices: () => devices,
    readPoints: () => Promise.reject(new Error("not used")),
    gridTable: () => { throw new Error("not used"); },
    resolvePath: (p) => p,
    dataDir: tmpdir(),
    setHealth: (state, err) => { health.state = state; health.error = err === undefined ? undefined : String((err as Error).message ?? err); },
  };
  const adapter = adapterModule.create(ModbusConfig.parse(config), ctx) as SouthboundAdapter;
  await adapter.start();
  return { adapter, counters, health, stop: async () => { abort.abort(); await adapter.stop(); } };
}

export function ref(device: string, deviceAddress: Record<string, unknown>, point: string, address: Record<string, unknown>,
  type: PointRef["type"] = "float32", access: PointRef["access"] = "rw"): PointRef {
  return { device, deviceAddress, point, address, type, access };
}

export interface PtyPair { a: string; b: string; close(): Promise<void> }

/** Two linked pseudo-terminals from socat: one end for the simulator, the other for the adapter. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "gridhub-modbus-"));
  const a = join(dir, "sim"), b = join(dir, "hub");
  const proc: ChildProcess = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: "ignore" });
  for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(a) || !existsSync(b)) {
    proc.kill();
    throw new Error("socat did not create the pty pair (is socat installed?)");
  }
  return {
    a, b,
    close: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a value, at most `tries` times: a bounded wait for an asynchronous effect. */
export async function eventually<T>(fn: () => Promise<T | undefined>, tries = 50, everyMs = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up after ${tries} tries`);
}
