/**
 * The VTN's 2.0b services, authorization and durability, driven by scripted VENs over mutual TLS on 127.0.0.1.
 * The same suite runs on a SQLite file and on a real PostgreSQL (test/postgres.ts).
 */
import assert from "node:assert/strict";
import type { OadrMessage, OadrMessageOf } from "../src/codec/index.ts";
import { tempDir } from "../../../test/helpers.ts";
import { validateWithXmllint } from "./fixtures/xmllint.ts";
import { startPostgres, type RunningPostgres } from "../../../test/postgres.ts";
import {
  codeOf, inMinutes, makePki, operator, postgresStores, ScriptedVen, simpleEvent, sqliteStores, startVtnHub, vtnConfig,
  type Pki, type StoreKind, type VtnHub,
} from "./support/vtn-fixtures.ts";

type Distribute = OadrMessageOf<"oadrDistributeEvent">;

function asDistribute(m: OadrMessage): Distribute {
  assert.equal(m.type, "oadrDistributeEvent", `expected oadrDistributeEvent, got ${JSON.stringify(m)}`);
  return m as Distribute;
}

function assertIdle(m: OadrMessage) {
  assert.equal(m.type, "oadrResponse", `expected nothing pending, got ${JSON.stringify(m)}`);
  assert.equal(codeOf(m), 200);
}

const metadata = (ven: ScriptedVen): OadrMessageOf<"oadrRegisterReport"> => ({
  type: "oadrRegisterReport",
  requestID: "rr-1",
  venID: ven.venID,
  reports: [
    {
      reportSpecifierID: "spec-usage", reportName: "METADATA_TELEMETRY_USAGE", reportRequestID: "0", createdDateTime: inMinutes(0),
      duration: "PT1H",
      reportDescriptions: [
        { rID: "meter-1/power", reportDataSource: { resourceID: [`${ven.leaf}-meter`] }, reportType: "usage", readingType: "Direct Read",
          itemBase: { kind: "powerReal", itemUnits: "W", siScaleCode: "none", powerAttributes: { hertz: 50, voltage: 230, ac: true } },
          samplingRate: { minPeriod: "PT1M", maxPeriod: "PT1H", onChange: false } },
        { rID: "meter-1/energy", reportDataSource: { resourceID: [`${ven.leaf}-meter`] }, reportType: "usage", readingType: "Direct Read",
          itemBase: { kind: "energyReal", siScaleCode: "k" }, samplingRate: { minPeriod: "PT1M", maxPeriod: "PT1H", onChange: false } },
      ],
    },
    {
      reportSpecifierID: "spec-status", reportName: "METADATA_TELEMETRY_STATUS", reportRequestID: "0", createdDateTime: inMinutes(0),
      reportDescriptions: [{ rID: "status", reportDataSource: { resourceID: [`${ven.leaf}-meter`] }, reportType: "x-resourceStatus", readingType: "x-notApplicable" }],
    },
  ],
});

