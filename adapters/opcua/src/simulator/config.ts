/** The chiller-plant simulator's config block (hub config `simulators:` or startSimulator()). */
import { z } from "zod";
import { Ms, securityModes, securityPolicies } from "../config.ts";

export const SimulatorConfig = z.object({
  host: z.string().min(1).default("127.0.0.1").describe("address to listen on; loopback unless configured"),
  port: z.number().int().min(0).max(65535).default(48400).describe("0 picks a free port (see info().endpoint)"),
  resourcePath: z.string().regex(/^(\/[A-Za-z0-9._-]+)*$/, "like /gridhub/plant").default("/gridhub/plant"),
  pki: z.object({
    root: z.string().min(1).default("certs/out/opcua/simulator").describe("server PKI folder; user certificates live in <root>/users"),
    acceptUnknownCertificates: z.boolean().default(false),
    trust: z.array(z.string().min(1)).default([]).describe("client certificate files (PEM or DER) to trust"),
    trustUsers: z.array(z.string().min(1)).default([]).describe("user certificate files accepted as X.509 identities"),
  }).strict().prefault({}),
  users: z.array(z.object({ userName: z.string().min(1), password: z.string() }).strict()).default([]),
  allowAnonymous: z.boolean().default(true),
  securityModes: z.array(z.enum(securityModes)).min(1).default([...securityModes]),
  securityPolicies: z.array(z.enum(securityPolicies)).min(1).default(["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep"]),
  chillers: z.number().int().min(1).max(8).default(2),
  tick: Ms.default(1000).describe("plant model step; 0s freezes the values (tests set them)"),
}).strict();
export type SimulatorConfig = z.output<typeof SimulatorConfig>;
