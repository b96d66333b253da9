/** Points: what a southbound adapter reads and writes, addressed by what the mapping table names. */
import type { AdapterError } from "./errors.ts";

export const dataTypes = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
  "float32", "float64", "string", "enum", "bitfield"] as const;
export type DataType = (typeof dataTypes)[number];

/** A raw protocol value after the adapter decoded it (before scale/offset/enum labels); null = relinquished/absent. */
export type RawValue = number | boolean | string | null;
export type Quality = "good" | "uncertain" | "bad";

export interface PointRef {
  /** hub device id (from the config) */
  device: string;
  /** the device's protocol address from the config binding, e.g. {host, port, unitId} or {deviceInstance} */
  deviceAddress: Record<string, unknown>;
  /** point name in the mapping table */
  point: string;
  /** the point's protocol address from the mapping table, e.g. {epc: 0xE4} or {object: "analog-value:3"} */
  address: Record<string, unknown>;
  type: DataType;
  access: "r" | "w" | "rw";
  /** protocol write priority where the protocol has one (BACnet 1-16) */
  priority?: number;
  /** the table's `subscribe:` options: sampling interval and deadband (COV increment, OPC UA deadband) */
  subscribe?: { samplingMs?: number; deadband?: number };
}

export interface PointValue {
  device: string;
  point: string;
  value: RawValue;
  ts: string;
  quality: Quality;
  error?: AdapterError;
}

export interface PointWrite {
  ref: PointRef;
  value: RawValue;
}

export function pointKey(p: { device: string; point: string }): string {
  return `${p.device}/${p.point}`;
}

export function badValue(ref: PointRef, error: AdapterError, now = new Date()): PointValue {
  return { device: ref.device, point: ref.point, value: null, ts: now.toISOString(), quality: "bad", error };
}

export function goodValue(ref: PointRef, value: RawValue, now = new Date()): PointValue {
  return { device: ref.device, point: ref.point, value, ts: now.toISOString(), quality: "good" };
}
