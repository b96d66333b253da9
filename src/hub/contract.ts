/**
 * The adapter contract: the one door between the core and the protocols. An adapter package's default export
 * is an AdapterModule; the hub loads it by package name from the config, validates its config with the
 * manifest's schema, and hands it an AdapterContext.
 */
import type { Router } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import type { NeutralMessage, MessageType, Envelope, Ref } from "../model/index.ts";
import type { AdapterStore } from "../store/types.ts";
import type { AdapterError } from "./errors.ts";
import type { PointRef, PointValue, PointWrite } from "./points.ts";

export type AdapterRole = "northbound" | "southbound";

export interface AdapterManifest {
  /** protocol name as mapping tables spell it ("echonet-lite", "bacnet", "modbus", "opcua", "openadr", "ieee2030-5") */
  protocol: string;
  role: AdapterRole;
  /** validates the adapter's `config:` block from the hub config; errors are reported with the adapter's name */
  config: z.ZodType;
  /** validates one point `address:` of a mapping table for this protocol (southbound only) */
  pointAddress?: z.ZodType;
  /** validates a device binding's `address:` in the config (southbound only) */
  deviceAddress?: z.ZodType;
  /** validates the `map:` of this protocol's grid tables (`kind: grid` in mappings/; northbound only) */
  gridTable?: z.ZodType;
  capabilities: { discover?: boolean; subscribe?: boolean; batchRead?: boolean; relinquish?: boolean };
}

export type Unsubscribe = () => void;

export interface SubscribeFilter<T extends MessageType = MessageType> {
  /** message types wanted; all types when absent */
  types?: readonly T[];
  /**
   * the endpoint this subscriber stands for. A message reaches it when one of its targets names it, names a group
   * it belongs to, or is {kind: "all"}. Without an endpoint the subscriber observes every message of its types.
   */
  endpoint?: Ref;
}

export interface PublishReceipt {
  id: string;
  duplicate: boolean;
  delivered: number;
}

/** The bus as adapters see it. Everything published is validated against the neutral model on entry. */
export interface BusPort {
  publish(message: unknown): Promise<PublishReceipt>;
  subscribe<T extends MessageType>(filter: SubscribeFilter<T>, handler: (m: Envelope<T>) => void | Promise<void>): Unsubscribe;
}

export interface Clock {
  now(): Date;
}

export interface Counters {
  inc(name: CounterName, by?: number): void;
  observe(name: "latencyMs", ms: number): void;
}
export type CounterName = "messagesIn" | "messagesOut" | "errors" | "reads" | "writes" | "reconnects" | "timeouts";

/** A device bound to an adapter by the config (or by discovery), with its mapping table's points. */
export interface DeviceBinding {
  id: string;
  adapter: string;
  table?: string;
  address: Record<string, unknown>;
  groups: string[];
  deviceClass?: string;
  points: PointRef[];
}

export interface AdapterContext {
  /** instance name from the config (several instances of one package can run) */
  name: string;
  logger: Logger;
  bus: BusPort;
  store: AdapterStore;
  clock: Clock;
  counters: Counters;
  /** aborted when the hub stops the adapter */
  signal: AbortSignal;
  /** devices the config binds to this adapter */
  devices(): DeviceBinding[];
  /** every device the hub knows, for northbound adapters that describe the site (OpenADR METADATA reports) */
  allDevices(): DeviceBinding[];
  /** reads points through whichever southbound adapter owns them (for northbound reports) */
  readPoints(points: PointRef[]): Promise<PointValue[]>;
  /**
   * the `map:` of a grid table (mappings/, `kind: grid`), checked against the manifest's gridTable schema; throws a
   * MappingErrors naming file:line:field when it does not fit, or when no table has that id
   */
  gridTable(id: string): unknown;
  /** resolves a path from the adapter's config (certificates, data files) against the config file's directory */
  resolvePath(path: string): string;
  /** the hub's data directory (for files an adapter keeps beside the store) */
  dataDir: string;
  /** reports a health change; the hub stamps the time */
  setHealth(state: HealthState, lastError?: AdapterError | Error | string): void;
}

export type HealthState = "starting" | "up" | "degraded" | "down" | "stopped";

export interface Health {
  state: HealthState;
  since: string;
  lastError?: { message: string; code?: string; at: string };
  counters: Record<CounterName, number>;
  latency?: { count: number; p50: number; p99: number };
  detail?: Record<string, unknown>;
}

export interface DiscoveredDevice {
  address: Record<string, unknown>;
  deviceClass?: string;
  /** mapping table id the adapter suggests */
  table?: string;
  info?: Record<string, unknown>;
}

export interface DiscoverProgress {
  done: number;
  total?: number;
  found: number;
  message?: string;
}

export interface AdapterBase {
  start(): Promise<void>;
  /** idempotent */
  stop(): Promise<void>;
  /** adapter-specific health detail merged into the hub's view (peer state, registrations, queue depths) */
  healthDetail?(): Record<string, unknown>;
  /** REST routes mounted under /api/adapters/<name>/ (operator APIs such as the VTN's) */
  routes?(): Router;
}

export interface NorthboundAdapter extends AdapterBase {
  readonly role: "northbound";
}

export interface SouthboundAdapter extends AdapterBase {
  readonly role: "southbound";
  /** per-point values; one bad point never fails the batch */
  read(points: PointRef[]): Promise<PointValue[]>;
  write(writes: PointWrite[]): Promise<PointValue[]>;
  /** gives control back (BACnet NULL at our priority); adapters without a native relinquish omit it */
  relinquish?(points: PointRef[]): Promise<PointValue[]>;
  /** change notifications (COV, INF, monitored items); re-established by the adapter after a reconnect */
  subscribe?(points: PointRef[], onChange: (values: PointValue[]) => void): Promise<Unsubscribe>;
  discover?(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice>;
}

export type Adapter = NorthboundAdapter | SouthboundAdapter;

export interface AdapterModule<C = unknown> {
  manifest: AdapterManifest;
  create(config: C, ctx: AdapterContext): Adapter;
}

export function defineAdapter<S extends z.ZodType>(
  manifest: AdapterManifest & { config: S },
  create: (config: z.infer<S>, ctx: AdapterContext) => Adapter,
): AdapterModule<z.infer<S>> {
  return { manifest, create };
}

export type { NeutralMessage };
