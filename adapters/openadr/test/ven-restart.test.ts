import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import { until } from "../../../test/helpers.ts";
import type { Hub } from "../../../src/hub/hub.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { event, reportRequest, secondsFromNow, simple, xcal } from "./support/ven-events.ts";
import { startVenHub } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";
import { TestVtn } from "./support/ven-test-vtn.ts";
import { invalidPayloads } from "./support/ven-xsd.ts";

describe("OpenADR VEN: a restart on the same SQLite store", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let dir: string;
  let vtn: TestVtn;
  let hub: Hub | undefined;
  let ven: VenAdapter;

  before(() => {
    pki = makePki();
    dir = mkdtempSync(join(tmpdir(), "gridhub-ven-restart-"));
  });
  after(() => {
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await hub?.stop();
    await vtn.stop();
    assert.deepEqual(invalidPayloads(vtn.received.map((r) => ({ name: r.message.type, xml: r.xml }))), []);
  });

  it("keeps the registration, the events and their opt decisions, opt schedules, report requests and queued reports", async () => {
    memory.reset();
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    memory.set("battery-1", "0xD3", 700);
    const store = join(dir, "hub.db");
    vtn = await TestVtn.start(pki);
    vtn.reportRequests = () => [reportRequest("rr-1", "telemetry-usage", ["battery-1/instantaneous_w"])];
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, store }));
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
    vtn.events = [event({ id: "ev-r", start: secondsFromNow(-1), durationS: 60, signals: [simple([2])] })];
    vtn.pollQueue.push(vtn.distribute());
    const optID = await ven.createOptSchedule({ optType: "optOut", optReason: "x-schedule", windows: [{ dtstart: xcal(secondsFromNow(3600)), duration: "PT1H" }] });
    await until(() => vtn.of("oadrCreatedEvent").length === 1 && vtn.of("oadrCreateOpt").length === 1 && vtn.of("oadrUpdateReport").length > 0, 5000, "session running");
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 24);

    await vtn.stop();
    await until(async () => (await ven.queueDepth()) >= 2, 6000, "reports queued while the VTN is down");
    const before = { registration: ven.registration(), events: ven.events(), queued: await ven.queueDepth() };
    await hub.stop();

    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, store }));
    assert.deepEqual(ven.registration(), before.registration);
    assert.deepEqual(ven.events().map((e) => [e.eventID, e.modificationNumber, e.optType, e.status]), [["ev-r", 0, "optIn", "active"]]);
    assert.deepEqual(ven.events()[0]!.messages, before.events[0]!.messages);
    assert.deepEqual(ven.optSchedules().map((s) => s.optID), [optID]);
    assert.deepEqual(ven.pendingReports(), ["rr-1"]);
    assert.ok((await ven.queueDepth()) >= before.queued, "the queued reports are still there");
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 24, "the hub resumed the event's claims");

    const reportsBefore = vtn.of("oadrUpdateReport").length;
    await vtn.restart();
    await until(async () => (await ven.queueDepth()) === 0 && vtn.of("oadrUpdateReport").length >= reportsBefore + before.queued, 8000, "backlog delivered");
    const sent = vtn.of("oadrUpdateReport");
    assert.equal(new Set(sent.map((u) => u.requestID)).size, sent.length, "each report once");
    assert.equal(vtn.of("oadrCreatePartyRegistration").length, 1, "no new registration after the restart");
    assert.equal(vtn.of("oadrRegisterReport").length, 1, "the METADATA had not changed: not registered again");
    await until(() => vtn.of("oadrRequestEvent").length === 2, 5000, "events synced");
    assert.equal(vtn.of("oadrCreatedEvent").length, 1, "an event already answered is not answered again");
  });
});
