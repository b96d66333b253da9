export * from "./types.ts";
export { SqliteStore } from "./sqlite.ts";
export { PostgresStore } from "./postgres.ts";
import { PostgresStore } from "./postgres.ts";
import { SqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

export type StoreConfig =
  | { kind: "sqlite"; path: string; synchronous?: "FULL" | "NORMAL" }
  | { kind: "postgres"; url: string; poolSize?: number };

export async function openStore(cfg: StoreConfig, onError?: (err: Error) => void): Promise<Store> {
  return cfg.kind === "postgres" ? PostgresStore.open({ ...cfg, ...(onError ? { onError } : {}) }) : new SqliteStore(cfg);
}