function vtnSuite(kind: () => StoreKind) {
  let pki: Pki;
  let vtn: VtnHub;
  let ven1: ScriptedVen;
  let ven2: ScriptedVen;
  const config = (p: Pki) => vtnConfig(p, {
    vens: [{ fingerprint: p.fingerprint("ven2"), groups: ["g-north"], parties: ["party-2"] }],
    reports: [{ reportName: "TELEMETRY_USAGE", granularity: "PT1M", reportBackDuration: "PT5M" }],
  });
  const api = <T = any>(method: string, path: string, body?: unknown) => operator<T>(vtn.apiBase, method, path, body); // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async function () {
    this.timeout(60_000);
    pki = makePki();
    vtn = await startVtnHub(await kind().fresh(), config(pki));
    ven1 = new ScriptedVen(vtn.url, pki, "ven1");
    ven2 = new ScriptedVen(vtn.url, pki, "ven2");
  });
  after(async () => {
    ven1?.close();
    ven2?.close();
    await vtn?.stop();
    pki?.cleanup();
  });

  it("answers oadrQueryRegistration with its vtnID, profile and poll frequency", async () => {
    const r = await ven1.send("EiRegisterParty", { type: "oadrQueryRegistration", requestID: "q-1" });
    assert.equal(r.type, "oadrCreatedPartyRegistration");
    const c = r as OadrMessageOf<"oadrCreatedPartyRegistration">;
    assert.equal(c.vtnID, "gridhub-vtn");
    assert.equal(c.eiResponse.requestID, "q-1");
    assert.deepEqual(c.profiles, [{ profileName: "2.0b", transports: ["simpleHttp"] }]);
    assert.equal(c.requestedOadrPollFreq, "PT10S");
    assert.equal(c.registrationID, undefined);
  });

  it("registers VENs, binding each venID to the certificate fingerprint", async () => {
    const r1 = await ven1.register();
    assert.equal(r1.venID, pki.fingerprint("ven1"));
    assert.ok(r1.registrationID);
    await ven2.register();
    const again = await ven1.register({ registrationID: ven1.registrationID, venID: ven1.venID });
    assert.equal(again.registrationID, r1.registrationID, "re-registration keeps the registrationID");
    const vens = (await api<{ venID: string; registered: boolean }[]>("GET", "/vens")).body;
    assert.deepEqual(vens.map((v) => v.venID).sort(), [ven1.venID, ven2.venID].sort());
    assert.ok(vens.every((v) => v.registered));
  });

  it("refuses a registrationID that is not the VEN's (452) and an unregistered VEN's payloads (463)", async () => {
    const bad = await ven1.send("EiRegisterParty", {
      type: "oadrCreatePartyRegistration", requestID: "r-x", registrationID: "not-mine", venID: ven1.venID, profileName: "2.0b",
      transportName: "simpleHttp", reportOnly: false, xmlSignature: false, httpPullModel: true,
    });
    assert.equal(codeOf(bad), 452);
    const rsa = new ScriptedVen(vtn.url, pki, "ven-rsa");
    try {
      assert.equal(codeOf(await rsa.poll()), 463);
    } finally {
      rsa.close();
    }
  });

  it("answers oadrPoll with oadrResponse when nothing is pending", async () => {
    assertIdle(await ven1.poll());
    assertIdle(await ven2.poll());
  });

  it("delivers a new event to the targeted VEN only, once, with only that VEN's IDs in the target", async () => {
    const created = await api("POST", "/events", simpleEvent({ venID: [ven1.venID, "VEN-ELSEWHERE"] }, { eventID: "ev-1" }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const d = asDistribute(await ven1.poll());
    assert.equal(d.vtnID, "gridhub-vtn");
    assert.equal(d.events.length, 1);
    const [ev] = d.events;
    assert.equal(ev.eventDescriptor.eventID, "ev-1");
    assert.equal(ev.eventDescriptor.modificationNumber, 0);
    assert.equal(ev.eventDescriptor.eventStatus, "far");
    assert.deepEqual(ev.eiTarget, { venID: [ven1.venID] });
    assert.equal(ev.responseRequired, "always");
    assertIdle(await ven1.poll());
    assertIdle(await ven2.poll());
  });

  it("records optIn from oadrCreatedEvent and shows it per VEN", async () => {
    const r = await ven1.send("EiEvent", {
      type: "oadrCreatedEvent", venID: ven1.venID, eiResponse: { responseCode: 200, requestID: "d-1" },
      eventResponses: [{ responseCode: 200, requestID: "d-1", qualifiedEventID: { eventID: "ev-1", modificationNumber: 0 }, optType: "optIn" }],
    });
    assert.equal(codeOf(r), 200);
    const shown = await api<{ vens: { venID: string; optState: string; at: string }[] }>("GET", "/events/ev-1");
    assert.deepEqual(shown.body.vens, [{ venID: ven1.venID, optState: "optIn", modificationNumber: 0, via: "createdEvent", at: shown.body.vens[0].at }]);
  });

  it("sends a modification with the next modificationNumber; the VEN's answer is pending again until it replies", async () => {
    const m = await api("PATCH", "/events/ev-1", { signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT1H", signalPayload: 2 }] }], modificationReason: "deeper" });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    const d = asDistribute(await ven1.poll());
    assert.equal(d.events[0].eventDescriptor.modificationNumber, 1);
    assert.equal(d.events[0].eiEventSignals[0].intervals[0].signalPayload, 2);
    let shown = await api<{ vens: { optState: string }[] }>("GET", "/events/ev-1");
    assert.equal(shown.body.vens[0].optState, "pending");
    const stale = await ven1.send("EiEvent", {
      type: "oadrCreatedEvent", venID: ven1.venID, eiResponse: { responseCode: 200, requestID: "d-2" },
      eventResponses: [{ responseCode: 200, requestID: "d-2", qualifiedEventID: { eventID: "ev-1", modificationNumber: 0 }, optType: "optOut" }],
    });
    assert.equal(codeOf(stale), 200);
    shown = await api("GET", "/events/ev-1");
    assert.equal(shown.body.vens[0].optState, "pending", "an answer to an older modification is stale");
    await ven1.send("EiEvent", {
      type: "oadrCreatedEvent", venID: ven1.venID, eiResponse: { responseCode: 200, requestID: "d-3" },
      eventResponses: [{ responseCode: 200, requestID: "d-3", qualifiedEventID: { eventID: "ev-1", modificationNumber: 1 }, optType: "optOut" }],
    });
    shown = await api("GET", "/events/ev-1");
    assert.equal(shown.body.vens[0].optState, "optOut");
  });

  it("targets by groupID and partyID, and by resourceIDs the VEN registered in its METADATA", async () => {
    await api("POST", "/events", simpleEvent({ groupID: ["g-north"] }, { eventID: "ev-group" }));
    const toGroup = asDistribute(await ven2.poll());
    assert.deepEqual(toGroup.events.map((e) => e.eventDescriptor.eventID), ["ev-group"]);
    assert.deepEqual(toGroup.events[0].eiTarget, { venID: [ven2.venID] }, "a VTN-side group reaches the whole VEN");
    assertIdle(await ven1.poll());

    await api("POST", "/events", simpleEvent({ partyID: ["party-2"] }, { eventID: "ev-party" }));
    const toParty = asDistribute(await ven2.poll());
    assert.deepEqual(toParty.events.map((e) => e.eventDescriptor.eventID).sort(), ["ev-group", "ev-party"]);

    const reg = await ven1.send("EiReport", metadata(ven1));
    assert.equal(reg.type, "oadrRegisteredReport");
    await api("POST", "/events", simpleEvent({ resourceID: ["ven1-meter"] }, { eventID: "ev-resource" }));
    const toResource = asDistribute(await ven1.poll());
    const ev = toResource.events.find((e) => e.eventDescriptor.eventID === "ev-resource")!;
    assert.deepEqual(ev.eiTarget, { resourceID: ["ven1-meter"] }, "resource-only targeting names no venID");
    assertIdle(await ven2.poll());
  });

  it("registers METADATA, requests TELEMETRY_USAGE automatically and stores oadrUpdateReport data", async () => {
    const reg = await ven1.send("EiReport", metadata(ven1)) as OadrMessageOf<"oadrRegisteredReport">;
    assert.equal(reg.type, "oadrRegisteredReport");
    assert.equal(reg.reportRequests.length, 1);
    const [req] = reg.reportRequests;
    assert.equal(req.reportSpecifier.reportSpecifierID, "spec-usage");
    assert.deepEqual(req.reportSpecifier.specifierPayloads.map((p) => p.rID), ["meter-1/power", "meter-1/energy"]);
    assert.equal(req.reportSpecifier.reportBackDuration, "PT5M");
    assert.equal(codeOf(await ven1.send("EiReport", {
      type: "oadrCreatedReport", eiResponse: { responseCode: 200, requestID: "cr-1" }, pendingReports: [req.reportRequestID], venID: ven1.venID,
    })), 200);
    const update = await ven1.send("EiReport", {
      type: "oadrUpdateReport", requestID: "up-1", venID: ven1.venID,
      reports: [{
        reportRequestID: req.reportRequestID, reportSpecifierID: "spec-usage", reportName: "TELEMETRY_USAGE", createdDateTime: inMinutes(0),
        dtstart: "2026-01-01T00:00:00Z", duration: "PT2M", reportDescriptions: [],
        intervals: [
          { dtstart: "2026-01-01T00:00:00Z", duration: "PT1M", payloads: [{ rID: "meter-1/power", payload: 1500 }, { rID: "meter-1/energy", payload: 12.5 }] },
          { dtstart: "2026-01-01T00:01:00Z", duration: "PT1M", payloads: [{ rID: "meter-1/power", payload: 1400 }] },
        ],
      }],
    });
    assert.equal(update.type, "oadrUpdatedReport");
    assert.equal(codeOf(update), 200);
    const data = await api<{ point: string; ts: string; value: number }[]>("GET", `/vens/${encodeURIComponent(ven1.venID)}/reports/data?rID=meter-1/power`);
    assert.deepEqual(data.body.map((r) => [r.ts, r.value]), [["2026-01-01T00:00:00Z", 1500], ["2026-01-01T00:01:00Z", 1400]]);
    const reports = await api<{ requests: { reportRequestID: string; state: string }[] }>("GET", `/vens/${encodeURIComponent(ven1.venID)}/reports`);
    assert.equal(reports.body.requests.find((r) => r.reportRequestID === req.reportRequestID)?.state, "active");
  });

  it("requests a report by rID on the operator's demand, and cancels it (create, created, cancel, canceled)", async () => {
    const venPath = `/vens/${encodeURIComponent(ven1.venID)}`;
    const asked = await api<{ reportRequestID: string }>("POST", `${venPath}/report-requests`, { reportName: "TELEMETRY_STATUS", rIDs: ["status"], granularity: "PT0S", reportBackDuration: "PT0S" });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const create = await ven1.poll() as OadrMessageOf<"oadrCreateReport">;
    assert.equal(create.type, "oadrCreateReport");
    assert.equal(create.reportRequests[0].reportRequestID, asked.body.reportRequestID);
    assert.deepEqual(create.reportRequests[0].reportSpecifier.specifierPayloads, [{ rID: "status", readingType: "x-notApplicable" }]);
    await ven1.send("EiReport", { type: "oadrCreatedReport", eiResponse: { responseCode: 200, requestID: create.requestID }, pendingReports: [asked.body.reportRequestID], venID: ven1.venID });
    const status = await ven1.send("EiReport", {
      type: "oadrUpdateReport", requestID: "up-s", venID: ven1.venID,
      reports: [{ reportRequestID: asked.body.reportRequestID, reportSpecifierID: "spec-status", createdDateTime: inMinutes(0), reportDescriptions: [],
        intervals: [{ dtstart: "2026-01-01T00:00:00Z", payloads: [{ rID: "status", payload: { online: true, manualOverride: false } }] }] }],
    });
    assert.equal(codeOf(status), 200);

    const unknownRid = await api("POST", `${venPath}/report-requests`, { reportName: "TELEMETRY_STATUS", rIDs: ["nope"] });
    assert.equal(unknownRid.status, 400);

    const cancel = await api("DELETE", `${venPath}/report-requests/${asked.body.reportRequestID}`);
    assert.equal(cancel.status, 202);
    const cancelMsg = await ven1.poll() as OadrMessageOf<"oadrCancelReport">;
    assert.equal(cancelMsg.type, "oadrCancelReport");
    assert.deepEqual(cancelMsg.reportRequestIDs, [asked.body.reportRequestID]);
    const late = await ven1.send("EiReport", {
      type: "oadrUpdateReport", requestID: "up-late", venID: ven1.venID,
      reports: [{ reportRequestID: asked.body.reportRequestID, reportSpecifierID: "spec-status", createdDateTime: inMinutes(0), reportDescriptions: [],
        intervals: [{ payloads: [{ rID: "status", payload: { online: false, manualOverride: false } }] }] }],
    }) as OadrMessageOf<"oadrUpdatedReport">;
    assert.deepEqual(late.cancelReport?.reportRequestIDs, [asked.body.reportRequestID], "data for a cancelled request is answered with a cancellation");
    await ven1.send("EiReport", { type: "oadrCanceledReport", eiResponse: { responseCode: 200, requestID: cancelMsg.requestID }, pendingReports: [], venID: ven1.venID });
    const reports = await api<{ requests: { reportRequestID: string; state: string }[] }>("GET", `${venPath}/reports`);
    assert.equal(reports.body.requests.find((r) => r.reportRequestID === asked.body.reportRequestID)?.state, "cancelled");
    const data = await api<unknown[]>("GET", `${venPath}/reports/data?rID=status`);
    assert.equal(data.body.length, 1, "nothing stored after the cancellation");
  });

  it("applies an optOut schedule to events issued after it, and records a per-event opt", async () => {
    await api("POST", "/events", simpleEvent({ venID: [ven1.venID] }, { eventID: "ev-opt", activePeriod: { dtstart: inMinutes(120), duration: "PT30M" } }));
    const before = asDistribute(await ven1.poll());
    assert.ok(before.events.some((e) => e.eventDescriptor.eventID === "ev-opt"));
    const created = await ven1.send("EiOpt", {
      type: "oadrCreateOpt", optID: "opt-sched", optType: "optOut", optReason: "mustRun", venID: ven1.venID,
      vavailability: [{ dtstart: inMinutes(110), duration: "PT1H" }], createdDateTime: inMinutes(0), requestID: "o-1", eiTarget: { venID: [ven1.venID] },
    });
    assert.equal(created.type, "oadrCreatedOpt");
    assert.equal(codeOf(created), 200);
    assertIdle(await ven1.poll());
    const shown = await api<{ vens: { venID: string; optState: string; via?: string }[] }>("GET", "/events/ev-opt");
    assert.deepEqual(shown.body.vens.map((v) => [v.optState, v.via]), [["optOut", "schedule"]], "the VEN is unavailable for the event it holds");
    const opts = await api<{ optID: string }[]>("GET", `/vens/${encodeURIComponent(ven1.venID)}/opts`);
    assert.deepEqual(opts.body.map((o) => o.optID), ["opt-sched"]);

    await api("POST", "/events", simpleEvent({ venID: [ven1.venID] }, { eventID: "ev-opt-2", activePeriod: { dtstart: inMinutes(115), duration: "PT10M" } }));
    const during = asDistribute(await ven1.poll());
    assert.deepEqual(during.events.filter((e) => e.eventDescriptor.eventID.startsWith("ev-opt")).map((e) => e.eventDescriptor.eventID), ["ev-opt"],
      "an event issued inside the opted-out window does not reach the VEN");

    const canceled = await ven1.send("EiOpt", { type: "oadrCancelOpt", requestID: "o-2", optID: "opt-sched", venID: ven1.venID });
    assert.equal(canceled.type, "oadrCanceledOpt");
    const back = asDistribute(await ven1.poll());
    assert.ok(back.events.some((e) => e.eventDescriptor.eventID === "ev-opt-2"), "without the schedule the event reaches the VEN");

    const perEvent = await ven1.send("EiOpt", {
      type: "oadrCreateOpt", optID: "opt-ev", optType: "optIn", optReason: "participating", venID: ven1.venID, createdDateTime: inMinutes(0),
      requestID: "o-3", qualifiedEventID: { eventID: "ev-opt", modificationNumber: 0 }, eiTarget: {},
    });
    assert.equal(codeOf(perEvent), 200);
    const state = await api<{ vens: { optState: string; via?: string; optID?: string }[] }>("GET", "/events/ev-opt");
    assert.deepEqual([state.body.vens[0].optState, state.body.vens[0].via, state.body.vens[0].optID], ["optIn", "opt", "opt-ev"]);
  });

  it("cancels an event: eventStatus cancelled with the next modificationNumber", async () => {
    const c = await api("POST", "/events/ev-1/cancel", { reason: "grid recovered" });
    assert.equal(c.status, 200);
    const d = asDistribute(await ven1.poll());
    const ev = d.events.find((e) => e.eventDescriptor.eventID === "ev-1")!;
    assert.equal(ev.eventDescriptor.eventStatus, "cancelled");
    assert.equal(ev.eventDescriptor.modificationNumber, 2);
    assert.equal((await api("PATCH", "/events/ev-1", { priority: 1 })).status, 409, "a cancelled event cannot be modified");
    const listed = await api<{ eventID: string; eventStatus: string }[]>("GET", "/events");
    assert.equal(listed.body.find((e) => e.eventID === "ev-1")?.eventStatus, "cancelled");
    const hubEvents = await vtn.hub.store.listEvents({ source: "vtn" });
    assert.equal(hubEvents.find((e) => e.ref === "ev-1")?.state, "cancelled", "the hub's event list (gridhub events) follows");
  });

  it("answers oadrRequestEvent with every live event of the VEN, honouring replyLimit", async () => {
    const all = asDistribute(await ven1.send("EiEvent", { type: "oadrRequestEvent", requestID: "re-1", venID: ven1.venID }));
    assert.equal(all.requestID, "re-1");
    assert.deepEqual(all.events.map((e) => e.eventDescriptor.eventID).sort(), ["ev-1", "ev-opt", "ev-opt-2", "ev-resource"]);
    const one = asDistribute(await ven1.send("EiEvent", { type: "oadrRequestEvent", requestID: "re-2", venID: ven1.venID, replyLimit: 1 }));
    assert.equal(one.events.length, 1);
  });

  describe("authorization", () => {
    it("refuses a VEN presenting another VEN's venID with 452 and an audit line", async () => {
      const r = await ven2.poll(ven1.venID);
      assert.equal(codeOf(r), 452);
      const audit = await vtn.hub.store.queryAudit({ action: "openadr.venIDMismatch" });
      assert.equal(audit[0].actor, ven2.fingerprint);
      assert.equal(audit[0].target, ven1.venID);
      assert.equal(audit[0].outcome, "refused");
      assertIdle(await ven1.poll());
    });

    it("keeps VEN B away from VEN A's events, opts and reports", async () => {
      const optIn = await ven2.send("EiEvent", {
        type: "oadrCreatedEvent", venID: ven2.venID, eiResponse: { responseCode: 200, requestID: "x" },
        eventResponses: [{ responseCode: 200, requestID: "x", qualifiedEventID: { eventID: "ev-opt", modificationNumber: 0 }, optType: "optOut" }],
      });
      assert.equal(codeOf(optIn), 452);
      const cancelA = await ven2.send("EiOpt", { type: "oadrCancelOpt", requestID: "x", optID: "opt-ev", venID: ven2.venID });
      assert.equal(codeOf(cancelA), 452);
      const optForA = await ven2.send("EiOpt", {
        type: "oadrCreateOpt", optID: "steal", optType: "optOut", optReason: "mustRun", venID: ven2.venID, createdDateTime: inMinutes(0),
        requestID: "x", qualifiedEventID: { eventID: "ev-opt", modificationNumber: 0 }, eiTarget: {},
      });
      assert.equal(codeOf(optForA), 452);
      const reportsA = await api<{ requests: { reportRequestID: string }[] }>("GET", `/vens/${encodeURIComponent(ven1.venID)}/reports`);
      const update = await ven2.send("EiReport", {
        type: "oadrUpdateReport", requestID: "x", venID: ven2.venID,
        reports: [{ reportRequestID: reportsA.body.requests[0].reportRequestID, reportSpecifierID: "spec-usage", createdDateTime: inMinutes(0),
          reportDescriptions: [], intervals: [{ payloads: [{ rID: "meter-1/power", payload: 1 }] }] }],
      });
      assert.equal(codeOf(update), 452);
      const requestB = asDistribute(await ven2.send("EiEvent", { type: "oadrRequestEvent", requestID: "x", venID: ven2.venID }));
      assert.ok(!requestB.events.some((e) => e.eventDescriptor.eventID.startsWith("ev-opt") || e.eventDescriptor.eventID === "ev-1"));
      const state = await api<{ vens: { venID: string; optState: string }[] }>("GET", "/events/ev-opt");
      assert.deepEqual(state.body.vens.map((v) => [v.venID, v.optState]), [[ven1.venID, "optIn"]], "B changed nothing");
    });
  });

  describe("transport", () => {
    it("refuses untrusted, revoked and expired certificates at TLS, and audits it", async () => {
      for (const leaf of ["ven-rogue", "ven-revoked", "ven-expired"]) {
        const bad = new ScriptedVen(vtn.url, pki, leaf);
        try {
          await assert.rejects(bad.poll(), (e: Error) => /socket|alert|certificate|ECONNRESET|disconnected|EPIPE/i.test(e.message), leaf);
        } finally {
          bad.close();
        }
      }
      const audit = await vtn.hub.store.queryAudit({ action: "openadr.tlsRefused" });
      assert.ok(audit.length >= 1);
    });

    it("answers HTTP-level mistakes with HTTP statuses and payload mistakes with 2.0b response codes", async () => {
      assert.equal((await ven1.raw("/OpenADR2/Simple/2.0b/Nope", "<x/>")).status, 404);
      assert.equal((await ven1.raw("/OpenADR2/Simple/2.0b/OadrPoll", "", {}, "GET")).status, 405);
      assert.equal((await ven1.raw("/OpenADR2/Simple/2.0b/OadrPoll", "{}", { "content-type": "application/json" })).status, 415);
      assert.equal((await ven1.raw("/OpenADR2/Simple/2.0b/OadrPoll", Buffer.alloc(2 * 1024 * 1024, 0x20))).status, 413);
      const malformed = await ven1.raw("/OpenADR2/Simple/2.0b/OadrPoll", "<oadrPayload");
      assert.equal(malformed.status, 200);
      assert.match(malformed.body, /<ei:responseCode>454<\/ei:responseCode>/);
      const wrongService = await ven1.send("EiEvent", { type: "oadrPoll", venID: ven1.venID });
      assert.equal(codeOf(wrongService), 453);
      const xxe = await ven1.raw("/OpenADR2/Simple/2.0b/OadrPoll", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
      assert.match(xxe.body, /<ei:responseCode>451<\/ei:responseCode>/);
    });
  });

  it("sends only payloads that validate against oadr_20b.xsd", () => {
    const samples = new Map([...ven1.samples, ...ven2.samples]);
    assert.ok(samples.size >= 9, `payload types seen: ${[...samples.keys()].join(", ")}`);
    for (const [type, xml] of samples) {
      const v = validateWithXmllint(xml);
      assert.ok(v.valid, `${type}: ${v.output}`);
    }
  });

  describe("durability and several VTN processes", () => {
    it("loses no registration, event, opt or report over a restart; VENs resume polling", async () => {
      const store = vtn.hub.config.store;
      await api("POST", "/events", simpleEvent({ venID: [ven2.venID] }, { eventID: "ev-restart" }));
      await vtn.stop();
      vtn = await startVtnHub(store, config(pki));
      ven1.close();
      ven2.close();
      ven1 = new ScriptedVen(vtn.url, pki, "ven1");
      ven2 = new ScriptedVen(vtn.url, pki, "ven2");
      const d = asDistribute(await ven2.poll());
      assert.ok(d.events.some((e) => e.eventDescriptor.eventID === "ev-restart"), "queued before the restart, delivered after");
      const v = await api<{ registered: boolean; opts: unknown[]; events: { eventID: string; optState: string }[] }>("GET", `/vens/${encodeURIComponent(ven1.venID)}`);
      assert.equal(v.body.registered, true);
      assert.equal(v.body.events.find((e) => e.eventID === "ev-opt")?.optState, "optIn");
      const reports = await api<{ metadata: unknown[]; requests: unknown[] }>("GET", `/vens/${encodeURIComponent(ven1.venID)}/reports`);
      assert.equal(reports.body.metadata.length, 2);
      assert.ok(reports.body.requests.length >= 2);
      assertIdle(await ven1.poll());
    });

    it("two VTN processes on one store hand each payload out once", async () => {
      const other = await startVtnHub(vtn.hub.config.store, config(pki));
      const viaOther = new ScriptedVen(other.url, pki, "ven2");
      try {
        for (let i = 0; i < 5; i++) {
          await api("POST", "/events", simpleEvent({ venID: [ven2.venID] }, { eventID: `ev-multi-${i}` }));
          await operator(other.apiBase, "POST", `/vens/${encodeURIComponent(ven2.venID)}/reregister`);
        }
        const got: string[] = [];
        // both processes are polled at once, until both have nothing left (bounded)
        for (let round = 0; round < 40; round++) {
          const replies = await Promise.all([ven2.poll(), viaOther.poll()]);
          for (const r of replies) if (r.type !== "oadrResponse") got.push(r.type);
          if (replies.every((r) => r.type === "oadrResponse")) break;
        }
        assert.equal(got.filter((t) => t === "oadrRequestReregistration").length, 5, `each queued payload once: ${got.join(",")}`);
        assert.ok(got.filter((t) => t === "oadrDistributeEvent").length <= 5);
        const final = asDistribute(await viaOther.send("EiEvent", { type: "oadrRequestEvent", requestID: "x", venID: ven2.venID }));
        assert.equal(final.events.filter((e) => e.eventDescriptor.eventID.startsWith("ev-multi-")).length, 5);
      } finally {
        viaOther.close();
        await other.stop();
      }
    });
  });
}

describe("OpenADR VTN services", function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof tempDir>;
  let pg: RunningPostgres;
  before(async function () {
    this.timeout(60_000);
    tmp = tempDir("gridhub-vtn-");
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
    tmp?.cleanup();
  });

  describe("on SQLite", () => vtnSuite(() => sqliteStores(tmp.dir)));
  describe("on PostgreSQL", () => vtnSuite(() => postgresStores(() => pg, tmp.dir)));
});
