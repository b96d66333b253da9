import { createHash } from "node:crypto";

export const PROTOCOL = "ieee2030-5";

/** A stable mRID (128 bits, hex) named by its parts: the same mirror, reading or set gets the same mRID every time. */
export function mridOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32).toUpperCase();
}

/** The hub-wide id of an event an adapter instance keeps (client or server). */
export function hubEventId(adapter: string, mRID: string): string {
  return `${PROTOCOL}:${adapter}:${mRID}`;
}
