import assert from "node:assert/strict";
import type { NeutralMessage } from "gridhub/model";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import { collect, until } from "../../../test/helpers.ts";
import type { Hub } from "../../../src/hub/hub.ts";
import type { OadrEvent } from "../src/codec/index.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { event, secondsFromNow, signal, simple, xcal } from "./support/ven-events.ts";
import { startVenHub } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";
import { TestVtn } from "./support/ven-test-vtn.ts";
import { invalidPayloads } from "./support/ven-xsd.ts";

const KW = { kind: "powerReal" as const, itemUnits: "W" as const, siScaleCode: "k" as const, powerAttributes: { hertz: 50, voltage: 230, ac: true } };

describe("OpenADR VEN: events -> neutral messages -> devices -> oadrCreatedEvent (pull mode)", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let vtn: TestVtn;
  let hub: Hub | undefined;
  let ven: VenAdapter;
  let bus: NeutralMessage[];

  before(() => (pki = makePki()));
  after(() => pki.cleanup());

  beforeEach(async () => {
    memory.reset();
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    memory.set("ahu-1", "ao1", 55, 16);
    memory.set("ahu-2", "ao1", 55, 16);
    memory.set("battery-1", "0xDA", 0x46);
    vtn = await TestVtn.start(pki);
  });
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
    await vtn.stop();
    assert.deepEqual(invalidPayloads(vtn.received.map((r) => ({ name: r.message.type, xml: r.xml }))), [], "every payload the VEN sent validates against oadr_20b.xsd");
  });

  async function start(venConfig: Record<string, unknown> = {}) {
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, ven: venConfig }));
    bus = collect(hub, ["LoadGenerationManagement", "Emergency", "PriceEnvironmentProfile", "TemperatureProfile", "Result"]);
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
  }

  /** Puts the event list on the VTN and hands it out at the next poll. */
  function distribute(...events: OadrEvent[]) {
    vtn.events = events;
    vtn.pollQueue.push(vtn.distribute());
  }

  const responses = () => vtn.of("oadrCreatedEvent").flatMap((c) => c.eventResponses ?? []);
  const ahu = (id: string) => memory.point(id, "av3").priorities[9];

  it("SIMPLE level 2 becomes a LoadGenerationManagement; devices are written, optIn goes back, and they are restored at the end", async () => {
    await start();
    distribute(event({ id: "ev-1", start: secondsFromNow(-1), durationS: 2, signals: [simple([2])] }));
    await until(() => responses().length === 1, 5000, "oadrCreatedEvent");
    const created = vtn.of("oadrCreatedEvent")[0]!;
    assert.deepEqual(created.eiResponse, { responseCode: 200, responseDescription: "OK", requestID: "" }, "2.0b: eiResponse requestID empty beside eventResponses");
    const [answer] = responses();
    assert.deepEqual([answer!.responseCode, answer!.qualifiedEventID, answer!.optType], [200, { eventID: "ev-1", modificationNumber: 0 }, "optIn"]);
    assert.match(answer!.requestID, /^dist-/, "the eventResponse carries the oadrDistributeEvent's requestID");
    const lgm = bus.find((m) => m.type === "LoadGenerationManagement");
    assert.ok(lgm && lgm.type === "LoadGenerationManagement");
    assert.deepEqual(lgm.origin, { protocol: "openadr", ref: "ev-1" });
    assert.deepEqual(lgm.targets, [{ kind: "all" }]);
    assert.deepEqual([lgm.body.request, lgm.body.direction, lgm.body.urgency, lgm.body.mandatory], ["decrease", "consumption", "high", false]);
    assert.equal(ahu("ahu-1"), 24, "zone setpoint +2 K at priority 9");
    assert.equal(memory.point("ahu-1", "ao1").priorities[9], 70);
    assert.equal(ahu("ahu-2"), 23);
    assert.deepEqual(ven.events()[0]!.results, { "ahu-1": "successful", "ahu-2": "successful" });
    assert.equal(ven.events()[0]!.status, "active");
    await until(() => ahu("ahu-1") === undefined && ahu("ahu-2") === undefined, 5000, "relinquished at the end");
    assert.equal(memory.point("ahu-1", "av3").value, 22);
    await until(() => ven.events()[0]!.status === "completed", 3000, "completed");
    await until(async () => (await hub!.store.listEvents()).find((e) => e.ref === "ev-1")?.state === "completed", 2000, "the hub's event record");
    const record = (await hub!.store.listEvents()).find((e) => e.ref === "ev-1");
    assert.deepEqual([record?.optState, record?.protocol, record?.modification], ["optIn", "openadr", 0]);
  });

  it("modifications supersede by modificationNumber, repeats are not answered again, and a stale one gets 450 and changes nothing", async () => {
    await start();
    const start0 = secondsFromNow(-1);
    distribute(event({ id: "ev-2", start: start0, durationS: 30, signals: [simple([2])] }));
    await until(() => ahu("ahu-1") === 24, 5000, "level 2");
    distribute(event({ id: "ev-2", mod: 1, start: start0, durationS: 30, signals: [simple([1])] }));
    await until(() => ahu("ahu-1") === 23, 5000, "modified to level 1");
    await until(() => responses().length === 2, 3000, "answer to the modification");
    assert.deepEqual(responses()[1]!.qualifiedEventID, { eventID: "ev-2", modificationNumber: 1 });
    assert.equal(memory.point("ahu-1", "ao1").priorities[9], undefined, "the level-2 fan limit went with the superseded message");
    assert.equal(hub!.actuator.active().filter((a) => a.device === "ahu-1").length, 1);
    distribute(event({ id: "ev-2", mod: 1, start: start0, durationS: 30, signals: [simple([1])] }));
    distribute(event({ id: "ev-2", mod: 0, start: start0, durationS: 30, signals: [simple([2])] }));
    await until(() => responses().length === 3, 5000, "answer to the stale one");
    assert.deepEqual([responses()[2]!.responseCode, responses()[2]!.qualifiedEventID.modificationNumber], [450, 0]);
    assert.equal(ahu("ahu-1"), 23, "the stale modification changed nothing");
    assert.equal(ven.events()[0]!.modificationNumber, 1);
    distribute(event({ id: "ev-2", mod: 0, start: start0, durationS: 30, signals: [simple([2])] }));
    await until(() => vtn.pollQueue.length === 0, 3000, "taken");
    await new Promise((ok) => setTimeout(ok, 400));
    assert.equal(responses().length, 3, "a stale modification is answered once, not at every poll");
  });

  it("a cancellation (eventStatus cancelled) ends the messages and restores the devices; an unknown one gets 452", async () => {
    await start();
    const start0 = secondsFromNow(-1);
    distribute(event({ id: "ev-3", start: start0, durationS: 60, signals: [simple([2])] }));
    await until(() => ahu("ahu-1") === 24, 5000, "active");
    distribute(event({ id: "ev-3", mod: 1, status: "cancelled", start: start0, durationS: 60, signals: [simple([2])] }),
      event({ id: "ghost", mod: 3, status: "cancelled", start: start0, durationS: 60, signals: [simple([2])] }));
    await until(() => ahu("ahu-1") === undefined, 5000, "restored");
    await until(() => responses().length === 3, 5000, "answers");
    const byId = Object.fromEntries(responses().slice(1).map((r) => [r.qualifiedEventID.eventID, r]));
    assert.deepEqual([byId["ev-3"]!.responseCode, byId["ev-3"]!.optType], [200, "optIn"]);
    assert.deepEqual([byId.ghost!.responseCode, byId.ghost!.optType], [452, "optOut"]);
    assert.deepEqual(ven.events().map((e) => [e.eventID, e.status]), [["ev-3", "cancelled"]], "the unknown event was not stored");
    assert.equal(hub!.actuator.active().length, 0);
  });

  it("an event missing from the VTN's list is cancelled (implied cancel) without an answer", async () => {
    await start();
    distribute(event({ id: "ev-4", start: secondsFromNow(-1), durationS: 60, signals: [simple([1])] }));
    await until(() => ahu("ahu-1") === 23, 5000, "active");
    distribute();
    await until(() => ahu("ahu-1") === undefined, 5000, "restored");
    assert.equal(ven.events()[0]!.status, "cancelled");
    assert.equal(responses().length, 1);
  });

  it("responseRequired=never: followed, but no oadrCreatedEvent", async () => {
    await start();
    distribute(event({ id: "ev-5", start: secondsFromNow(-1), durationS: 60, signals: [simple([1])], responseRequired: "never" }));
    await until(() => ahu("ahu-1") === 23, 5000, "active");
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(vtn.of("oadrCreatedEvent").length, 0);
  });

  it("status follows the schedule and the VEN's clock: far, near (rampUp), active, completed", async () => {
    await start();
    distribute(event({ id: "ev-6", start: secondsFromNow(2), durationS: 1, signals: [simple([1])], rampUp: "PT1S" }));
    await until(() => ven.events().length === 1, 5000, "received");
    const seen = new Set<string>();
    await until(() => {
      seen.add(ven.events()[0]!.status);
      return seen.has("completed");
    }, 8000, "completed");
    assert.deepEqual([...seen], ["far", "near", "active", "completed"]);
    await until(async () => (await hub!.store.listEvents()).find((e) => e.ref === "ev-6")?.state === "completed", 2000, "the hub's event record");
  });

  it("randomizes start and end by up to startafter, keeping the duration, and keeps the draw for a repeat", async () => {
    await start();
    const start0 = secondsFromNow(10);
    distribute(event({ id: "ev-7", start: start0, durationS: 5, signals: [simple([1], 5)], startafter: "PT4S" }));
    await until(() => ven.events().length === 1, 5000, "received");
    const v = ven.events()[0]!;
    const offset = Date.parse(v.start) - start0;
    assert.ok(offset >= 0 && offset < 4000, `offset ${offset} within startafter`);
    assert.equal(Date.parse(v.end) - Date.parse(v.start), 5000);
    const lgm = bus.find((m) => m.type === "LoadGenerationManagement")!;
    assert.deepEqual(lgm.validity, { start: v.start, end: v.end });
    distribute(event({ id: "ev-7", mod: 1, start: start0, durationS: 5, signals: [simple([2], 5)], startafter: "PT4S" }));
    await until(() => ven.events()[0]!.modificationNumber === 1, 5000, "modified");
    assert.equal(ven.events()[0]!.start, v.start, "a modification with the same startafter keeps the drawn offset");
  });

  it("one message per run of SIMPLE levels: 1 then 3 (Emergency) then 0; each ends on its own", async () => {
    await start();
    const t0 = secondsFromNow(-1);
    distribute(event({ id: "ev-8", start: t0, durationS: 6, signals: [simple([1, 3, 0], 2)] }));
    await until(() => ahu("ahu-1") === 23, 5000, "level 1");
    const [lgm, emergency] = bus.filter((m) => m.type === "LoadGenerationManagement" || m.type === "Emergency");
    assert.deepEqual([lgm!.type, lgm!.origin?.ref, lgm!.validity], ["LoadGenerationManagement", "ev-8", { start: xcal(t0).replace("Z", ".000Z"), end: new Date(t0 + 2000).toISOString() }]);
    assert.deepEqual([emergency!.type, emergency!.origin?.ref, emergency!.body], ["Emergency", "ev-8/1", { phase: "start", mode: "network-standby", level: 3 }]);
    await until(() => memory.point("battery-1", "0xDA").value === 0x44 && memory.point("ahu-1", "ao1").priorities[9] === 0, 5000,
      "emergency: battery standby, fans off");
    await until(() => memory.point("battery-1", "0xDA").value === 0x46 && memory.point("ahu-1", "ao1").priorities[9] === undefined, 5000, "level 0: all restored");
    assert.equal(ahu("ahu-1"), undefined);
  });

  it("ELECTRICITY_PRICE becomes a PriceEnvironmentProfile with per-interval prices in the signal's currency", async () => {
    await start();
    const price = { kind: "currencyPerKWh" as const, itemDescription: "currencyPerKWh" as const, itemUnits: "USD", siScaleCode: "none" as const };
    distribute(event({ id: "ev-9", start: secondsFromNow(60), durationS: 7200, signals: [signal("ELECTRICITY_PRICE", "price", [0.12, 0.31], price, 3600)] }));
    await until(() => responses().length === 1, 5000, "answered");
    const p = bus.find((m) => m.type === "PriceEnvironmentProfile");
    assert.ok(p && p.type === "PriceEnvironmentProfile");
    assert.deepEqual(p.body.slots, [
      { duration: "PT1H", binding: "binding", price: { value: 0.12, unit: "currency/kWh", currency: "USD" } },
      { duration: "PT1H", binding: "binding", price: { value: 0.31, unit: "currency/kWh", currency: "USD" } },
    ]);
    assert.equal(responses()[0]!.optType, "optIn", "a price is information: no device has to answer it");
  });

  it("LOAD_DISPATCH setpoints carry their kW as power; LOAD_CONTROL capacity becomes a relative limit", async () => {
    await start();
    distribute(
      event({ id: "ev-10", start: secondsFromNow(60), durationS: 4, signals: [signal("LOAD_DISPATCH", "setpoint", [12.5, 8], KW)] }),
      event({ id: "ev-11", start: secondsFromNow(60), durationS: 2, signals: [signal("LOAD_CONTROL", "x-loadControlCapacity", [0.7])] }),
    );
    await until(() => bus.filter((m) => m.type === "LoadGenerationManagement").length === 2, 5000, "two messages");
    const [dispatch, control] = bus.filter((m) => m.type === "LoadGenerationManagement") as Extract<NeutralMessage, { type: "LoadGenerationManagement" }>[];
    assert.deepEqual([dispatch!.body.request, dispatch!.body.slots], ["setpoint", [
      { duration: "PT2S", power: { value: 12.5, multiplier: 3, unit: "W" } }, { duration: "PT2S", power: { value: 8, multiplier: 3, unit: "W" } }]]);
    assert.deepEqual([control!.body.request, control!.body.slots], ["limit", [{ duration: "PT2S", relative: 70 }]]);
  });

  it("refuses a signal the grid table does not name (460) and units that do not fit (454), publishing nothing", async () => {
    await start();
    const energy = { kind: "energyReal" as const, siScaleCode: "none" as const };
    distribute(
      event({ id: "ev-12", start: secondsFromNow(60), durationS: 2, signals: [signal("BID_PRICE", "price", [1])] }),
      event({ id: "ev-13", start: secondsFromNow(60), durationS: 2, signals: [signal("LOAD_DISPATCH", "setpoint", [5], energy)] }),
    );
    await until(() => responses().length === 2, 5000, "answers");
    assert.deepEqual(responses().map((r) => [r.qualifiedEventID.eventID, r.responseCode, r.optType]), [["ev-12", 460, "optOut"], ["ev-13", 454, "optOut"]]);
    assert.equal(bus.length, 0);
    assert.deepEqual(ven.events(), []);
  });

  it("targets: a groupID reaches the hub group, a resourceID its device, and unknown ones are a target mismatch (462)", async () => {
    await start();
    distribute(
      event({ id: "ev-14", start: secondsFromNow(-1), durationS: 60, signals: [simple([1])], target: { groupID: ["hvac"] } }),
      event({ id: "ev-15", start: secondsFromNow(-1), durationS: 60, signals: [signal("LOAD_CONTROL", "x-loadControlPercentOffset", [10])], target: { resourceID: ["nowhere"] } }),
    );
    await until(() => responses().length === 2, 5000, "answers");
    assert.deepEqual(responses().map((r) => [r.responseCode, r.optType]), [[200, "optIn"], [462, "optOut"]]);
    assert.deepEqual(bus.find((m) => m.type === "LoadGenerationManagement")!.targets, [{ kind: "group", id: "hvac" }]);
    assert.equal(ahu("ahu-1"), 23);
    distribute(event({ id: "ev-14", mod: 1, start: secondsFromNow(-1), durationS: 60, signals: [simple([2])], target: { resourceID: ["ahu-2"] } }));
    await until(() => ahu("ahu-2") === 23 && ahu("ahu-1") === undefined, 5000, "only ahu-2");
    const last = bus.filter((m) => m.type === "LoadGenerationManagement").at(-1)!;
    assert.deepEqual(last.targets, [{ kind: "device", id: "ahu-2" }]);
  });

  it("refuses events of a market context the VEN does not serve (452)", async () => {
    await start({ marketContexts: ["http://market.example.com/other"] });
    distribute(event({ id: "ev-16", start: secondsFromNow(-1), durationS: 60, signals: [simple([1])] }));
    await until(() => responses().length === 1, 5000, "answer");
    assert.deepEqual([responses()[0]!.responseCode, responses()[0]!.optType], [452, "optOut"]);
    assert.equal(ahu("ahu-1"), undefined);
  });

  it("opts out when every device fails, and turns a later failure into an oadrCreateOpt optOut for that event", async () => {
    await start();
    for (const d of ["ahu-1", "ahu-2", "battery-1"]) memory.offline.add(d);
    distribute(event({ id: "ev-17", start: secondsFromNow(-1), durationS: 60, signals: [simple([3])] }));
    await until(() => responses().length === 1, 5000, "answer");
    assert.equal(responses()[0]!.optType, "optOut");
    assert.deepEqual(ven.events()[0]!.results, { "ahu-1": "unsuccessful", "ahu-2": "unsuccessful", "battery-1": "unsuccessful" });
    distribute(event({ id: "ev-18", start: secondsFromNow(2), durationS: 60, signals: [simple([3])] }));
    await until(() => responses().length === 2, 5000, "answer");
    assert.equal(responses()[1]!.optType, "optIn", "nothing had failed yet when it was answered");
    await until(() => vtn.of("oadrCreateOpt").length === 1, 6000, "oadrCreateOpt");
    const opt = vtn.of("oadrCreateOpt")[0]!;
    assert.deepEqual([opt.optType, opt.optReason, opt.qualifiedEventID], ["optOut", "notParticipating", { eventID: "ev-18", modificationNumber: 0 }]);
    assert.equal(ven.events().find((e) => e.eventID === "ev-18")!.optType, "optOut");
  });

  it("the operator opts out of an event (oadrCreateOpt, devices restored) and an unknown eventID is refused with 452", async () => {
    await start();
    distribute(event({ id: "ev-19", start: secondsFromNow(-1), durationS: 60, signals: [simple([2])] }));
    await until(() => ahu("ahu-1") === 24, 5000, "active");
    await ven.optEvent("ev-19", "optOut", "overrideStatus");
    await until(() => ahu("ahu-1") === undefined, 3000, "restored");
    await until(() => vtn.of("oadrCreateOpt").length === 1, 3000, "oadrCreateOpt");
    assert.deepEqual([vtn.of("oadrCreateOpt")[0]!.optType, vtn.of("oadrCreateOpt")[0]!.optReason], ["optOut", "overrideStatus"]);
    await assert.rejects(ven.optEvent("nope", "optOut"), (e: Error & { code?: number }) => e.code === 452);
    await ven.optEvent("ev-19", "optIn");
    await until(() => ahu("ahu-1") === 24, 3000, "back in");
  });

  it("an optOut availability schedule (oadrCreateOpt with vavailability) makes the VEN opt out of events in its window", async () => {
    await start();
    const optID = await ven.createOptSchedule({ optType: "optOut", optReason: "x-schedule", windows: [{ dtstart: xcal(secondsFromNow(-5)), duration: "PT1H" }] });
    await until(() => vtn.of("oadrCreateOpt").length === 1, 3000, "oadrCreateOpt");
    const sent = vtn.of("oadrCreateOpt")[0]!;
    assert.deepEqual([sent.optID, sent.optType, sent.vavailability?.length, sent.eiTarget], [optID, "optOut", 1, { venID: [ven.registration()!.venID] }]);
    distribute(event({ id: "ev-20", start: secondsFromNow(-1), durationS: 60, signals: [simple([2])] }));
    await until(() => responses().length === 1, 5000, "answer");
    assert.equal(responses()[0]!.optType, "optOut");
    assert.equal(ahu("ahu-1"), undefined);
    await ven.cancelOptSchedule(optID);
    await until(() => vtn.of("oadrCancelOpt").length === 1, 3000, "oadrCancelOpt");
    assert.equal(vtn.of("oadrCancelOpt")[0]!.optID, optID);
    await assert.rejects(ven.cancelOptSchedule(optID), (e: Error & { code?: number }) => e.code === 452);
  });
});
