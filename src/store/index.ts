export * from "./types.ts";
export { SqliteStore } from "./sqlite.ts";
import { SqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export type StoreConfig = { kind: "sqlite"; path: string; synchronous?: "FULL" | "NORMAL" };

export async function openStore(cfg: StoreConfig): Promise<Store> {
  return new SqliteStore(cfg);
}
