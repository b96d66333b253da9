/**
 * The server role over real mutual TLS on 127.0.0.1: the 2030.5 profile's suite, authorization by LFDI, what each
 * client may see, paging, EventStatus over time, refusal of bad input (4xx, nothing changed), the operator API,
 * open enrolment, and state that survives a restart.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import express from "express";
import { pino } from "pino";
import { identityOf, type CertIdentity } from "gridhub/security";
import { Hub } from "../../../src/hub/hub.ts";
import { tempDir } from "../../../test/helpers.ts";
import { parse, parseAs, serialize, type SepResource } from "../src/codec/index.ts";
import type { SepServerAdapter } from "../src/index.ts";
import { makePki, raw, repoRoot, serverHubConfig, validate, type Pki } from "./helpers.ts";
import { SAMPLES } from "./fixtures.ts";

const quiet = pino({ level: "silent" });
const now = () => Math.floor(Date.now() / 1000);

describe("ieee2030-5 server", function () {
  this.timeout(30_000);
  let pki: Pki;
  let hub: Hub;
  let srv: SepServerAdapter;
  let ven1: CertIdentity;
  let ven2: CertIdentity;
  let program: string;
  const url = (path: string) => `${srv.url()}${path}`;
  const get = (path: string, as = "ven1") => raw(url(path), { pki, as });
  const post = (path: string, body: string, as = "ven1", type?: string) => raw(url(path), { pki, as, method: "POST", body, ...(type ? { type } : {}) });

  before(async () => {
    pki = makePki();
    ven1 = identityOf(readFileSync(pki.file("ven1.pem")));
    ven2 = identityOf(readFileSync(pki.file("ven2.pem")));
    hub = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi, pin: 111115 }, { lfdi: ven2.lfdi }], maxBodyBytes: 4096, maxListLimit: 10 }),
      { baseDir: repoRoot, logger: quiet });
    srv = hub.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    const op = srv.operator;
    program = (await op.addDerProgram({ primacy: 1, description: "CSIP" }, "test")).id;
    const other = (await op.addDerProgram({ primacy: 5 }, "test")).id;
    await op.putFsa({ description: "ven1 only", derPrograms: [program], drPrograms: [], tariffs: [], devices: [ven1.lfdi] }, "test");
    await op.putFsa({ derPrograms: [other], drPrograms: [], tariffs: [] }, "test");
    for (const [start, limit] of [[now() - 10, 5000], [now() + 600, 6000], [now() + 1200, 7000]]) {
      await op.addDerControl(program, { start, duration: 300, responseRequired: "03", base: { opModMaxLimW: limit } }, "test");
    }
  });
  after(async () => {
    await hub?.stop();
    pki?.cleanup();
  });

  it("serves DeviceCapability over TLS 1.2 with ECDHE-ECDSA-AES128-CCM8 as application/sep+xml", async () => {
    const r = await get("/dcap");
    assert.equal(r.status, 200);
    assert.deepEqual(r.tls, { protocol: "TLSv1.2", cipher: "ECDHE-ECDSA-AES128-CCM8" });
    assert.match(String(r.headers["content-type"]), /^application\/sep\+xml/);
    const dcap = parseAs(r.body, ["DeviceCapability"]).value;
    assert.equal(dcap.EndDeviceListLink?.href, "/edev");
    assert.equal(dcap.TimeLink?.href, "/tm");
    const tm = parseAs((await get("/tm")).body, ["Time"]).value;
    assert.ok(Math.abs(tm.currentTime - now()) <= 1);
  });

  it("refuses certificates that are untrusted, revoked, expired, unregistered or absent with 403, and audits them", async () => {
    for (const [as, why] of [["ven-rogue", /certificate refused/], ["ven-revoked", /CERT_REVOKED/], ["ven-expired", /CERT_HAS_EXPIRED/],
      ["ven-rsa", /is not a registered EndDevice/], [undefined, /certificate refused/]] as const) {
      const r = await raw(url("/dcap"), { pki, ...(as ? { as } : {}) });
      assert.equal(r.status, 403, `${as}: ${r.body}`);
      assert.match(r.body, why);
    }
    const refused = await hub.store.queryAudit({ outcome: "refused" });
    assert.ok(refused.some((a) => a.action === "ieee2030-5.certificate.refused" && /CERT_REVOKED/.test(String(a.detail?.reason))));
    assert.ok(refused.some((a) => a.action === "ieee2030-5.request.refused"));
  });

  it("shows each client its own EndDevice, function sets, mirrors and responses only", async () => {
    const mine = parseAs((await get("/edev")).body, ["EndDeviceList"]).value;
    assert.equal(mine.all, 1);
    const ed = mine.EndDevice![0];
    assert.equal(ed.lFDI, ven1.lfdi);
    assert.equal(ed.sFDI, Number(ven1.sfdi));
    assert.equal(parseAs((await get(`${ed.href}/rg`)).body, ["Registration"]).value.pIN, 111115);
    const theirs = parseAs((await get("/edev", "ven2")).body, ["EndDeviceList"]).value.EndDevice![0];
    assert.notEqual(theirs.href, ed.href);
    assert.equal((await get(ed.href!, "ven2")).status, 404);
    assert.equal(parseAs((await get(`${ed.href}/fsa?l=10`)).body, ["FunctionSetAssignmentsList"]).value.all, 2);
    assert.equal(parseAs((await get(`${theirs.href}/fsa?l=10`, "ven2")).body, ["FunctionSetAssignmentsList"]).value.all, 1);
    assert.equal((await get("/fsa/1", "ven2")).status, 404, "an assignment for ven1 only");

    const mup = serialize("MirrorUsagePoint", { mRID: "0A0B", roleFlags: "0049", serviceCategoryKind: 0, status: 1, deviceLFDI: ven1.lfdi });
    const created = await post("/mup", mup);
    assert.equal(created.status, 201);
    assert.equal((await get(String(created.headers.location), "ven2")).status, 404);
    assert.equal(parseAs((await get("/mup", "ven2")).body, ["MirrorUsagePointList"]).value.all, 0);

    const subject = srv.operator.listControls("der", program)[0].mRID;
    const rsp = (lfdi: string) => serialize("DERControlResponse", { createdDateTime: now(), endDeviceLFDI: lfdi, status: 1, subject });
    assert.equal((await post("/rsps/1/rsp", rsp(ven1.lfdi), "ven2")).status, 403, "ven2 cannot answer for ven1");
    assert.equal((await post("/rsps/1/rsp", rsp(ven2.lfdi), "ven2")).status, 201);
    const list = parseAs((await get("/rsps/1/rsp?l=10")).body, ["ResponseList"]).value;
    assert.equal(list.all, 0, "ven1 sees none of ven2's responses");
  });

  it("pages lists with s, l and a, and follows the clock in EventStatus", async () => {
    const first = parseAs((await get(`/derp/${program}/derc`)).body, ["DERControlList"]).value;
    assert.deepEqual([first.all, first.results], [3, 1], "l defaults to 1");
    assert.equal(first.DERControl![0].EventStatus.currentStatus, 1, "the first has started: active");
    const rest = parseAs((await get(`/derp/${program}/derc?s=1&l=5`)).body, ["DERControlList"]).value;
    assert.deepEqual(rest.DERControl!.map((c) => [c.DERControlBase.opModMaxLimW, c.EventStatus.currentStatus]), [[6000, 0], [7000, 0]]);
    const after = parseAs((await get(`/derp/${program}/derc?a=${now() + 1000}&l=5`)).body, ["DERControlList"]).value;
    assert.deepEqual([after.all, after.DERControl![0].DERControlBase.opModMaxLimW], [1, 7000]);
    assert.equal(parseAs((await get(`/derp/${program}/derc?l=5000`)).body, ["DERControlList"]).value.results, 3, "capped at maxListLimit");
    const active = parseAs((await get(`/derp/${program}/actderc?l=5`)).body, ["DERControlList"]).value;
    assert.equal(active.all, 1);
    const bad = await get(`/derp/${program}/derc?s=-1`);
    assert.equal(bad.status, 400);
    assert.equal(parseAs(bad.body, ["Error"]).value.reasonCode, 0);
  });

  it("refuses malformed XML, the wrong resource, other content types, oversized bodies and unknown paths, changing nothing", async () => {
    const before = srv.operator.responses().length;
    const cases: [number, Promise<Awaited<ReturnType<typeof raw>>>][] = [
      [400, post("/rsps/1/rsp", "<DERControlResponse xmlns='urn:ieee:std:2030.5:ns'><endDeviceLFDI>")],
      [400, post("/rsps/1/rsp", serialize("Time", { currentTime: 1, dstEndTime: 0, dstOffset: 0, dstStartTime: 0, quality: 7, tzOffset: 0 }))],
      [400, post("/rsps/1/rsp", serialize("Response", { endDeviceLFDI: ven1.lfdi, status: 1, subject: "0BADC0DE" }))],
      [400, post("/rsps/1/rsp", '<!DOCTYPE r [<!ENTITY x "y">]><Response xmlns="urn:ieee:std:2030.5:ns"/>')],
      [415, post("/rsps/1/rsp", serialize("Response", { endDeviceLFDI: ven1.lfdi, status: 1, subject: "0A" }), "ven1", "text/xml")],
      [413, post("/rsps/1/rsp", `<Response xmlns="urn:ieee:std:2030.5:ns">${"<x/>".repeat(2000)}</Response>`)],
      [404, get("/derp/99/derc")],
      [404, get("/nowhere")],
      [405, raw(url("/dcap"), { pki, as: "ven1", method: "PUT", body: "<x/>" })],
    ];
    for (const [status, reply] of cases) {
      const r = await reply;
      assert.equal(r.status, status, r.body);
    }
    assert.equal(srv.operator.responses().length, before);
    assert.equal((await get("/dcap")).status, 200, "still serving");
  });

  it("serves only resources that validate against sep.xsd, whatever the path", async () => {
    const op = srv.operator;
    await op.setDefault(program, { description: "normal", base: { opModMaxLimW: 10000, opModConnect: true } }, "test");
    const { href: _h, mRID: _m, creationTime: _c, ...curve } = SAMPLES.DERCurve;
    await op.addCurve(program, curve, "test");
    const dr = (await op.addDrProgram({ primacy: 2 }, "test")).id;
    await op.addEndDeviceControl(dr, { duration: 600, responseRequired: "03", deviceCategory: "00000008", drProgramMandatory: true, loadShiftForward: true,
      Offset: { coolingOffset: 20, loadAdjustmentPercentageOffset: 1000 }, SetPoint: { heatingSetpoint: 1900 } }, "test");
    const tp = (await op.addTariff({ currency: 840, pricePowerOfTenMultiplier: -3, primacy: 1, rateCode: "TOU",
      rates: [{ roleFlags: "0001", readingType: { uom: 72, powerOfTenMultiplier: 3, flowDirection: 1 },
        intervals: [{ start: now(), duration: 3600, touTier: 1, responseRequired: "01", prices: [{ consumptionBlock: 1, price: 120, startValue: 0 }, { consumptionBlock: 2, price: 180, startValue: 500 }] }] }] }, "test")).id;
    await op.putFsa({ derPrograms: [program], drPrograms: [dr], tariffs: [tp], devices: [ven1.lfdi] }, "test", "1");
    const edev = parseAs((await get("/edev")).body, ["EndDeviceList"]).value.EndDevice![0].href!;
    const sub = serialize("Subscription", { subscribedResource: `/derp/${program}/derc`, encoding: 0, level: "+S1", limit: 5, notificationURI: "https://127.0.0.1:9/ntfy" });
    const subHref = String((await post(`${edev}/sub`, sub)).headers.location);
    const paths = ["/dcap", "/tm", "/edev", edev, `${edev}/rg`, `${edev}/fsa?l=5`, `${edev}/sub?l=5`, subHref, "/fsa/1", "/fsa/1/derp?l=5", "/fsa/1/dr?l=5", "/fsa/1/tp?l=5",
      "/derp?l=5", `/derp/${program}`, `/derp/${program}/derc?l=9`, `/derp/${program}/derc/1`, `/derp/${program}/actderc?l=5`, `/derp/${program}/dderc`,
      `/derp/${program}/dc?l=5`, `/derp/${program}/dc/1`, "/dr?l=5", `/dr/${dr}`, `/dr/${dr}/edc?l=5`, `/dr/${dr}/actedc?l=5`,
      `/tp?l=5`, `/tp/${tp}`, `/tp/${tp}/rc?l=5`, `/tp/${tp}/rc/1`, `/tp/${tp}/rc/1/rt`, `/tp/${tp}/rc/1/tti?l=5`, `/tp/${tp}/rc/1/tti/1`,
      `/tp/${tp}/rc/1/tti/1/cti?l=5`, `/tp/${tp}/rc/1/tti/1/cti/2`, "/mup?l=5", "/mup/1", "/rsps?l=5", "/rsps/1", "/rsps/1/rsp?l=5"];
    const edc = parseAs((await get(`/dr/${dr}/edc?l=5`)).body, ["EndDeviceControlList"]).value.EndDeviceControl![0].href!;
    paths.push(edc);
    const docs: Record<string, string> = {};
    for (const p of paths) {
      const r = await get(p);
      assert.equal(r.status, 200, `${p}: ${r.body}`);
      docs[p.replace(/[^A-Za-z0-9]+/g, "_")] = r.body;
    }
    assert.deepEqual(validate(docs), {});
  });

  it("the operator API refuses what the schema or the state would refuse", async () => {
    const app = express();
    app.use(express.json());
    app.use("/op", srv.routes!());
    const http = app.listen(0, "127.0.0.1");
    await once(http, "listening");
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/op`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, body: await r.json() as { error?: { message: string } } & Record<string, unknown> };
    };
    try {
      const count = srv.operator.listControls("der", program).length;
      const typo = await call("POST", `/der-programs/${program}/controls`, { duration: 60, base: { opModMaxLimWatts: 5000 } });
      assert.equal(typo.status, 400);
      assert.match(typo.body.error!.message, /unknown DERControlBase field\(s\) opModMaxLimWatts/);
      const range = await call("POST", `/der-programs/${program}/controls`, { duration: 60, base: { opModMaxLimW: 20000 } });
      assert.equal(range.status, 400);
      assert.match(range.body.error!.message, /DERControl\/DERControlBase\/opModMaxLimW/);
      assert.equal((await call("POST", "/der-programs/77/controls", { duration: 60, base: { opModMaxLimW: 1 } })).status, 404);
      assert.equal((await call("POST", `/der-programs/${program}/controls`, { base: { opModMaxLimW: 1 } })).status, 400, "duration required");
      assert.equal(srv.operator.listControls("der", program).length, count, "nothing was added");
      const made = await call("POST", `/der-programs/${program}/controls`, { start: new Date(Date.now() + 3_600_000).toISOString(), duration: 60, base: { opModMaxLimW: 100 } });
      assert.equal(made.status, 201);
      const cancel = `/der-programs/${program}/controls/${String(made.body.href).split("/").pop()}/cancel`;
      const cancelled = await call("POST", cancel, {});
      assert.equal((cancelled.body.EventStatus as { currentStatus: number }).currentStatus, 2);
      assert.equal(parseAs((await get(String(made.body.href))).body, ["DERControl"]).value.EventStatus.currentStatus, 2, "clients see it cancelled");
      assert.equal((await call("POST", cancel, {})).status, 409);
      assert.equal((await call("POST", "/devices", { lfdi: ven1.lfdi })).status, 409);
    } finally {
      http.close();
    }
  });

  it("keeps programs and events across a restart", async () => {
    const t = tempDir("gridhub-2030-5-srv-");
    const file = resolve(t.dir, "hub.db");
    try {
      let h = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi }] }, file), { baseDir: repoRoot, logger: quiet });
      let s = h.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
      const p = (await s.operator.addDerProgram({ primacy: 3 }, "test")).id;
      const c = await s.operator.addDerControl(p, { duration: 600, responseRequired: "01", base: { opModConnect: false } }, "test");
      await h.stop();
      h = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi }] }, file), { baseDir: repoRoot, logger: quiet });
      s = h.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
      const list = parse((await raw(`${s.url()}/derp/${p}/derc?l=5`, { pki, as: "ven1" })).body);
      assert.equal(list.type, "DERControlList");
      const controls = (list.value as SepResource<"DERControlList">).DERControl!;
      assert.deepEqual(controls.map((x) => [x.mRID, x.DERControlBase.opModConnect]), [[c.mRID, false]]);
      assert.equal((await h.store.listEvents({ states: ["active"] })).length, 1, "the control is a hub event");
      await h.stop();
    } finally {
      t.cleanup();
    }
  });

  it("with open enrolment lets an unknown certificate read DeviceCapability and register itself, only itself", async () => {
    const h = await Hub.start(serverHubConfig(pki, { enrolment: "open" }), { baseDir: repoRoot, logger: quiet });
    try {
      const s = h.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
      const req = (path: string, o: { method?: string; body?: string } = {}) => raw(`${s.url()}${path}`, { pki, as: "ven2", ...o });
      assert.equal((await req("/dcap")).status, 200);
      assert.equal((await req("/derp")).status, 403, "not before it registered");
      const other = serialize("EndDevice", { sFDI: Number(ven1.sfdi), changedTime: now() });
      assert.equal((await req("/edev", { method: "POST", body: other })).status, 403);
      const self = serialize("EndDevice", { sFDI: Number(ven2.sfdi), lFDI: ven2.lfdi, changedTime: now() });
      const made = await req("/edev", { method: "POST", body: self });
      assert.equal(made.status, 201);
      assert.equal((await req("/edev", { method: "POST", body: self })).headers.location, made.headers.location, "registering again finds the same EndDevice");
      assert.equal((await req("/derp")).status, 200);
    } finally {
      await h.stop();
    }
  });
});
