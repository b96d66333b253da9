/**
 * Mapping engine throughput: rule evaluation alone (the baseline) vs. the whole hub path (bus validation,
 * routing, actuator claims, store writes, adapter write) to an in-memory adapter, same run.
 */
import { resolve } from "node:path";
import { pino } from "pino";
import { Hub } from "../src/hub/hub.ts";
import { evaluate, loadTableDirs } from "../src/mapping/index.ts";
import { makeMessage } from "../src/model/index.ts";

const fixtures = resolve(import.meta.dirname, "../test/fixtures");

function lgm(i: number) {
  return makeMessage("LoadGenerationManagement", {
    scope: { kind: "building", id: "b" }, direction: "generation", request: "increase", urgency: "normal", mandatory: false,
    slots: [{ duration: "PT1H", power: { value: 1000 + (i % 4000), unit: "W" } }],
  }, { source: "bench", origin: { protocol: "bench", ref: "e1" }, validity: { start: new Date().toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() } });
}

export async function run() {
  const table = loadTableDirs([resolve(fixtures, "mappings")], fixtures).get("storage-battery/memory")!.table;
  const messages = Array.from({ length: 2000 }, (_, i) => lgm(i));
  const N = 50_000;
  let t = performance.now();
  for (let i = 0; i < N; i++) evaluate(table, messages[i % messages.length], Date.now());
  const evalPerSec = N / ((performance.now() - t) / 1000);

  const hub = await Hub.start({
    log: { level: "silent" }, store: { path: ":memory:" }, api: { enabled: false }, mappings: ["mappings"],
    adapters: { mem: { package: "./memory-adapter.ts" } },
    devices: [{ id: "battery-1", adapter: "mem", table: "storage-battery/memory", address: { id: "battery-1" } }],
  }, { baseDir: fixtures, logger: pino({ level: "silent" }) });
  const M = 2000;
  t = performance.now();
  for (let i = 0; i < M; i++) await hub.bus.publish(messages[i]);
  const hubPerSec = M / ((performance.now() - t) / 1000);
  await hub.stop();
  return {
    evaluatePerSec: Math.round(evalPerSec),
    hubMessagesToWritesPerSec: Math.round(hubPerSec),
    hubVsEvaluateRatio: Number((hubPerSec / evalPerSec).toFixed(4)),
    note: "hub path = validate + route + supersede previous activation + claim + store (SQLite :memory:) + adapter write + Result",
  };
}
