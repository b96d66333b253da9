/**
 * VTN test fixtures: the test PKI, a VTN inside a real Hub (SQLite file or PostgreSQL store) with its API, and a
 * scripted VEN that speaks the codec over mutual TLS with node's https (independent of the VEN's own client).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { resolve } from "node:path";
import { identityOf } from "gridhub/security";
import { parse, serialize, type OadrMessage, type OadrMessageOf, type ServiceName } from "../../src/codec/index.ts";
import { servicePath } from "../../src/transport/server.ts";
import { startApi, type ApiServer } from "../../../../src/api/server.ts";
import type { HubConfigInput } from "../../../../src/config/schema.ts";
import { Hub } from "../../../../src/hub/hub.ts";
import { quiet, tempDir } from "../../../../test/helpers.ts";
import { freshDatabase, type RunningPostgres } from "../../../../test/postgres.ts";

const REPO = resolve(import.meta.dirname, "../../../..");

export interface Pki {
  dir: string;
  file(name: string): string;
  fingerprint(leaf: string): string;
  cleanup(): void;
}

/** Runs certs/make-test-pki.sh into a temp dir (about a second). */
export function makePki(): Pki {
  const tmp = tempDir("gridhub-oadr-pki-");
  const r = spawnSync("bash", [resolve(REPO, "certs/make-test-pki.sh"), tmp.dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`make-test-pki.sh failed: ${r.stderr}`);
  const file = (name: string) => resolve(tmp.dir, name);
  return { dir: tmp.dir, file, fingerprint: (leaf) => identityOf(readFileSync(file(`${leaf}.pem`))).openadrFingerprint, cleanup: tmp.cleanup };
}

/** TLS files of a leaf, as the hub config takes them. */
export const tlsFiles = (pki: Pki, leaf: string, chain = false) => ({
  cert: pki.file(chain ? `${leaf}.chain.pem` : `${leaf}.pem`),
  key: pki.file(`${leaf}.key`),
  ca: pki.file("trust.pem"),
  crl: [pki.file("inter.crl.pem"), pki.file("root.crl.pem")],
  minVersion: "TLSv1.2" as const,
});

/** Where a VTN test keeps its store: a SQLite file in a temp dir, or a fresh database on a real PostgreSQL. */
export interface StoreKind {
  name: "sqlite" | "postgres";
  /** A new, empty store location; every hub given the same location shares it. */
  fresh(): Promise<HubConfigInput["store"]>;
}

export function sqliteStores(dir: string): StoreKind {
  let n = 0;
  return { name: "sqlite", fresh: async () => ({ kind: "sqlite", path: resolve(dir, `vtn-${++n}.db`), synchronous: "NORMAL" }) };
}

export function postgresStores(server: () => RunningPostgres, dataDir: string): StoreKind {
  let n = 0;
  return {
    name: "postgres",
    fresh: async () => ({ kind: "postgres", url: await freshDatabase(server(), `vtn_${process.pid}_${++n}`), dataDir, poolSize: 10 }),
  };
}

export const API_TOKEN = "vtn-test-token-0123456789abcdef";

export interface VtnHub {
  hub: Hub;
  api: ApiServer;
  /** The VTN's https base URL. */
  url: string;
  /** Operator API base, e.g. http://127.0.0.1:1234/api/adapters/vtn */
  apiBase: string;
  stop(): Promise<void>;
}

export function vtnConfig(pki: Pki, extra: Record<string, unknown> = {}) {
  return {
    role: "vtn",
    vtnID: "gridhub-vtn",
    listen: { host: "127.0.0.1", port: 0 },
    tls: tlsFiles(pki, "vtn", true),
    pollFrequency: "PT10S",
    ...extra,
  };
}

/** A Hub running the VTN adapter (named "vtn") and the API on ephemeral ports. */
export async function startVtnHub(store: HubConfigInput["store"], vtn: Record<string, unknown>): Promise<VtnHub> {
  const hub = await Hub.start({
    site: { id: "vtn-test" },
    log: { level: "silent" },
    store,
    api: { enabled: true, port: 0, token: API_TOKEN },
    mappings: [],
    adapters: { vtn: { package: "@gridhub/openadr", config: vtn } },
  }, { baseDir: REPO, logger: quiet });
  let api: ApiServer;
  try {
    api = await startApi(hub);
  } catch (e) {
    await hub.stop();
    throw e;
  }
  const adapter = hub.adapters.get("vtn")!.adapter as unknown as { url: string };
  return {
    hub, api, url: adapter.url, apiBase: `${api.url}/api/adapters/vtn`,
    stop: async () => {
      await api.close();
      await hub.stop();
    },
  };
}

/** Calls the operator API (writes carry the token). */
export async function operator<T = unknown>(base: string, method: string, path: string, body?: unknown, token: string | undefined = API_TOKEN) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface RawReply {
  status: number;
  body: string;
}

/** A VEN made of the codec and node's https: it sends exactly what a test scripts. */
export class ScriptedVen {
  readonly fingerprint: string;
  /** One reply body of each payload type the VTN sent this VEN (for schema validation). */
  readonly samples = new Map<string, string>();
  venID: string;
  registrationID: string | undefined;
  private readonly agent: Agent;

  constructor(private readonly vtnUrl: string, pki: Pki, readonly leaf: string) {
    const files = tlsFiles(pki, leaf);
    this.agent = new Agent({
      cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.ca), keepAlive: true, maxSockets: 2,
    });
    this.fingerprint = pki.fingerprint(leaf);
    this.venID = this.fingerprint;
  }

  raw(path: string, body: string | Buffer, headers: Record<string, string> = { "content-type": "application/xml" }, method = "POST"): Promise<RawReply> {
    return new Promise((ok, fail) => {
      const req = request(`${this.vtnUrl}${path}`, { method, agent: this.agent, headers, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", fail);
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", fail);
      req.end(body);
    });
  }

  async send(service: ServiceName, message: OadrMessage): Promise<OadrMessage> {
    const r = await this.raw(servicePath(service), serialize(message));
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
    const reply = parse(r.body);
    if (!this.samples.has(reply.type)) this.samples.set(reply.type, r.body);
    return reply;
  }

  async register(extra: Partial<OadrMessageOf<"oadrCreatePartyRegistration">> = {}) {
    const reply = await this.send("EiRegisterParty", {
      type: "oadrCreatePartyRegistration", requestID: `reg-${this.leaf}`, profileName: "2.0b", transportName: "simpleHttp",
      reportOnly: false, xmlSignature: false, venName: this.leaf, httpPullModel: true, ...extra,
    });
    if (reply.type !== "oadrCreatedPartyRegistration") throw new Error(`registration answered ${reply.type}: ${JSON.stringify(reply)}`);
    this.venID = reply.venID!;
    this.registrationID = reply.registrationID;
    return reply;
  }

  poll(venID = this.venID) {
    return this.send("OadrPoll", { type: "oadrPoll", venID });
  }

  close() {
    this.agent.destroy();
  }
}

/** The response code of any payload that carries an eiResponse. */
export function codeOf(m: OadrMessage): number | undefined {
  return "eiResponse" in m && m.eiResponse ? m.eiResponse.responseCode : undefined;
}

export const inMinutes = (min: number) => new Date(Date.now() + min * 60_000).toISOString();

/** A SIMPLE-level event body for the operator API. */
export function simpleEvent(targets: Record<string, string[]>, extra: Record<string, unknown> = {}) {
  return {
    activePeriod: { dtstart: inMinutes(60), duration: "PT1H" },
    signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT1H", signalPayload: 1 }] }],
    targets,
    ...extra,
  };
}
