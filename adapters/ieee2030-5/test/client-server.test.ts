/**
 * Our client against our server, two hubs over mutual TLS on 127.0.0.1: DeviceCapability -> EndDevice ->
 * Registration -> FunctionSetAssignments -> DERProgram -> DERControl -> neutral message -> Responses, then
 * subscriptions and notifications, cancellation, DRLC and pricing, metering mirrors, registration by POST, a wrong
 * PIN, and a client restart in the middle of an event.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pino } from "pino";
import { makeMessage, type NeutralMessage } from "gridhub/model";
import { identityOf, type CertIdentity } from "gridhub/security";
import { Hub } from "../../../src/hub/hub.ts";
import { tempDir, until } from "../../../test/helpers.ts";
import type { SepClientAdapter, SepServerAdapter } from "../src/index.ts";
import { clientHubConfig, makePki, repoRoot, serverHubConfig, type Pki } from "./helpers.ts";

const quiet = pino({ level: "silent" });
const RECEIVED = 1, STARTED = 2, COMPLETED = 3, CANCELLED = 6;

describe("ieee2030-5 client and server over mutual TLS", function () {
  this.timeout(30_000);
  let pki: Pki;
  let ven1: CertIdentity;
  let utility: Hub;
  let srv: SepServerAdapter;
  let site: Hub;
  let cli: SepClientAdapter;
  let program: string;
  let fsa: string;
  const seen: NeutralMessage[] = [];
  const statuses = (mRID: string) => srv.operator.responses(mRID).map((r) => r.status);
  const fromClient = (mRID: string) => seen.filter((m) => m.origin?.ref === mRID || m.origin?.ref.startsWith(`${mRID}/`));

  before(async () => {
    pki = makePki();
    ven1 = identityOf(readFileSync(pki.file("ven1.pem")));
    utility = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi, pin: 111115 }], pollRate: 600 }), { baseDir: repoRoot, logger: quiet });
    srv = utility.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    program = (await srv.operator.addDerProgram({ primacy: 1, description: "CSIP" }, "test")).id;
    fsa = (await srv.operator.putFsa({ derPrograms: [program], drPrograms: [], tariffs: [] }, "test")).id;
  });
  after(async () => {
    await site?.stop();
    await utility?.stop();
    pki?.cleanup();
  });

  it("walks DeviceCapability -> EndDevice -> Registration -> FSA -> DERProgram -> DERControl and answers received", async () => {
    const ctl = await srv.operator.addDerControl(program, { duration: 3, responseRequired: "03", base: { opModMaxLimW: 5000 } }, "test");
    site = await Hub.start(clientHubConfig(pki, `${srv.url()}/dcap`, { pin: 111115, notifications: {}, pollRate: "10m", metering: { postRate: "1h" } }),
      { baseDir: repoRoot, logger: quiet });
    site.bus.subscribe({}, (m) => void seen.push(m as NeutralMessage));
    cli = site.adapters.get("grid")!.adapter as unknown as SepClientAdapter;
    await until(() => fromClient(ctl.mRID).length > 0, 5000, "the control as a neutral message");
    const [lgm] = fromClient(ctl.mRID);
    assert.equal(lgm.type, "LoadGenerationManagement");
    assert.equal(lgm.source, "ieee2030-5:grid");
    assert.deepEqual(lgm.origin, { protocol: "ieee2030-5", ref: ctl.mRID });
    assert.equal(lgm.type === "LoadGenerationManagement" && lgm.body.slots[0].relative, 50);
    const snap = cli.snapshot()!;
    assert.equal(snap.endDevice.lFDI, ven1.lfdi);
    assert.equal(snap.der[0].primacy, 1);
    await until(() => statuses(ctl.mRID).includes(RECEIVED), 5000, "received at the server");
    await until(() => site.health().grid.state === "up", 5000, "health up after the first walk");

    // a device acts on it: started; the end: completed
    await site.bus.publish(makeMessage("Result", { of: "LoadGenerationManagement", outcome: "successful", at: new Date().toISOString() },
      { source: "device:pv-1", correlationId: lgm.id }));
    await until(() => statuses(ctl.mRID).includes(COMPLETED), 6000, "completed at the server");
    assert.deepEqual(statuses(ctl.mRID), [RECEIVED, STARTED, COMPLETED]);
    const stored = await site.store.getEvent(`ieee2030-5:grid:${ctl.mRID}`);
    assert.equal(stored?.state, "completed");
  });

  it("subscribes where the server offers it: a new control arrives by notification, not by polling", async () => {
    await until(async () => srv.operator.subscriptions().length === 2, 5000, "subscriptions to the control list and the FSA list");
    assert.deepEqual(srv.operator.subscriptions().map((s) => s.resource).sort(), [`/derp/${program}/derc`, "/edev/1/fsa"]);
    assert.equal(srv.operator.subscriptions()[0].value.notificationURI, cli.notificationUrl());
    const before = site.health().grid.counters.messagesIn;
    const ctl = await srv.operator.addDerControl(program, { start: Math.floor(Date.now() / 1000) + 3600, duration: 60, responseRequired: "01", base: { opModMaxLimW: 2500 } }, "test");
    await until(() => fromClient(ctl.mRID).length > 0, 5000, "the notified control (polling is every 10 min)");
    assert.ok(site.health().grid.counters.messagesIn > before, "a notification came in");
    await until(() => statuses(ctl.mRID).includes(RECEIVED), 5000, "received");

    // cancelled by the operator: withdrawn under the same origin, answered cancelled (responseRequired 01: received only)
    await srv.operator.cancelControl("der", program, String(ctl.href).split("/").pop()!, { randomized: false }, "test");
    await until(() => fromClient(ctl.mRID).length === 2, 5000, "the withdrawal");
    const withdrawal = fromClient(ctl.mRID)[1];
    assert.ok(Date.parse(withdrawal.validity!.end!) <= Date.now());
    assert.equal(cli.events().find((e) => e.mRID === ctl.mRID)?.state, "cancelled");
    assert.deepEqual(statuses(ctl.mRID), [RECEIVED], "bit 1 not set: no cancelled response");
    const answered = await srv.operator.addDerControl(program, { start: Math.floor(Date.now() / 1000) + 7200, duration: 60, responseRequired: "03", base: { opModMaxLimW: 2000 } }, "test");
    await until(() => statuses(answered.mRID).includes(RECEIVED), 5000, "received");
    await srv.operator.cancelControl("der", program, String(answered.href).split("/").pop()!, { randomized: false }, "test");
    await until(() => statuses(answered.mRID).includes(CANCELLED), 5000, "cancelled at the server");
  });

  it("without notifications polls at the server's pollRate", async () => {
    const fast = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi }], pollRate: 1 }), { baseDir: repoRoot, logger: quiet });
    const fastSrv = fast.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    const p = (await fastSrv.operator.addDerProgram({ primacy: 1 }, "test")).id;
    await fastSrv.operator.putFsa({ derPrograms: [p], drPrograms: [], tariffs: [] }, "test");
    const poller = await Hub.start(clientHubConfig(pki, `${fastSrv.url()}/dcap`), { baseDir: repoRoot, logger: quiet });
    try {
      const got: NeutralMessage[] = [];
      poller.bus.subscribe({ types: ["LoadGenerationManagement"] }, (m) => void got.push(m as NeutralMessage));
      await until(() => poller.health().grid.state === "up", 5000, "first walk");
      assert.equal(fastSrv.operator.subscriptions().length, 0);
      await fastSrv.operator.addDerControl(p, { start: Math.floor(Date.now() / 1000) + 600, duration: 60, responseRequired: "00", base: { opModMaxLimW: 7000 } }, "test");
      await until(() => got.length === 1, 5000, "the control, found by the next poll");
    } finally {
      await poller.stop();
      await fast.stop();
    }
  });

  it("takes DRLC controls and tariffs from the function set assignment", async () => {
    const dr = (await srv.operator.addDrProgram({ primacy: 2, description: "peak" }, "test")).id;
    const edc = await srv.operator.addEndDeviceControl(dr, {
      duration: 120, responseRequired: "01", deviceCategory: "FFFFFFFF", drProgramMandatory: false, loadShiftForward: false, DutyCycle: { normalValue: 40 },
    }, "test");
    const start = Math.floor(Date.now() / 1000);
    const tariff = await srv.operator.addTariff({
      currency: 978, pricePowerOfTenMultiplier: -5, primacy: 1,
      rates: [{ roleFlags: "0000", readingType: { uom: 72, powerOfTenMultiplier: 3 }, intervals: [
        { start, duration: 3600, touTier: 1, responseRequired: "01", prices: [{ consumptionBlock: 1, price: 21000, startValue: 0 }] },
        { start: start + 3600, duration: 3600, touTier: 2, responseRequired: "00", prices: [{ consumptionBlock: 1, price: 34000, startValue: 0 }] },
      ] }],
    }, "test");
    await srv.operator.putFsa({ derPrograms: [program], drPrograms: [dr], tariffs: [tariff.id] }, "test", fsa);
    await until(() => fromClient(edc.mRID).length > 0, 5000, "the DRLC control (the FSA list notified the change)");
    const load = fromClient(edc.mRID)[0];
    assert.ok(load.type === "LoadGenerationManagement");
    assert.deepEqual([load.body.direction, load.body.request, load.body.slots[0].relative, load.body.mandatory], ["consumption", "limit", 40, false]);
    await until(() => fromClient(tariff.rates[0].mRID).length > 0, 5000, "the price profile");
    const price = fromClient(tariff.rates[0].mRID)[0];
    assert.ok(price.type === "PriceEnvironmentProfile");
    assert.deepEqual(price.body.slots.map((s) => s.price), [
      { value: 21000, multiplier: -5, unit: "currency/kWh", currency: "EUR" }, { value: 34000, multiplier: -5, unit: "currency/kWh", currency: "EUR" },
    ]);
    await until(() => statuses(edc.mRID).includes(RECEIVED), 5000, "DrResponse received");
    assert.equal(srv.operator.responses(edc.mRID)[0].type, "DrResponse");
    const interval = tariff.rates[0].intervals[0].mRID;
    await until(() => statuses(interval).length === 1, 5000, "the price interval acknowledged");
    assert.equal(srv.operator.responses(interval)[0].type, "PriceResponse");
    await cli.syncNow();
    await cli.syncNow();
    assert.equal(statuses(interval).length, 1, "acknowledged once, however often the client walks");
  });

  it("mirrors InstantaneousPower and Metering messages as MirrorUsagePoints with readings", async () => {
    const at = new Date().toISOString();
    await site.bus.publish(makeMessage("InstantaneousPower", { scope: { kind: "device", id: "pv-1" }, power: { value: 3.2, multiplier: 3, unit: "W" }, direction: "generation", at },
      { source: "device:pv-1" }));
    await site.bus.publish(makeMessage("Metering", { meter: "main", kind: "reading", readings: [{ at, importEnergy: { value: 1234, unit: "Wh" } }] }, { source: "device:meter" }));
    await cli.flushMetering();
    const mirrors = srv.operator.mirrors();
    assert.deepEqual(mirrors.map((m) => [m.description, m.deviceLFDI, m.owner]).sort(), [["device:pv-1", ven1.lfdi, ven1.lfdi], ["main", ven1.lfdi, ven1.lfdi]]);
    const pv = mirrors.find((m) => m.description === "device:pv-1")!.MirrorMeterReading![0];
    assert.deepEqual([pv.Reading?.value, pv.ReadingType?.uom, pv.ReadingType?.flowDirection], [3200, 38, 19]);
    await site.bus.publish(makeMessage("InstantaneousPower", { scope: { kind: "device", id: "pv-1" }, power: { value: 2900, unit: "W" }, direction: "generation", at },
      { source: "device:pv-1" }));
    await cli.flushMetering();
    const again = srv.operator.mirrors().find((m) => m.description === "device:pv-1")!.MirrorMeterReading![0];
    assert.deepEqual([again.Reading?.value, again.ReadingType?.uom], [2900, 38], "the update keeps the reading type announced first");
    assert.equal(srv.operator.mirrors().length, 2, "posted to the same mirror");
  });

  it("registers its EndDevice by POST where the server enrols, and stops at a wrong registration PIN", async () => {
    const open = await Hub.start(serverHubConfig(pki, { enrolment: "open" }), { baseDir: repoRoot, logger: quiet });
    const openSrv = open.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    const client = await Hub.start(clientHubConfig(pki, `${openSrv.url()}/dcap`), { baseDir: repoRoot, logger: quiet });
    const wrongPin = await Hub.start(clientHubConfig(pki, `${srv.url()}/dcap`, { pin: 999999, notifications: {} }), { baseDir: repoRoot, logger: quiet });
    try {
      await until(() => client.health().grid.state === "up", 5000, "registered");
      assert.deepEqual(openSrv.operator.listDevices().map((d) => d.lfdi), [ven1.lfdi]);
      await until(() => wrongPin.health().grid.state === "down", 5000, "refused");
      assert.match(wrongPin.health().grid.lastError?.message ?? "", /registration PIN 111115 is not this device's 999999/);
      assert.equal((wrongPin.adapters.get("grid")!.adapter as unknown as SepClientAdapter).events().length, 0);
    } finally {
      await wrongPin.stop();
      await client.stop();
      await open.stop();
    }
  });

  it("resumes an event after a restart without publishing it again, and completes it", async () => {
    await site.stop();
    const t = tempDir("gridhub-2030-5-cli-");
    const file = resolve(t.dir, "site.db");
    const cfg = clientHubConfig(pki, `${srv.url()}/dcap`, { pollRate: "10m" }, file);
    try {
      const ctl = await srv.operator.addDerControl(program, { duration: 4, responseRequired: "03", base: { opModMaxLimW: 6000 } }, "test");
      let h = await Hub.start(cfg, { baseDir: repoRoot, logger: quiet });
      const first: NeutralMessage[] = [];
      h.bus.subscribe({}, (m) => void first.push(m as NeutralMessage));
      await until(() => first.some((m) => m.origin?.ref === ctl.mRID), 5000, "published");
      await h.stop();
      h = await Hub.start(cfg, { baseDir: repoRoot, logger: quiet });
      const second: NeutralMessage[] = [];
      h.bus.subscribe({}, (m) => void second.push(m as NeutralMessage));
      try {
        await until(() => h.health().grid.state === "up", 5000, "synced after the restart");
        assert.equal(second.filter((m) => m.origin?.ref === ctl.mRID).length, 0, "not published again");
        await until(() => statuses(ctl.mRID).length === 2, 8000, "the end, answered after the restart");
        assert.deepEqual(statuses(ctl.mRID), [RECEIVED, 252], "no device acted on it: not applicable");
      } finally {
        await h.stop();
      }
    } finally {
      t.cleanup();
    }
  });
});
