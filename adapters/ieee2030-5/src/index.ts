/**
 * @gridhub/ieee2030-5: the IEEE 2030.5 client (the gateway as an EndDevice of a utility server) and server
 * (serving downstream DER clients and test events), one package with the role chosen by the config.
 */
import { defineAdapter } from "gridhub/hub";
import { createClient } from "./client/adapter.ts";
import { Config } from "./config.ts";
import { GridMap } from "./mapping/table.ts";
import { createServer } from "./server/adapter.ts";

export default defineAdapter({
  protocol: "ieee2030-5",
  role: "northbound",
  config: Config,
  gridTable: GridMap,
  capabilities: {},
}, (config, ctx) => (config.role === "client" ? createClient(config, ctx) : createServer(config, ctx)));

export { createClient, createServer };
export type { SepClientAdapter } from "./client/adapter.ts";
export type { SepServerAdapter } from "./server/adapter.ts";
