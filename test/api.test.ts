import assert from "node:assert/strict";
import { startApi, type ApiServer } from "../src/api/server.ts";
import type { Hub } from "../src/hub/hub.ts";
import { memory } from "./fixtures/memory-adapter.ts";
import { startMemoryHub, tempDir } from "./helpers.ts";

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

  it("updates group membership (authorised) and refuses unknown devices", async () => {
    const put = (members: unknown) => call("/groups/lights", { method: "PUT", body: JSON.stringify({ members }), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
    assert.equal((await put(["ahu-1", "ahu-2"])).status, 200);
    assert.deepEqual((await (await call("/groups")).json()).lights, ["ahu-1", "ahu-2"]);
    assert.equal((await put(["ghost"])).status, 400);
  });
});
