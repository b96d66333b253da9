/** Where a connection goes: one TCP endpoint or one serial line, shared by every unit id behind it. */
import { isRtu, type DeviceAddress } from "../address.ts";

export type Target =
  | { kind: "tcp"; host: string; port: number }
  | { kind: "rtu"; path: string; baudRate: number; dataBits: 7 | 8; stopBits: 1 | 2; parity: "none" | "even" | "odd" };

export function targetOf(a: DeviceAddress): Target {
  return isRtu(a)
    ? { kind: "rtu", path: a.path, baudRate: a.baudRate, dataBits: a.dataBits, stopBits: a.stopBits, parity: a.parity }
    : { kind: "tcp", host: a.host, port: a.port };
}

export function targetKey(t: Target): string {
  return t.kind === "tcp" ? `tcp://${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}` : `rtu://${t.path}`;
}

/** Two devices on one serial line must agree on its settings. */
export function sameLine(a: Target, b: Target): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
