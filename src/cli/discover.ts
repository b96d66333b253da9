/**
 * `gridhub discover <adapter>`: runs an adapter's discovery scan and shows its progress. Through the running hub's
 * API when it answers (the scan then runs in the hub, as a job the UI sees too); otherwise in a hub started for the
 * scan alone (adapters and simulators of the config, no API), stopped afterwards.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pino } from "pino";
import { configuredAt } from "../api/adapters.ts";
import { Jobs, type JobView } from "../api/jobs.ts";
import { loadConfigFile } from "../config/load.ts";
import { dataDirOf, type HubConfig } from "../config/schema.ts";
import { Hub } from "../hub/hub.ts";

const POLL_MS = 200;
const GRACE_MS = 30_000;

/** Progress on stderr: one rewritten line on a terminal, otherwise a line per found device and per tenth of the scan. */
class ProgressPrinter {
  private last = "";
  private tty = Boolean(process.stderr.isTTY);

  show(job: JobView) {
    const { done, total, found, message } = job.progress;
    const tenth = total ? Math.floor((done / total) * 10) : done;
    const key = this.tty ? `${done}/${found}/${message}` : `${tenth}/${found}`;
    if (key === this.last && job.state === "running") return;
    this.last = key;
    const bar = total ? `[${"#".repeat(Math.round((done / total) * 20)).padEnd(20, ".")}] ${done}/${total}` : `${done} probed`;
    const line = `${bar}  found ${found}${message ? `  ${message}` : ""}`;
    process.stderr.write(this.tty ? `\r\x1b[K${line}` : `${line}\n`);
  }

  end() {
    if (this.tty) process.stderr.write("\n");
  }
}

function report(job: JobView, json: boolean) {
  if (json) return void process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  if (job.state === "failed") throw new Error(`discovery failed: ${job.error}`);
  for (const d of job.found) {
    const info = d.known ? `configured as ${d.known}` : d.info ? JSON.stringify(d.info) : "";
    process.stdout.write(`${JSON.stringify(d.address)}  ${d.deviceClass ?? "-"}  ${d.table ?? "-"}${info ? `  ${info}` : ""}\n`);
  }
  process.stdout.write(`${job.found.length} device(s) found${job.state === "cancelled" ? " (scan cancelled)" : ""}\n`);
  if (job.config) process.stdout.write(`\n# for the hub config:\n${job.config}`);
}

async function hubAnswers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function viaApi(url: string, token: string, adapter: string, timeoutMs: number, printer: ProgressPrinter): Promise<JobView> {
  const auth = { authorization: `Bearer ${token}` };
  const r = await fetch(`${url}/adapters/${encodeURIComponent(adapter)}/discover`, {
    method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ timeoutMs }),
  });
  if (!r.ok) throw new Error(`hub answered ${r.status}: ${(await r.json() as { error?: { message?: string } }).error?.message ?? r.statusText}`);
  let job = await r.json() as JobView;
  const deadline = Date.now() + timeoutMs + GRACE_MS;
  while (job.state === "running") {
    if (Date.now() > deadline) throw new Error(`job ${job.id} still running after ${timeoutMs + GRACE_MS} ms`);
    await new Promise((ok) => setTimeout(ok, POLL_MS));
    const p = await fetch(`${url}/jobs/${job.id}`, { headers: auth });
    if (!p.ok) throw new Error(`hub answered ${p.status} for job ${job.id}`);
    job = await p.json() as JobView;
    printer.show(job);
  }
  return job;
}

async function inProcess(cfg: HubConfig, baseDir: string, adapter: string, timeoutMs: number, printer: ProgressPrinter): Promise<JobView> {
  const logger = pino({ level: "warn" }, pino.destination(2));
  const hub = await Hub.start({ ...cfg, api: { ...cfg.api, enabled: false } }, { baseDir, logger });
  try {
    const r = hub.adapters.get(adapter);
    if (!r) throw new Error(`no adapter ${adapter} in the config (known: ${[...hub.adapters.keys()].join(", ") || "none"})`);
    if (r.adapter.role !== "southbound" || !r.adapter.discover) throw new Error(`adapter ${adapter} (${r.module.manifest.protocol}) cannot discover devices`);
    const jobs = new Jobs((job) => printer.show(job));
    const started = jobs.discover(adapter, r.adapter.discover.bind(r.adapter), timeoutMs, (found) => configuredAt(hub, adapter, found.address));
    return (await jobs.settled(started.id))!;
  } finally {
    await hub.stop();
  }
}

export async function discoverCommand(configPath: string, adapter: string, opts: { timeoutMs: number; json: boolean }) {
  const file = resolve(configPath);
  const cfg = loadConfigFile(file);
  const baseDir = dirname(file);
  const host = cfg.api.host.includes(":") ? `[${cfg.api.host}]` : cfg.api.host;
  const url = `http://${host}:${cfg.api.port}/api`;
  const printer = new ProgressPrinter();
  let job: JobView;
  if (cfg.api.enabled && await hubAnswers(url)) {
    const tokenFile = resolve(dataDirOf(cfg, baseDir), "api-token");
    let token = cfg.api.token;
    try {
      token ??= readFileSync(tokenFile, "utf8").trim();
    } catch {
      throw new Error(`no API token: set api.token in the config, or run where the hub's ${tokenFile} is readable`);
    }
    process.stderr.write(`discovering through the hub at ${url}\n`);
    job = await viaApi(url, token, adapter, opts.timeoutMs, printer);
  } else {
    process.stderr.write("no hub answers: starting the adapters for this scan\n");
    job = await inProcess(cfg, baseDir, adapter, opts.timeoutMs, printer);
  }
  printer.end();
  report(job, opts.json);
  if (job.state !== "done") process.exitCode = 1;
}
