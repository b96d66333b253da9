import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { request } from "node:http";
import { register as defaultRegistry } from "prom-client";
import { startApi, type ApiServer } from "../src/api/server.ts";
import type { Hub } from "../src/hub/hub.ts";
import { memory } from "./fixtures/memory-adapter.ts";
import { startMemoryHub, tempDir, until } from "./helpers.ts";

type Layer = { route?: { path: string; methods: Record<string, boolean> }; rawPath?: unknown; handle: { stack?: Layer[] } };

/** Every route of an express app as "METHOD /path/{param}", except the UI's static files and adapter-owned routers. */
function routesOf(app: unknown): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/[:*](\w+)/g, "{$1}");
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${path}`);
      } else if (layer.handle.stack && typeof layer.rawPath === "string" && layer.rawPath !== "/ui" && !layer.rawPath.startsWith("/adapters/")) {
        walk(layer.handle.stack, prefix + layer.rawPath);
      }
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack, "");
  return out.sort();
}

/** Reads a Server-Sent Events stream until `done` says so (bounded by `ms`). */
async function readStream(url: string, done: (events: { event: string; data: any }[]) => boolean, start: () => Promise<unknown>, ms = 5000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: any }[] = [];
  let buffer = "";
  await start();
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

const lgm = (request: string, direction: string, slot: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "LoadGenerationManagement", targets: [{ kind: "all" }], ...extra,
  body: { scope: { kind: "building", id: "b" }, direction, request, urgency: "normal", mandatory: false, slots: [{ duration: "PT1H", ...slot }] },
});

describe("REST API", () => {
  let hub: Hub;
  let api: ApiServer;
  let tmp: ReturnType<typeof tempDir>;
  const token = "test-token-0123456789abcdef";
  const call = (path: string, init: RequestInit = {}) => fetch(`${api.url}/api${path}`, init);
  const post = (path: string, body: unknown, auth = true, type = "application/json") => call(path, {
    method: "POST", body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": type, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
  });

  before(async () => {
    tmp = tempDir();
    memory.reset();
    memory.set("battery-1", "0xDA", 0x46);
    hub = await startMemoryHub({ api: { enabled: true, port: 0, token, maxBodyBytes: 4096 } });
    api = await startApi(hub);
  });
  after(async () => {
    await api.close();
    await hub.stop();
    tmp.cleanup();
  });

  it("binds to loopback by default", () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("lists adapters with health and devices with their tables", async () => {
    const health = await (await call("/adapters")).json();
    assert.equal(health.mem.state, "up");
    assert.equal(health.mem.protocol, "memory");
    const devices = await (await call("/devices")).json();
    assert.deepEqual(devices.map((d: { id: string }) => d.id).sort(), ["ahu-1", "ahu-2", "battery-1", "chiller-1", "pv-1"]);
  });

  it("refuses writes without the token, and audits the refusal", async () => {
    const r = await post("/messages", { type: "GridStatus", targets: [{ kind: "all" }], body: {} }, false);
    assert.equal(r.status, 401);
    const refused = await hub.store.queryAudit({ outcome: "refused" });
    assert.match(refused[0].action, /api\.POST \/messages/);
  });

  it("publishes a neutral message with the token, and the device acts on it", async () => {
    const r = await post("/messages", { type: "Command", targets: [{ kind: "device", id: "battery-1" }], body: { device: "battery-1", command: { action: "standby" } } });
    assert.equal(r.status, 202);
    assert.equal(memory.point("battery-1", "0xDA").value, 0x44);
    const act = await (await call("/actuations")).json();
    assert.equal(act.recent.at(-1).point, "operation_mode");
  });

  it("answers an invalid message with 422 and the field", async () => {
    const r = await post("/messages", { type: "Command", targets: [{ kind: "all" }], body: { device: "battery-1", command: { action: "fly" } } });
    assert.equal(r.status, 422);
    const body = await r.json();
    assert.equal(body.error.code, "INVALID_MESSAGE");
    assert.equal(body.error.issues[0].path, "body.command.action");
  });

  it("refuses malformed and oversized bodies", async () => {
    assert.equal((await post("/messages", "{not json", true)).status, 400);
    const big = await post("/messages", { type: "GridStatus", targets: [{ kind: "all" }], body: {}, pad: "x".repeat(5000) });
    assert.equal(big.status, 413);
  });

  it("dry-runs a message against a table without writing", async () => {
    const before = memory.writes.length;
    const r = await post("/mappings/dry-run", {
      table: "inverter/memory",
      message: { id: "d1", type: "LoadGenerationManagement", source: "ui", targets: [{ kind: "all" }], created: new Date().toISOString(),
        body: { scope: { kind: "building", id: "b" }, direction: "generation", request: "limit", urgency: "normal", mandatory: false, slots: [{ duration: "PT1H", relative: 50 }] } },
    });
    const plan = await r.json();
    assert.deepEqual(plan.writes.map((w: { point: string; value: unknown; raw: unknown }) => [w.point, w.value, w.raw]), [["w_max_lim_pct", 50, 500], ["w_max_lim_ena", "enabled", 1]]);
    assert.equal(memory.writes.length, before, "nothing written");
  });

  it("validates an uploaded table and returns errors with lines", async () => {
    const bad = "table: t/memory\nprotocol: memory\npoints:\n  a: { address: { key: a }, type: float32, acess: rw }\n";
    const r = await post("/mappings/validate", bad, false, "text/yaml");
    assert.equal(r.status, 422);
    const body = await r.json();
    assert.deepEqual(body.errors[0], { line: 4, col: 44, field: "points.a.acess", message: "unknown field acess" });
  });

  it("shows a table and 404s an unknown one", async () => {
    assert.equal((await (await call("/mappings/ahu/memory")).json()).protocol, "memory");
    assert.equal((await call("/mappings/nope/memory")).status, 404);
    assert.equal((await call("/nowhere")).status, 404);
  });

  it("documents every route in its OpenAPI 3.1 document, and documents no route that is gone", async () => {
    const doc = await (await call("/openapi.json")).json();
    assert.equal(doc.openapi, "3.1.0");
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    assert.deepEqual(routesOf(api.app), documented);
    // every method but GET needs the token, except validation, which only parses the posted text
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security: unknown[] }>>)) {
      for (const [method, o] of Object.entries(ops)) {
        if (method !== "get" && path !== "/api/mappings/validate") assert.deepEqual(o.security, [{ bearer: [] }], `${method} ${path} must need the token`);
      }
    }
    assert.equal((await post("/mappings/dry-run", { table: "ahu/memory", message: lgm("decrease", "consumption", {}) }, false)).status, 401);
  });

  it("checks a token for the UI's sign-in (a wrong one is refused and audited)", async () => {
    assert.equal((await call("/session", { headers: { authorization: "Bearer wrong-token-xxxxxxxx" } })).status, 401);
    const ok = await call("/session", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).site.id, "test-site");
    const refused = await hub.store.queryAudit({ outcome: "refused", limit: 1 });
    assert.equal(refused[0].detail?.reason, "wrong token");
  });

  it("shows a device's points with their definitions and live values", async () => {
    const d = await (await call("/devices/battery-1")).json();
    const mode = d.points.find((p: { point: string }) => p.point === "operation_mode");
    assert.deepEqual(mode.labels, ["rapid_charge", "charge", "discharge", "standby", "auto"]);
    assert.equal(mode.access, "rw");
    assert.equal(d.points.find((p: { point: string }) => p.point === "discharge_power_w").unit, "W");
    assert.equal((await call("/devices/ghost")).status, 404);
  });

  it("dry-runs against a device: the points the rule takes over are read first, for from: current", async () => {
    memory.set("ahu-1", "av3", 21.5);
    const before = memory.writes.length;
    const r = await post("/mappings/dry-run", { device: "ahu-1", message: lgm("decrease", "consumption", { power: { value: 5, multiplier: 3, unit: "W" } }) });
    assert.equal(r.status, 200);
    const plan = await r.json();
    assert.deepEqual(plan.rule, { trigger: "LoadGenerationManagement", index: 1 });
    assert.deepEqual(plan.writes.map((w: { point: string; value: unknown; from?: string }) => [w.point, w.value, w.from]), [["zone_setpoint_c", 22.5, "current"]]);
    const alone = await (await post("/mappings/dry-run", { table: "ahu/memory", message: lgm("decrease", "consumption", {}) })).json();
    assert.equal(alone.writes[0].value, undefined, "without a device there is no current value");
    const none = await (await post("/mappings/dry-run", { table: "ahu/memory", message: lgm("increase", "generation", {}) })).json();
    assert.deepEqual([none.rule, none.writes], [null, []]);
    assert.equal(memory.writes.length, before, "nothing written");
    assert.equal((await post("/mappings/dry-run", { device: "ghost", message: {} })).status, 404);
  });

  it("streams accepted messages and device actions (Server-Sent Events)", async () => {
    const events = await readStream(`${api.url}/api/stream?topics=message,actuation`,
      (seen) => seen.some((e) => e.event === "actuation" && e.data.device === "battery-1" && e.data.value === "charge"),
      () => post("/messages", { type: "Command", targets: [{ kind: "device", id: "battery-1" }], body: { device: "battery-1", command: { action: "charge" } } }));
    assert.ok(events.some((e) => e.event === "message" && e.data.type === "Command"), "the Command itself");
    assert.ok(events.every((e) => e.event === "message" || e.event === "actuation"), "only the topics asked for");
    assert.equal((await call("/stream?topics=gossip")).status, 400);
  });

  it("lists an event with its state and device actions, and ends it by a revision with the same origin", async () => {
    memory.set("battery-1", "0xDA", 0x46);
    memory.set("battery-1", "0xEC", 0);
    const origin = { protocol: "operator", ref: "api-test-1" };
    assert.equal((await post("/messages", lgm("increase", "generation", { power: { value: 2500, unit: "W" } }, { origin }))).status, 202);
    const id = "operator:api-test-1";
    await until(async () => (await (await call("/events")).json()).some((e: { id: string; actions: number }) => e.id === id && e.actions === 2), 5000, "event with 2 actions");
    const summary = (await (await call("/events")).json()).find((e: { id: string }) => e.id === id);
    assert.equal(summary.state, "active");
    assert.equal(summary.title, "increase generation");
    assert.deepEqual(summary.devices, ["battery-1"]);
    const detail = await (await call(`/events/${encodeURIComponent(id)}`)).json();
    assert.deepEqual(detail.actions.map((a: { point: string; value: unknown }) => [a.point, a.value]), [["operation_mode", "discharge"], ["discharge_power_w", 2500]]);
    assert.equal(detail.results[0].outcome, "successful");
    assert.equal(memory.point("battery-1", "0xDA").value, 0x43);

    const first = detail.messages[0];
    const end = { ...first, id: undefined, created: undefined, validity: { start: first.created, end: new Date(Date.now() + 1).toISOString() } };
    assert.equal((await post("/messages", end)).status, 202);
    await until(async () => (await (await call(`/events/${encodeURIComponent(id)}`)).json()).state === "completed", 5000, "event completed");
    const ended = await (await call(`/events/${encodeURIComponent(id)}`)).json();
    assert.equal(ended.messages.length, 2, "the revision joined the event");
    assert.ok(ended.actions.some((a: { action: string; point: string; value: unknown }) => a.action === "restore" && a.point === "operation_mode" && a.value === "auto"));
    assert.equal(memory.point("battery-1", "0xDA").value, 0x46, "previous mode restored");
    assert.equal((await call("/events/nope")).status, 404);
  });

  it("joins the store's protocol event records: state, opt decision and related audit entries", async () => {
    const updated = new Date().toISOString();
    await hub.store.upsertEvent({ id: "openadr:ven1:evt-7", source: "ven1", protocol: "openadr", ref: "evt-7", modification: 2, state: "active",
      optState: "optIn", payload: { eventID: "evt-7" }, updated });
    await hub.store.upsertEvent({ id: "openadr:ven1:evt-8", source: "ven1", protocol: "openadr", ref: "evt-8", modification: 0, state: "far",
      start: new Date(Date.now() + 86_400_000).toISOString(), payload: {}, updated });
    await hub.store.audit({ actor: "ven1", action: "event.optIn", target: "openadr:ven1:evt-7", outcome: "ok" });
    // one OpenADR event, two signals: two messages with their own origins (ref, ref/1)
    await post("/messages", lgm("limit", "generation", { relative: 60 }, { origin: { protocol: "openadr", ref: "evt-7" }, source: "ven1" }));
    await post("/messages", lgm("decrease", "consumption", {}, { origin: { protocol: "openadr", ref: "evt-7/1" }, source: "ven1" }));
    const list = await (await call("/events")).json();
    assert.ok(!list.some((e: { id: string }) => e.id.startsWith("openadr:evt-7")), "the messages are grouped under the record");
    const seven = list.find((e: { id: string }) => e.id === "openadr:ven1:evt-7");
    assert.equal(seven.state, "active");
    assert.equal(seven.optState, "optIn");
    assert.equal(seven.protocol.modification, 2);
    assert.ok(seven.devices.includes("pv-1"), "the first signal's device acted");
    const eight = list.find((e: { id: string }) => e.id === "openadr:ven1:evt-8");
    assert.deepEqual([eight.state, eight.title], ["far", "openadr event evt-8"]);
    const detail = await (await call(`/events/${encodeURIComponent("openadr:ven1:evt-7")}`)).json();
    assert.equal(detail.messages.length, 2);
    assert.deepEqual(detail.audit.map((a: { action: string }) => a.action), ["event.optIn"]);
    assert.deepEqual(detail.protocol.payload, { eventID: "evt-7" });
    assert.deepEqual((await (await call("/events?state=far")).json()).map((e: { id: string }) => e.id), ["openadr:ven1:evt-8"]);
  });

  it("gives building power around an event with a baseline (none before any power reading)", async () => {
    const p = await (await call(`/events/${encodeURIComponent("operator:api-test-1")}/power`)).json();
    assert.deepEqual([p.series, p.baseline, p.during, p.change], [[], null, null, null]);
    const now = await (await call("/power?minutes=5")).json();
    assert.deepEqual(now, { device: "building:test-site", current: null, series: [] });
  });

  it("exposes Prometheus metrics from its own registry", async () => {
    const r = await fetch(`${api.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await r.text();
    assert.match(text, /^gridhub_adapter_up\{adapter="mem",protocol="memory",role="southbound"\} 1$/m);
    assert.match(text, /^gridhub_adapter_operations_total\{adapter="mem",op="write"\} [1-9]\d*$/m);
    assert.match(text, /^gridhub_adapter_errors_total\{adapter="mem",kind="timeout"\} 0$/m);
    assert.match(text, /^gridhub_bus_messages_total\{type="Command",source="operator"\} [1-9]/m);
    assert.match(text, /^gridhub_actuations_total\{action="write",outcome="ok"\} [1-9]/m);
    assert.match(text, /^gridhub_outbox_depth 0$/m);
    assert.match(text, /^gridhub_activations_active \d+$/m);
    await hub.store.enqueue("test", "item-1", { x: 1 });
    assert.match(await (await fetch(`${api.url}/metrics`)).text(), /^gridhub_outbox_depth 1$/m);
    assert.equal((await defaultRegistry.getMetricsAsJSON()).filter((m) => m.name.startsWith("gridhub_")).length, 0, "nothing in the global registry");
  });

  it("serves the web UI with a content security policy, and only the listed library files", async () => {
    const root = await fetch(`${api.url}/`, { redirect: "manual" });
    assert.deepEqual([root.status, root.headers.get("location")], [302, "/ui/"]);
    const page = await fetch(`${api.url}/ui/`);
    const html = await page.text();
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1];
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.ok(csp.includes(`'sha256-${createHash("sha256").update(map).digest("base64")}'`), "the import map is allowed by its hash");
    assert.match(csp, /default-src 'self'/);
    for (const url of Object.values(JSON.parse(map).imports as Record<string, string>)) {
      const r = await fetch(`${api.url}${url}`);
      assert.equal(r.status, 200, url);
      assert.match(r.headers.get("content-type") ?? "", /javascript/, url);
    }
    assert.equal((await fetch(`${api.url}/ui/app.js`)).status, 200);
    assert.equal((await fetch(`${api.url}/ui/vendor/preact/package.json`)).status, 404);
    assert.equal((await fetch(`${api.url}/ui/vendor/%2e%2e/%2e%2e/package.json`)).status, 404);
  });

  it("refuses requests that name another host (DNS rebinding) while bound to the loopback", async () => {
    const { port } = new URL(api.url);
    const status = (host: string) => new Promise<number>((ok, fail) => {
      request({ host: "127.0.0.1", port, path: "/api/devices", headers: { host } }, (res) => { res.resume(); ok(res.statusCode ?? 0); }).on("error", fail).end();
    });
    assert.equal(await status(`evil.example:${port}`), 403);
    assert.equal(await status(`localhost:${port}`), 200);
  });

  it("requires the token for reads too when reads are not open (an API off the loopback)", async () => {
    const closed = await startApi(hub, { openReads: false });
    try {
      assert.equal((await fetch(`${closed.url}/api/devices`)).status, 401);
      assert.equal((await fetch(`${closed.url}/metrics`)).status, 401);
      assert.equal((await fetch(`${closed.url}/api/devices`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await fetch(`${closed.url}/ui/`)).status, 200, "the UI's files carry no data");
    } finally {
      await closed.close();
    }
  });

  it("updates group membership (authorised) and refuses unknown devices", async () => {
    const put = (members: unknown) => call("/groups/lights", { method: "PUT", body: JSON.stringify({ members }), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
    assert.equal((await put(["ahu-1", "ahu-2"])).status, 200);
    assert.deepEqual((await (await call("/groups")).json()).lights, ["ahu-1", "ahu-2"]);
    assert.equal((await put(["ghost"])).status, 400);
  });
});
