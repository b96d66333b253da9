/**
 * `gridhub vtn ...`: operator commands against a running hub's VTN API (/api/adapters/<name>/). The lead registers
 * it with `program.addCommand(vtnCommand())`. Writes need the hub's API token: --token-file (the hub writes
 * data/api-token) or the GRIDHUB_API_TOKEN environment variable.
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";

interface Globals {
  api: string;
  adapter: string;
  tokenFile: string;
  json?: boolean;
}

export class VtnCliError extends Error {}

function token(g: Globals): string {
  const fromEnv = process.env.GRIDHUB_API_TOKEN;
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(g.tokenFile, "utf8").trim();
  } catch (e) {
    throw new VtnCliError(`no API token: set GRIDHUB_API_TOKEN or --token-file (${(e as Error).message})`);
  }
}

async function call(g: Globals, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = `${g.api.replace(/\/+$/, "")}/api/adapters/${encodeURIComponent(g.adapter)}${path}`;
  const write = method !== "GET";
  let r: Response;
  try {
    r = await fetch(url, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(write ? { authorization: `Bearer ${token(g)}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new VtnCliError(`cannot reach the hub at ${g.api}: ${(e as Error).message}`);
  }
  const text = await r.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!r.ok) throw new VtnCliError(`hub answered ${r.status}: ${parsed?.error?.message ?? text}`);
  return parsed;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

const out = (text: string) => void process.stdout.write(`${text}\n`);
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** "+15m", "+2h" or an ISO date-time. */
export function startTime(s: string, now = Date.now()): string {
  const rel = /^\+(\d+)(s|m|h|d)$/.exec(s);
  if (rel) return new Date(now + Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as "s" | "m" | "h" | "d"]).toISOString();
  if (Number.isNaN(Date.parse(s))) throw new VtnCliError(`--start: not a date-time or +N(s|m|h|d): ${s}`);
  return s;
}

interface EventOptions {
  file?: string;
  eventId?: string;
  signal: string;
  type: string;
  value?: string;
  start?: string;
  duration?: string;
  ven?: string[];
  group?: string[];
  resource?: string[];
  party?: string[];
  responseRequired?: string;
  reason?: string;
  priority?: string;
}

const targetsOf = (o: EventOptions) => {
  const t = { venID: o.ven, groupID: o.group, resourceID: o.resource, partyID: o.party };
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v?.length));
};

/** The event body from --file, or from the flags for a one-interval signal. */
function eventBody(o: EventOptions, creating: boolean): Record<string, unknown> {
  if (o.file) return JSON.parse(readFileSync(o.file === "-" ? 0 : o.file, "utf8")) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  if (o.eventId) body.eventID = o.eventId;
  if (o.start || creating) body.activePeriod = { dtstart: startTime(o.start ?? "+0s"), duration: o.duration ?? "PT1H" };
  if (o.value !== undefined || creating) {
    const value = Number(o.value ?? "1");
    if (!Number.isFinite(value)) throw new VtnCliError(`--value: not a number: ${o.value}`);
    body.signals = [{ signalName: o.signal, signalType: o.type, intervals: [{ duration: o.duration ?? "PT1H", signalPayload: value }] }];
  }
  const targets = targetsOf(o);
  if (Object.keys(targets).length || creating) body.targets = targets;
  if (o.responseRequired) body.responseRequired = o.responseRequired;
  if (o.priority !== undefined) body.priority = Number(o.priority);
  if (o.reason && !creating) body.modificationReason = o.reason;
  return body;
}

function eventFlags(cmd: Command): Command {
  return cmd
    .option("-f, --file <json>", "the whole body as JSON (see openapi.json), - for stdin")
    .option("--signal <name>", "signalName", "SIMPLE")
    .option("--type <signalType>", "signalType", "level")
    .option("--value <n>", "signal payload of the single interval")
    .option("--start <when>", "ISO date-time or +N(s|m|h|d) from now")
    .option("--duration <iso>", "event and interval duration, e.g. PT1H")
    .option("--ven <venID>", "target a VEN (repeatable)", collect)
    .option("--group <groupID>", "target a group (repeatable)", collect)
    .option("--resource <resourceID>", "target a resource (repeatable)", collect)
    .option("--party <partyID>", "target a party (repeatable)", collect)
    .option("--priority <n>", "event priority")
    .addOption(new Option("--response-required <when>", "oadrResponseRequired").choices(["always", "never"]));
}

type Row = Record<string, unknown>;

