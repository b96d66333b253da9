/** The hub configuration file (YAML). Adapter and simulator `config:` blocks are checked by their own manifests. */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { CemConfig } from "../cem/config.ts";
import { DeviceClass } from "../model/index.ts";

const Name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, "names are letters, digits, - and _");
const PackageRef = z.object({
  package: z.string().min(1).describe("npm package name (e.g. @gridhub/modbus) or a path relative to the config file"),
  enabled: z.boolean().default(true),
  config: z.record(z.string(), z.unknown()).default({}),
}).strict();

export const HubConfig = z.object({
  $schema: z.string().optional(),
  site: z.object({ id: Name.default("site"), name: z.string().optional() }).strict().default({ id: "site" }),
  log: z.object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") }).strict().default({ level: "info" }),
  store: z.preprocess(
    // `kind` may be left out: SQLite is the embedded default
    (v) => (v && typeof v === "object" && !("kind" in v) ? { ...v, kind: "sqlite" } : v),
    z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("sqlite"),
        path: z.string().default("data/gridhub.db").describe("file path relative to the config file, or :memory:"),
        synchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
      }).strict(),
      z.object({
        kind: z.literal("postgres"),
        url: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// connection URL (reference secrets as ${file:...})"),
        poolSize: z.number().int().min(1).max(200).default(10),
        dataDir: z.string().default("data").describe("local files (API token), relative to the config file"),
      }).strict(),
    ]),
  ).default({ kind: "sqlite", path: "data/gridhub.db", synchronous: "FULL" }),
  api: z.object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1").describe("bound to loopback unless configured"),
    port: z.number().int().min(0).max(65535).default(8080),
    token: z.string().min(16, "an API token needs at least 16 characters").optional()
      .describe("bearer token for write endpoints; reference it as ${env:NAME} or ${file:path}"),
    maxBodyBytes: z.number().int().min(1024).default(256 * 1024),
  }).strict().default({ enabled: true, host: "127.0.0.1", port: 8080, maxBodyBytes: 256 * 1024 }),
  mappings: z.array(z.string()).default(["mappings"]).describe("directories of mapping tables, relative to the config file"),
  adapters: z.record(Name, PackageRef).default({}),
  simulators: z.record(Name, PackageRef).default({}),
  devices: z.array(z.object({
    id: Name,
    adapter: Name,
    table: z.string().optional(),
    address: z.record(z.string(), z.unknown()).default({}),
    groups: z.array(Name).default([]),
    deviceClass: DeviceClass.optional(),
    externallyControllable: z.boolean().default(false).describe("may grid messages name this device directly (JWG212x, WGSP2121)"),
  }).strict()).default([]),
  groups: z.record(Name, z.array(Name)).default({}).describe("extra group memberships: group -> device ids"),
  cem: CemConfig.optional().describe("the Customer Energy Manager: which grid messages it decides, device knowledge, policies (docs/cem.md)"),
}).strict();

export type HubConfig = z.infer<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;

/** Where the hub keeps its files (the store's directory): the generated API token lives there too. */
export function dataDirOf(cfg: HubConfig, baseDir: string): string {
  if (cfg.store.kind === "postgres") return resolve(baseDir, cfg.store.dataDir);
  return cfg.store.path === ":memory:" ? resolve(baseDir, "data") : dirname(resolve(baseDir, cfg.store.path));
}

/** The store settings with file paths resolved against the config file's directory. */
export function storeConfigOf(cfg: HubConfig, baseDir: string) {
  const s = cfg.store;
  return s.kind === "postgres" ? s : { ...s, path: s.path === ":memory:" ? s.path : resolve(baseDir, s.path) };
}
