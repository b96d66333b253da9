/**
 * Discovery scans as jobs: started through the API, progress readable by polling and on the stream, one scan per
 * adapter at a time, cancel, failure; and the CLI's `discover`, through a running hub and standalone.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { startApi, type ApiServer } from "../src/api/server.ts";
import type { Hub } from "../src/hub/hub.ts";
import { scanner } from "./fixtures/scan-adapter.ts";
import { fixtures, memoryHubConfig, startMemoryHub, tempDir, until } from "./helpers.ts";

const root = resolve(import.meta.dirname, "..");
const token = "discover-token-0123456789";

/** Runs the CLI without blocking this process (the hub it talks to runs here). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ["--import", "tsx", resolve(root, "src/cli/main.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 40_000);
    p.on("error", fail);
    p.on("close", (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

describe("discovery jobs (API and CLI)", function () {
  this.timeout(60_000);
  let hub: Hub;
  let api: ApiServer;
  let tmp: ReturnType<typeof tempDir>;
  const adapters = {
    mem: { package: "./memory-adapter.ts" },
    scan: { package: "./scan-adapter.ts", config: { probes: 8, found: [3, 6] } },
    flaky: { package: "./scan-adapter.ts", config: { probes: 8, failAt: 2 } },
  };
  const call = (path: string, init: RequestInit = {}) => fetch(`${api.url}/api${path}`, init);
  const start = (adapter: string, auth = true) => call(`/adapters/${adapter}/discover`, {
    method: "POST", body: JSON.stringify({ timeoutMs: 10_000 }),
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) },
  });
  const job = async (id: string) => (await call(`/jobs/${id}`)).json();

  before(async () => {
    tmp = tempDir();
    scanner.reset();
    hub = await startMemoryHub({
      api: { enabled: true, port: 0, token }, adapters,
      devices: [...memoryHubConfig().devices!, { id: "meter-3", adapter: "scan", address: { unit: 3 } }],
    });
    api = await startApi(hub);
  });
  afterEach(() => scanner.reset());
  after(async () => {
    await api.close();
    await hub.stop();
    tmp.cleanup();
  });

  it("runs a scan as a job whose progress can be polled and streamed, one scan per adapter at a time", async () => {
    assert.equal((await start("scan", false)).status, 401);
    const events: { state: string; progress: { done: number } }[] = [];
    const stream = await fetch(`${api.url}/api/stream?topics=job`, { signal: AbortSignal.timeout(15_000) });
    const reading = (async () => {
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      while (!events.some((e) => e.state !== "running")) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const complete = buffer.lastIndexOf("\n\n");
        for (const m of buffer.slice(0, complete + 1).matchAll(/^data: (.+)$/gm)) events.push(JSON.parse(m[1]));
        buffer = buffer.slice(complete + 2);
      }
      await reader.cancel();
    })();

    scanner.holdAt = 5;
    const r = await start("scan");
    assert.equal(r.status, 202);
    const started = await r.json();
    assert.equal(r.headers.get("location"), `/api/jobs/${started.id}`);
    await until(() => scanner.held, 5000, "the scan to reach unit 5");
    const running = await job(started.id);
    assert.deepEqual([running.state, running.progress.done, running.progress.total, running.progress.found], ["running", 4, 8, 1]);
    assert.deepEqual(running.found.map((d: { address: unknown }) => d.address), [{ unit: 3 }]);
    assert.equal((await start("scan")).status, 409, "a second scan of the same adapter waits");
    await until(() => events.some((e) => e.state === "running" && e.progress.done === 4), 5000, "the held scan's progress on the stream");

    scanner.release();
    await until(async () => (await job(started.id)).state !== "running", 5000, "the scan to finish");
    const done = await job(started.id);
    assert.equal(done.state, "done");
    assert.deepEqual(done.found.map((d: { address: unknown; known?: string }) => [d.address, d.known]), [[{ unit: 3 }, "meter-3"], [{ unit: 6 }, undefined]]);
    assert.match(done.config, /^devices:\n {2}- id: meter-1\n {4}adapter: scan\n {4}table: meter\/scan\n {4}address:\n {6}unit: 6\n/, "only the new device");
    assert.doesNotMatch(done.config, /unit: 3/);
    await reading;
    assert.equal(events.at(-1)!.state, "done");
    assert.ok((await (await call("/jobs")).json()).some((j: { id: string }) => j.id === started.id));
  });

  it("cancels a running scan", async () => {
    scanner.holdAt = 2;
    const started = await (await start("scan")).json();
    await until(() => scanner.held, 5000, "the scan to reach unit 2");
    const del = (auth: boolean) => call(`/jobs/${started.id}`, { method: "DELETE", headers: auth ? { authorization: `Bearer ${token}` } : {} });
    assert.equal((await del(false)).status, 401);
    assert.equal((await del(true)).status, 202);
    await until(async () => (await job(started.id)).state === "cancelled", 5000, "cancelled");
    assert.equal((await del(true)).status, 409, "a finished job cannot be cancelled");
  });

  it("reports a failing scan with the adapter's error", async () => {
    const started = await (await start("flaky")).json();
    await until(async () => (await job(started.id)).state !== "running", 5000, "the scan to end");
    const failed = await job(started.id);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error, "unit 2 answered with garbage");
  });

  it("refuses adapters that cannot discover, unknown adapters and unknown jobs", async () => {
    const mem = await start("mem");
    assert.equal(mem.status, 400);
    assert.match((await mem.json()).error.message, /cannot discover/);
    assert.equal((await start("ghost")).status, 404);
    assert.equal((await call("/jobs/nope")).status, 404);
    const adapters = await (await call("/adapters")).json();
    assert.deepEqual([adapters.scan.discover, adapters.mem.discover], [true, false]);
  });

  it("gridhub discover: through the running hub, with progress on stderr and the devices on stdout", async () => {
    const file = resolve(tmp.dir, "hub.yaml");
    const { port } = new URL(api.url);
    writeFileSync(file, [
      "site: { id: test-site }", `api: { port: ${port}, token: ${token} }`, `store: { path: ${resolve(tmp.dir, "hub.db")} }`,
      `mappings: [${resolve(fixtures, "mappings")}]`,
      `adapters: { scan: { package: ${resolve(fixtures, "scan-adapter.ts")}, config: { probes: 8, found: [3, 6] } } }`, "",
    ].join("\n"));
    const r = await cli("discover", "scan", "--config", file, "--timeout", "10");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /discovering through the hub/);
    assert.match(r.stderr, /\[#{20}\] 8\/8 {2}found 2/);
    assert.match(r.stdout, /^\{"unit":3\} {2}meter {2}meter\/scan {2}configured as meter-3$/m);
    assert.match(r.stdout, /^\{"unit":6\} {2}meter {2}meter\/scan {2}\{"vendor":"Fixture","model":"M6"\}$/m);
    assert.match(r.stdout, /2 device\(s\) found/);
    assert.match(r.stdout, /# for the hub config:\ndevices:\n {2}- id: meter-1/);
    const jobs = await (await call("/jobs")).json();
    assert.ok(jobs.some((j: { adapter: string; state: string; found: unknown[] }) => j.adapter === "scan" && j.found.length === 2), "the scan ran in the hub");
  });

  it("gridhub discover: standalone when no hub runs, and exit 1 when the scan fails", async () => {
    const file = resolve(tmp.dir, "standalone.yaml");
    writeFileSync(file, [
      "site: { id: standalone }", "api: { enabled: false }", `store: { path: ${resolve(tmp.dir, "standalone.db")} }`,
      `mappings: [${resolve(fixtures, "mappings")}]`,
      `adapters: { scan: { package: ${resolve(fixtures, "scan-adapter.ts")}, config: { probes: 4, found: [2] } },`,
      `  flaky: { package: ${resolve(fixtures, "scan-adapter.ts")}, config: { failAt: 3 } } }`, "",
    ].join("\n"));
    const ok = await cli("discover", "scan", "--config", file, "--json");
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /no hub answers/);
    const result = JSON.parse(ok.stdout);
    assert.deepEqual([result.state, result.found.map((d: { address: unknown }) => d.address)], ["done", [{ unit: 2 }]]);
    const bad = await cli("discover", "flaky", "--config", file);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /discovery failed: unit 3 answered with garbage/);
  });
});
