/** The VTN operator API through the hub (documentation, token, validation) and the `gridhub vtn` CLI module. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Router } from "express";
import { vtnRouter } from "../src/vtn/api.ts";
import { startTime, vtnCommand } from "../src/vtn/cli.ts";
import { openApiDocument } from "../src/vtn/openapi.ts";
import type { VtnOperator } from "../src/vtn/operator.ts";
import { tempDir } from "../../../test/helpers.ts";
import {
  API_TOKEN, makePki, operator, ScriptedVen, simpleEvent, sqliteStores, startVtnHub, vtnConfig, type Pki, type VtnHub,
} from "./support/vtn-fixtures.ts";

/** Every (method, path) the router serves, in OpenAPI path syntax. */
function routesOf(router: Router): string[] {
  const out: string[] = [];
  for (const layer of router.stack as unknown as { route?: { path: string; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${layer.route.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return out.sort();
}

describe("OpenADR VTN operator API", function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof tempDir>;
  let pki: Pki;
  let vtn: VtnHub;
  let ven: ScriptedVen;
  const api = <T = any>(method: string, path: string, body?: unknown, token?: string) => operator<T>(vtn.apiBase, method, path, body, token); // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async function () {
    this.timeout(60_000);
    tmp = tempDir("gridhub-vtn-api-");
    pki = makePki();
    vtn = await startVtnHub(await sqliteStores(tmp.dir).fresh(), vtnConfig(pki));
    ven = new ScriptedVen(vtn.url, pki, "ven1");
    await ven.register();
  });
  after(async () => {
    ven?.close();
    await vtn?.stop();
    pki?.cleanup();
    tmp?.cleanup();
  });

  it("documents every route of the router in OpenAPI 3.1, and nothing else", () => {
    const doc = openApiDocument("vtn");
    assert.equal(doc.openapi, "3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)).sort();
    assert.deepEqual(routesOf(vtnRouter({} as VtnOperator, "vtn")), documented);
  });

  it("serves the document at /api/adapters/<name>/openapi.json", async () => {
    const r = await api<{ openapi: string; servers: { url: string }[]; paths: Record<string, unknown> }>("GET", "/openapi.json");
    assert.equal(r.status, 200);
    assert.equal(r.body.servers[0].url, "/api/adapters/vtn");
    assert.ok(r.body.paths["/events"]);
  });

  it("needs the hub's bearer token for writes, not for reads", async () => {
    assert.equal((await api("POST", "/events", simpleEvent({}), "")).status, 401);
    assert.equal((await api("POST", "/events", simpleEvent({}), "wrong-token-wrong-token")).status, 401);
    assert.equal((await api("GET", "/events", undefined, "")).status, 200);
  });

  it("refuses invalid bodies with 400 and the field, and changes nothing", async () => {
    const noSignals = await api<{ error: { code: string; message: string } }>("POST", "/events", { ...simpleEvent({}), signals: [] });
    assert.equal(noSignals.status, 400);
    assert.match(noSignals.body.error.message, /signals/);
    const badDuration = await api<{ error: { message: string } }>("POST", "/events", { ...simpleEvent({}), activePeriod: { dtstart: "2026-01-01T00:00:00Z", duration: "1 hour" } });
    assert.equal(badDuration.status, 400);
    assert.match(badDuration.body.error.message, /activePeriod\.duration/);
    const unknownField = await api("POST", "/events", { ...simpleEvent({}), colour: "red" });
    assert.equal(unknownField.status, 400);
    const badItemBase = await api<{ error: { code: string } }>("POST", "/events", {
      ...simpleEvent({}), signals: [{ signalName: "LOAD_DISPATCH", signalType: "setpoint", itemBase: { kind: "powerReal" }, intervals: [{ duration: "PT1H", signalPayload: 1 }] }],
    });
    assert.equal(badItemBase.status, 400);
    assert.equal(badItemBase.body.error.code, "INVALID_EVENT", "the codec refuses what the 2.0b schema would");
    assert.deepEqual((await api<unknown[]>("GET", "/events")).body, []);
    assert.equal((await api("POST", `/vens/${encodeURIComponent(ven.venID)}/report-requests`, { granularity: "PT1M" })).status, 400, "reportName or reportSpecifierID");
  });

  it("answers unknown things with 404 and conflicts with 409", async () => {
    assert.equal((await api("GET", "/events/nope")).status, 404);
    assert.equal((await api("GET", "/vens/nope")).status, 404);
    assert.equal((await api("PATCH", "/vens/nope", { groups: ["g"] })).status, 404);
    assert.equal((await api("POST", `/vens/${encodeURIComponent(ven.venID)}/report-requests`, { reportName: "TELEMETRY_USAGE" })).status, 404, "no METADATA registered");
    assert.equal((await api("POST", "/events", simpleEvent({}, { eventID: "dup" }))).status, 201);
    assert.equal((await api("POST", "/events", simpleEvent({}, { eventID: "dup" }))).status, 409);
  });

  it("changes a VEN's groups, which retargets events", async () => {
    await api("POST", "/events", simpleEvent({ groupID: ["g-late"] }, { eventID: "ev-late" }));
    await ven.poll();
    const changed = await api<{ groups: string[] }>("PATCH", `/vens/${encodeURIComponent(ven.venID)}`, { groups: ["g-late"] });
    assert.deepEqual(changed.body.groups, ["g-late"]);
    const d = await ven.poll();
    assert.equal(d.type, "oadrDistributeEvent");
    assert.ok((d as { events: { eventDescriptor: { eventID: string } }[] }).events.some((e) => e.eventDescriptor.eventID === "ev-late"));
  });

  it("ends a registration from the operator side; the VEN collects the oadrCancelPartyRegistration", async () => {
    const r = await api("DELETE", `/vens/${encodeURIComponent(ven.venID)}/registration`);
    assert.equal(r.status, 202);
    const cancel = await ven.poll();
    assert.equal(cancel.type, "oadrCancelPartyRegistration");
    const ack = await ven.send("EiRegisterParty", { type: "oadrCanceledPartyRegistration", eiResponse: { responseCode: 200, requestID: "x" }, registrationID: ven.registrationID, venID: ven.venID });
    assert.equal(ack.type, "oadrResponse");
    assert.equal((await ven.poll() as { eiResponse: { responseCode: number } }).eiResponse.responseCode, 463, "no longer registered");
    await ven.register();
  });

  describe("CLI module (gridhub vtn ...)", () => {
    async function run(...args: string[]): Promise<string> {
      const tokenFile = resolve(tmp.dir, "token");
      writeFileSync(tokenFile, `${API_TOKEN}\n`);
      const cmd = vtnCommand().exitOverride();
      let printed = "";
      const write = process.stdout.write;
      process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
      try {
        await cmd.parseAsync(["--api", vtn.api.url, "--token-file", tokenFile, ...args], { from: "user" });
      } finally {
        process.stdout.write = write;
      }
      return printed;
    }

    it("creates, modifies, lists and cancels events, and lists VENs", async () => {
      assert.match(await run("create-event", "--event-id", "cli-1", "--ven", ven.venID, "--start", "+30m", "--duration", "PT15M", "--value", "2"), /created cli-1/);
      assert.match(await run("modify-event", "cli-1", "--value", "3", "--reason", "more"), /modification 1/);
      const listed = JSON.parse(await run("--json", "events")) as { eventID: string; signals: { intervals: { signalPayload: number }[] }[] }[];
      assert.equal(listed.find((e) => e.eventID === "cli-1")?.signals[0].intervals[0].signalPayload, 3);
      assert.match(await run("event", "cli-1"), new RegExp(`${ven.venID}\\s+pending`));
      assert.match(await run("cancel-event", "cli-1", "--reason", "done"), /cancelled cli-1 \(modification 2\)/);
      assert.match(await run("vens"), new RegExp(`${ven.venID}\\s+ven1\\s+yes\\s+pull`));
    });

    it("reads relative start times", () => {
      assert.equal(startTime("+15m", Date.parse("2026-01-01T00:00:00Z")), "2026-01-01T00:15:00.000Z");
      assert.throws(() => startTime("soon"), /--start/);
    });
  });
});
