/**
 * OpenADR VTN under load: N simulated VENs (N = 100, 1 000, 10 000), each with its own client certificate, against
 * the VTN inside a Hub over mutual TLS on 127.0.0.1, on SQLite and on a real PostgreSQL (test/postgres.ts).
 * Per (store, N): registration of every VEN (full TLS handshake), then POLLS_PER_VEN idle oadrPolls per VEN
 * (polls/s, p50/p99 latency; the VEN's TLS session is resumed), then one event for every VEN issued through the
 * operator API and the time until the last VEN has polled it. Bounds: at most CONCURRENCY VENs connected at once,
 * POLLS_PER_VEN polls each, at most 3 polls per VEN to receive the event. Baseline, same run: the same poll load
 * (smallest N) against the package's simpleHTTP server answering every poll with a fixed oadrResponse (TLS + HTTP +
 * codec, no VTN logic, no store). The simulated VENs run in a worker thread (_openadr-vtn-load.ts); a poll's
 * latency includes the VEN's (resumed) TLS handshake when it is the first request on its connection.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { identityOf, OPENADR_CIPHERS, tlsOptions } from "gridhub/security";
import { startOadrServer } from "../adapters/openadr/src/transport/server.ts";
import { startApi } from "../src/api/server.ts";
import type { HubConfigInput } from "../src/config/schema.ts";
import { Hub } from "../src/hub/hub.ts";
import { quiet, tempDir } from "../test/helpers.ts";
import { freshDatabase, startPostgres } from "../test/postgres.ts";
import { benchPki, type BenchPki } from "./_openadr-pki.ts";
import type { LoadCommand, LoadResult, LoadSetup } from "./_openadr-vtn-load.ts";

const SIZES = [100, 1000, 10_000];
const POLLS_PER_VEN = 2;
const CONCURRENCY = 64;
const TOKEN = "bench-token-0123456789abcdef";

const REPO = resolve(import.meta.dirname, "..");

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function latency(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50Ms: round(percentile(s, 50), 2), p99Ms: round(percentile(s, 99), 2) };
}

/** A worker with N simulated VENs; `run` executes one phase and fails when any VEN failed. */
function startLoad(setup: LoadSetup) {
  const url = new URL("./_openadr-vtn-load.ts", import.meta.url).href;
  // workers do not inherit tsx's loader: the worker imports the TypeScript module through tsx's API
  const worker = new Worker(`import { tsImport } from "tsx/esm/api"; await tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)});`, { eval: true, workerData: setup });
  return {
    run: (cmd: LoadCommand) => new Promise<LoadResult>((ok, fail) => {
      worker.once("error", fail);
      worker.once("message", (r: LoadResult) => {
        worker.off("error", fail);
        if (r.errors.length) fail(new Error(`${cmd.phase}: ${r.errors.length} VEN(s) failed, first: ${r.errors[0]}`));
        else ok(r);
      });
      worker.postMessage(cmd);
    }),
    stop: () => worker.terminate(),
  };
}

function vtnTls(pki: BenchPki) {
  return { cert: pki.file("vtn.chain.pem"), key: pki.file("vtn.key"), ca: pki.file("trust.pem"), crl: [pki.file("inter.crl.pem"), pki.file("root.crl.pem")] };
}

function loadSetup(pki: BenchPki, url: string, n: number, venIDs: string[]): LoadSetup {
  return { vtnUrl: url, key: readFileSync(pki.file("ven.key"), "utf8"), certs: pki.vens.slice(0, n), venIDs: venIDs.slice(0, n), concurrency: CONCURRENCY };
}

interface Figures {
  registrationsPerSec: number;
  pollsPerSec: number;
  poll: { p50Ms: number; p99Ms: number };
  eventFanoutMs: number;
  eventToAllVensMs: number;
}

