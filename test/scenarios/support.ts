/**
 * Shared by the acceptance scenarios: a hub from a literal config (paths from the repository root), free loopback
 * ports for simulators, what the grid side sends (as the OpenADR / 2030.5 adapters would publish it) and what goes
 * back north (the CEM's messages to the building's grid side).
 */
import { createServer } from "node:net";
import { createSocket } from "node:dgram";
import { resolve } from "node:path";
import type { HubConfigInput } from "../../src/config/schema.ts";
import { Hub } from "../../src/hub/hub.ts";
import { makeMessage, type BodyOf, type Envelope, type MessageType, type NeutralMessage, type Ref } from "../../src/model/index.ts";
import { quiet } from "../helpers.ts";

export { until } from "../helpers.ts";

export const root = resolve(import.meta.dirname, "../..");
export const memoryAdapter = resolve(root, "test/fixtures/memory-adapter.ts");
export const scenarioMappings = resolve(root, "test/scenarios/fixtures/mappings");

export function startHub(config: HubConfigInput): Promise<Hub> {
  return Hub.start({ log: { level: "silent" }, store: { path: ":memory:" }, api: { enabled: false }, ...config }, { baseDir: root, logger: quiet });
}

export async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((ok, fail) => {
    s.once("error", fail);
    s.bind(0, "127.0.0.1", () => ok());
  });
  const { port } = s.address();
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

export async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", () => ok()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** A message as a grid adapter publishes it (the OpenADR VEN: to every device, {kind: all}). */
export async function fromGrid<T extends MessageType>(hub: Hub, type: T, body: BodyOf<T>, init: {
  source?: string; validity?: { start: string; end?: string }; origin?: { protocol: string; ref: string }; targets?: Ref[];
} = {}): Promise<Envelope<T>> {
  const m = makeMessage(type, body, { source: init.source ?? "openadr:ven", targets: init.targets ?? [{ kind: "all" }], ...init });
  await hub.bus.publish(m);
  return m;
}

/** Every message the hub sends, as it is sent. */
export function record(hub: Hub): NeutralMessage[] {
  const seen: NeutralMessage[] = [];
  hub.bus.subscribe({}, (m) => void seen.push(m as NeutralMessage));
  return seen;
}

/** What went north: the CEM's messages to the building's grid side. */
export function north(seen: NeutralMessage[], site: string): NeutralMessage[] {
  return seen.filter((m) => m.source === `cem:${site}` && m.targets.some((t) => t.kind === "building" && t.id === site));
}

export function ofType<T extends MessageType>(seen: NeutralMessage[], type: T): Envelope<T>[] {
  return seen.filter((m) => m.type === type) as Envelope<T>[];
}

/** The CEM's messages to one device. */
export function toDevice(seen: NeutralMessage[], device: string): NeutralMessage[] {
  return seen.filter((m) => m.source.startsWith("cem:") && m.targets.some((t) => t.kind === "device" && t.id === device));
}

export const iso = (t: number) => new Date(t).toISOString();

/** A time of day (UTC, with milliseconds) for settings such as "finish by 07:00", compressed into the test's seconds. */
export function timeOfDay(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

/** The next whole second at least `leadMs` ahead: step-aligned slots start there. */
export function alignedStart(leadMs: number): number {
  return Math.ceil((Date.now() + leadMs) / 1000) * 1000;
}

export const W = (value: number) => ({ value, unit: "W" as const });
export const perKwh = (value: number) => ({ value, unit: "currency/kWh" as const, currency: "EUR" });
export const slotsOf = (ms: number, prices: number[]) => prices.map((p) => ({ duration: `PT${ms / 1000}S`, binding: "binding" as const, price: perKwh(p) }));