export function vtnCommand(): Command {
  const vtn = new Command("vtn").description("operate the OpenADR VTN of a running hub (events, VENs, reports)")
    .option("--api <url>", "the hub's API base URL", process.env.GRIDHUB_API ?? "http://127.0.0.1:8080")
    .option("--adapter <name>", "the VTN adapter's name in the hub config", "vtn")
    .option("--token-file <path>", "API token file (the hub writes <data dir>/api-token)", "data/api-token")
    .option("--json", "print JSON");
  const g = () => vtn.opts<Globals>();
  const print = (value: unknown, render: () => string) => out(g().json ? JSON.stringify(value, null, 2) : render());

  vtn.command("vens").description("list VENs with their registration and targeting").action(async () => {
    const vens = (await call(g(), "GET", "/vens")) as Row[];
    print(vens, () => table([["VEN", "NAME", "REGISTERED", "MODE", "GROUPS", "LAST SEEN"], ...vens.map((v) => [
      String(v.venID), String(v.venName ?? "-"), v.registered ? "yes" : "no", v.httpPullModel ? "pull" : "push",
      (v.groups as string[]).join(",") || "-", String(v.lastSeen ?? "-"),
    ])]));
  });

  vtn.command("ven").description("show one VEN: opts, queue, answer to each live event").argument("<venID>").action(async (venID: string) => {
    const v = (await call(g(), "GET", `/vens/${encodeURIComponent(venID)}`)) as Row & { events: Row[]; opts: Row[] };
    print(v, () => [
      `${v.venID} (${v.registered ? "registered" : "not registered"}, ${v.httpPullModel ? "pull" : `push to ${v.transportAddress}`}, queue ${v.queueDepth})`,
      table([["EVENT", "OPT STATE", "VIA"], ...v.events.map((e) => [String(e.eventID), String(e.optState), String(e.via ?? "-")])]),
      `${v.opts.length} opt(s)`,
    ].join("\n"));
  });

  vtn.command("events").description("list events").option("-n, --limit <n>", "how many", "50").action(async (o: { limit: string }) => {
    const events = (await call(g(), "GET", `/events?limit=${encodeURIComponent(o.limit)}`)) as Row[];
    print(events, () => table([["EVENT", "STATUS", "MOD", "START", "DURATION", "TARGETS"], ...events.map((e) => {
      const p = e.activePeriod as Row;
      return [String(e.eventID), String(e.eventStatus), String(e.modificationNumber), String(p.dtstart), String(p.duration), JSON.stringify(e.targets)];
    })]));
  });

  vtn.command("event").description("show an event with each VEN's optIn/optOut").argument("<eventID>").action(async (eventID: string) => {
    const e = (await call(g(), "GET", `/events/${encodeURIComponent(eventID)}`)) as Row & { vens: Row[] };
    print(e, () => [`${e.eventID} ${e.eventStatus} (modification ${e.modificationNumber})`,
      table([["VEN", "OPT STATE", "MOD", "VIA"], ...e.vens.map((v) => [String(v.venID), String(v.optState), String(v.modificationNumber ?? "-"), String(v.via ?? "-")])]),
    ].join("\n"));
  });

  eventFlags(vtn.command("create-event").description("issue an event")).option("--event-id <id>", "eventID (generated when absent)")
    .action(async (o: EventOptions) => {
      const e = (await call(g(), "POST", "/events", eventBody(o, true))) as Row;
      print(e, () => `created ${e.eventID}`);
    });

  eventFlags(vtn.command("modify-event").description("modify an event (next modificationNumber)").argument("<eventID>"))
    .option("--reason <text>", "modificationReason")
    .action(async (eventID: string, o: EventOptions) => {
      const e = (await call(g(), "PATCH", `/events/${encodeURIComponent(eventID)}`, eventBody(o, false))) as Row;
      print(e, () => `modified ${e.eventID} (modification ${e.modificationNumber})`);
    });

  vtn.command("cancel-event").description("cancel an event").argument("<eventID>").option("--reason <text>", "why")
    .action(async (eventID: string, o: { reason?: string }) => {
      const e = (await call(g(), "POST", `/events/${encodeURIComponent(eventID)}/cancel`, o.reason ? { reason: o.reason } : {})) as Row;
      print(e, () => `cancelled ${e.eventID} (modification ${e.modificationNumber})`);
    });

  vtn.command("request-report").description("ask a VEN for a report (TELEMETRY_USAGE, TELEMETRY_STATUS, HISTORY_USAGE)").argument("<venID>")
    .addOption(new Option("--report <name>", "report name").choices(["TELEMETRY_USAGE", "TELEMETRY_STATUS", "HISTORY_USAGE"]).default("TELEMETRY_USAGE"))
    .option("--rid <rID>", "data point (repeatable; all when absent)", collect)
    .option("--granularity <iso>", "sampling period", "PT1M").option("--back <iso>", "reportBackDuration", "PT1M")
    .action(async (venID: string, o: { report: string; rid?: string[]; granularity: string; back: string }) => {
      const r = (await call(g(), "POST", `/vens/${encodeURIComponent(venID)}/report-requests`, {
        reportName: o.report, ...(o.rid?.length ? { rIDs: o.rid } : {}), granularity: o.granularity, reportBackDuration: o.back,
      })) as Row;
      print(r, () => `requested ${r.reportRequestID}`);
    });

  return vtn;
}