async function measure(pki: BenchPki, venIDs: string[], store: HubConfigInput["store"], n: number): Promise<Figures> {
  const hub = await Hub.start({
    site: { id: "bench" }, log: { level: "silent" }, store, mappings: [],
    api: { enabled: true, port: 0, token: TOKEN },
    adapters: { vtn: { package: "@gridhub/openadr", config: { role: "vtn", vtnID: "bench-vtn", listen: { port: 0 }, tls: vtnTls(pki) } } },
  }, { baseDir: REPO, logger: quiet });
  const api = await startApi(hub);
  const load = startLoad(loadSetup(pki, (hub.adapters.get("vtn")!.adapter as unknown as { url: string }).url, n, venIDs));
  try {
    const reg = await load.run({ phase: "register" });
    const polls = await load.run({ phase: "poll", polls: POLLS_PER_VEN });
    const t0 = Date.now();
    const created = await fetch(`${api.url}/api/adapters/vtn/events`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        eventID: "bench-event", targets: {},
        activePeriod: { dtstart: new Date(Date.now() + 3600_000).toISOString(), duration: "PT1H" },
        signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT1H", signalPayload: 1 }] }],
      }),
    });
    if (created.status !== 201) throw new Error(`event: HTTP ${created.status} ${await created.text()}`);
    const fanoutMs = Date.now() - t0;
    const delivered = await load.run({ phase: "deliver", eventID: "bench-event", maxPolls: 3 });
    return {
      registrationsPerSec: round(n / (reg.wallMs / 1000)),
      pollsPerSec: round(polls.latencies.length / (polls.wallMs / 1000)),
      poll: latency(polls.latencies),
      eventFanoutMs: fanoutMs,
      eventToAllVensMs: Math.max(...delivered.receivedAt) - t0,
    };
  } finally {
    await load.stop();
    await api.close();
    await hub.stop();
  }
}

/** The same poll load against a server with no VTN behind it. */
async function baseline(pki: BenchPki, venIDs: string[], n: number) {
  const server = await startOadrServer({
    tls: tlsOptions(vtnTls(pki) as Parameters<typeof tlsOptions>[0], OPENADR_CIPHERS),
    handler: () => ({ type: "oadrResponse", eiResponse: { responseCode: 200, responseDescription: "OK", requestID: "" } }),
  });
  const load = startLoad(loadSetup(pki, server.url, n, venIDs));
  try {
    await load.run({ phase: "poll", polls: 1 });
    const polls = await load.run({ phase: "poll", polls: POLLS_PER_VEN });
    return { pollsPerSec: round(polls.latencies.length / (polls.wallMs / 1000)), poll: latency(polls.latencies) };
  } finally {
    await load.stop();
    await server.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const pki = await benchPki(Math.max(...SIZES));
  const venIDs = pki.vens.map((pem) => identityOf(pem).openadrFingerprint);
  const tmp = tempDir("gridhub-bench-vtn-");
  const pg = await startPostgres();
  let db = 0;
  const stores: Record<string, () => Promise<HubConfigInput["store"]>> = {
    sqlite: async () => ({ kind: "sqlite", path: resolve(tmp.dir, `vtn-${++db}.db`), synchronous: "NORMAL" }),
    postgres: async () => ({ kind: "postgres", url: await freshDatabase(pg, `bench_vtn_${++db}`), dataDir: tmp.dir, poolSize: 20 }),
  };
  try {
    const out: Record<string, unknown> = {
      bounds: {
        concurrentVens: CONCURRENCY, pollsPerVen: POLLS_PER_VEN, pollsToGetEvent: "at most 3", sqlite: "WAL, synchronous=NORMAL",
        registration: "includes the VEN's full TLS handshake", loadAverage: loadavg().map((x) => round(x, 1)).join(" "),
      },
      certificatesGeneratedSeconds: pki.generatedSeconds,
    };
    const base = await baseline(pki, venIDs, SIZES[0]);
    out[`baselineNoVtn.N=${SIZES[0]}`] = base;
    for (const [name, fresh] of Object.entries(stores)) {
      const byN: Record<string, Figures> = {};
      for (const n of SIZES) byN[`N=${n}`] = await measure(pki, venIDs, await fresh(), n);
      out[name] = byN;
      const first = byN[`N=${SIZES[0]}`];
      out[`${name}VsBaseline.N=${SIZES[0]}`] = { p50: round(first.poll.p50Ms / base.poll.p50Ms, 2), pollsPerSec: round(first.pollsPerSec / base.pollsPerSec, 2) };
    }
    return out;
  } finally {
    await pg.stop();
    tmp.cleanup();
  }
}
