/**
 * @gridhub/openadr: OpenADR 2.0b over simpleHTTP. One package, two roles chosen by `config.role`: a VEN (the site
 * answers a utility's VTN) or a VTN (the hub serves VENs). See README.md.
 */
import { z } from "zod";
import { defineAdapter } from "gridhub/hub";
import { createVen } from "./ven/adapter.ts";
import { VenConfig } from "./ven/config.ts";
import { SignalMap } from "./ven/signal-map.ts";
import { createVtn } from "./vtn/adapter.ts";
import { VtnConfig } from "./vtn/config.ts";

export default defineAdapter(
  {
    protocol: "openadr",
    role: "northbound",
    config: z.discriminatedUnion("role", [VenConfig, VtnConfig]),
    gridTable: SignalMap,
    capabilities: {},
  },
  (cfg, ctx) => (cfg.role === "ven" ? createVen(cfg, ctx) : createVtn(cfg, ctx)),
);
