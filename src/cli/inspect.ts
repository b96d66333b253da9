/** Read-side commands: ask the running hub's API when it answers, else read the config and the store directly. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfigFile } from "../config/load.ts";
import { dataDirOf, storeConfigOf, type HubConfig } from "../config/schema.ts";
import { openStore } from "../store/index.ts";

function context(configPath: string) {
  const file = resolve(configPath);
  const cfg = loadConfigFile(file);
  const baseDir = dirname(file);
  const host = cfg.api.host.includes(":") ? `[${cfg.api.host}]` : cfg.api.host;
  return { cfg, baseDir, url: `http://${host}:${cfg.api.port}/api` };
}

async function fromApi<T>(url: string): Promise<T | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

function storeOf(cfg: HubConfig, baseDir: string) {
  return openStore(storeConfigOf(cfg, baseDir));
}

function table(rows: string[][]) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

type ApiDevice = { id: string; adapter: string; table?: string; groups: string[]; values: Record<string, { value: unknown; quality: string }> };

export async function devicesCommand(configPath: string, json: boolean) {
  const { cfg, baseDir, url } = context(configPath);
  let devices = await fromApi<ApiDevice[]>(`${url}/devices`);
  if (!devices) {
    const store = await storeOf(cfg, baseDir);
    const known = await store.listDevices();
    await store.close();
    devices = cfg.devices.map((d) => ({ ...d, values: {}, ...known.find((k) => k.id === d.id) }));
  }
  if (json) return void process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
  const rows = [["DEVICE", "ADAPTER", "TABLE", "GROUPS", "VALUES"]];
  for (const d of devices) {
    const values = Object.entries(d.values ?? {}).map(([k, v]) => `${k}=${v.quality === "bad" ? "?" : JSON.stringify(v.value)}`).join(" ");
    rows.push([d.id, d.adapter, d.table ?? "-", d.groups.join(",") || "-", values || "(hub not running)"]);
  }
  process.stdout.write(`${table(rows)}\n`);
}

export async function eventsCommand(configPath: string, json: boolean, limit: number) {
  const { cfg, baseDir } = context(configPath);
  const store = await storeOf(cfg, baseDir);
  const events = await store.listEvents({ limit });
  await store.close();
  if (json) return void process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
  const rows = [["EVENT", "SOURCE", "STATE", "MOD", "START", "END", "OPT"]];
  for (const e of events) rows.push([e.ref, e.source, e.state, String(e.modification), e.start ?? "-", e.end ?? "-", e.optState ?? "-"]);
  process.stdout.write(`${table(rows)}\n${events.length} event(s)\n`);
}

export async function sendCommand(configPath: string, file: string) {
  const { cfg, baseDir, url } = context(configPath);
  const body = readFileSync(file === "-" ? 0 : file, "utf8");
  const token = cfg.api.token ?? readFileSync(resolve(dataDirOf(cfg, baseDir), "api-token"), "utf8").trim();
  const r = await fetch(`${url}/messages`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`hub answered ${r.status}: ${text}`);
  process.stdout.write(`${text}\n`);
}
