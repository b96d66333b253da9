import assert from "node:assert/strict";
import { makeMessage } from "gridhub/model";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import { until } from "../../../test/helpers.ts";
import type { Hub } from "../../../src/hub/hub.ts";
import type { OadrMessageOf, OadrReport, ReportPayload, ResourceStatus } from "../src/codec/index.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { event, reportRequest, secondsFromNow, simple, xcal } from "./support/ven-events.ts";
import { startVenHub } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";
import { TestVtn } from "./support/ven-test-vtn.ts";
import { invalidPayloads } from "./support/ven-xsd.ts";

describe("OpenADR VEN: reports (METADATA, TELEMETRY_USAGE/STATUS, HISTORY_USAGE, cancel, durable queue)", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let vtn: TestVtn;
  let hub: Hub | undefined;
  let ven: VenAdapter;

  before(() => (pki = makePki()));
  after(() => pki.cleanup());
  beforeEach(async () => {
    memory.reset();
    memory.set("battery-1", "0xD3", 1500);
    memory.set("battery-1", "0xDA", 0x46);
    memory.set("pv-1", "W", 32);
    memory.set("ahu-1", "ai1", 14.5);
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    vtn = await TestVtn.start(pki);
  });
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
    await vtn.stop();
    assert.deepEqual(invalidPayloads(vtn.received.map((r) => ({ name: r.message.type, xml: r.xml }))), [], "every payload the VEN sent validates against oadr_20b.xsd");
  });

  async function start(store?: string) {
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, ...(store ? { store } : {}) }));
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
  }

  const updates = (id: string) => vtn.of("oadrUpdateReport").flatMap((u) => u.reports).filter((r) => r.reportRequestID === id);
  const values = (r: OadrReport) => Object.fromEntries(r.intervals!.at(-1)!.payloads.map((p: ReportPayload) => [p.rID, p.payload]));

  it("registers METADATA reports describing the site's real points with their units, and the devices' status", async () => {
    await start();
    const [metadata] = vtn.of("oadrRegisterReport");
    const byName: Record<string, OadrReport> = Object.fromEntries(metadata!.reports.map((r) => [r.reportName, r]));
    assert.deepEqual(Object.keys(byName).sort(), ["METADATA_HISTORY_USAGE", "METADATA_TELEMETRY_STATUS", "METADATA_TELEMETRY_USAGE"]);
    assert.ok(metadata!.reports.every((r) => r.reportRequestID === "0"));
    const usage = Object.fromEntries(byName.METADATA_TELEMETRY_USAGE!.reportDescriptions.map((d) => [d.rID, d]));
    assert.deepEqual(Object.keys(usage).sort(), [
      "ahu-1/fan_speed_pct", "ahu-1/supply_temp_c", "ahu-1/zone_setpoint_c", "ahu-2/fan_speed_pct", "ahu-2/supply_temp_c", "ahu-2/zone_setpoint_c",
      "battery-1/charge_power_w", "battery-1/discharge_power_w", "battery-1/instantaneous_w", "battery-1/soc_percent",
      "pv-1/ac_power_w", "pv-1/w_max_lim_pct",
    ], "readable numeric points with a unit; enums (operation_mode, w_max_lim_ena) are not usage data");
    const w = usage["battery-1/instantaneous_w"]!;
    assert.deepEqual([w.reportType, w.readingType, w.itemBase, w.reportDataSource], ["usage", "Direct Read",
      { kind: "powerReal", itemUnits: "W", siScaleCode: "none", powerAttributes: { hertz: 50, voltage: 230, ac: true } }, { resourceID: ["battery-1"] }]);
    assert.deepEqual(usage["ahu-1/supply_temp_c"]!.itemBase, { kind: "temperature", itemUnits: "celsius", siScaleCode: "none" });
    assert.deepEqual(usage["ahu-1/supply_temp_c"]!.samplingRate, { minPeriod: "PT1S", maxPeriod: "PT1H", onChange: false });
    const status = byName.METADATA_TELEMETRY_STATUS!.reportDescriptions;
    assert.deepEqual(status.map((d) => [d.rID, d.reportType, d.readingType]), ["ahu-1", "ahu-2", "battery-1", "pv-1"].map((d) => [`${d}/status`, "x-resourceStatus", "x-notApplicable"]));
  });

  it("answers report requests in oadrRegisteredReport with oadrCreatedReport, then sends TELEMETRY_USAGE and TELEMETRY_STATUS every period", async () => {
    vtn.reportRequests = () => [
      reportRequest("rr-usage", "telemetry-usage", ["battery-1/instantaneous_w", "pv-1/ac_power_w", "ahu-1/supply_temp_c"]),
      reportRequest("rr-status", "telemetry-status", ["ahu-1/status", "battery-1/status"]),
    ];
    await start();
    await until(() => vtn.of("oadrCreatedReport").length === 1, 5000, "oadrCreatedReport");
    assert.deepEqual(vtn.of("oadrCreatedReport")[0]!.pendingReports, ["rr-usage", "rr-status"]);
    await until(() => updates("rr-usage").length >= 1 && updates("rr-status").length >= 1, 5000, "first reports");
    const u = updates("rr-usage")[0]!;
    assert.deepEqual([u.reportName, u.reportSpecifierID, u.intervals!.length, u.intervals![0]!.duration], ["TELEMETRY_USAGE", "telemetry-usage", 1, "PT1S"]);
    assert.deepEqual(values(u), { "battery-1/instantaneous_w": 1500, "pv-1/ac_power_w": 320, "ahu-1/supply_temp_c": 14.5 }, "engineering values (pv: raw 32 x scale 10)");
    assert.deepEqual(values(updates("rr-status")[0]!), { "ahu-1/status": { online: true, manualOverride: false }, "battery-1/status": { online: true, manualOverride: false } });
    memory.set("battery-1", "0xD3", -800);
    await until(() => values(updates("rr-usage").at(-1)!)["battery-1/instantaneous_w"] === -800, 5000, "new value");
    await hub!.bus.publish(makeMessage("DeviceStatus", { device: "battery-1", deviceClass: "storage-battery", at: new Date().toISOString(), state: "unreachable" },
      { source: "device:battery-1", targets: [{ kind: "cem", id: "ven-site" }] }));
    await until(() => (values(updates("rr-status").at(-1)!)["battery-1/status"] as ResourceStatus).online === false, 5000, "offline in TELEMETRY_STATUS");
  });

  it("leaves a point that has no value yet out of the interval instead of inventing one", async () => {
    vtn.reportRequests = () => [reportRequest("rr-gap", "telemetry-usage", ["pv-1/ac_power_w", "battery-1/charge_power_w"])];
    await start();
    await until(() => updates("rr-gap").length >= 1, 5000, "a report");
    assert.deepEqual(values(updates("rr-gap")[0]!), { "pv-1/ac_power_w": 320 });
  });

  it("reports a device that does not follow the running event as manualOverride", async () => {
    vtn.reportRequests = () => [reportRequest("rr-status", "telemetry-status", ["ahu-1/status", "ahu-2/status"])];
    await start();
    memory.offline.add("ahu-1");
    vtn.events = [event({ id: "ev-1", start: secondsFromNow(-1), durationS: 60, signals: [simple([3])] })];
    vtn.pollQueue.push(vtn.distribute());
    await until(() => {
      const last = updates("rr-status").at(-1);
      return !!last && (values(last)["ahu-1/status"] as ResourceStatus).manualOverride;
    }, 6000, "manualOverride");
    assert.equal((values(updates("rr-status").at(-1)!)["ahu-2/status"] as ResourceStatus).manualOverride, false);
  });

  it("oadrCreateReport: accepted all or none; unknown reports/rIDs get 452, unusable periods 454, and change nothing", async () => {
    await start();
    const create = (requestID: string, ...reportRequests: ReturnType<typeof reportRequest>[]): OadrMessageOf<"oadrCreateReport"> =>
      ({ type: "oadrCreateReport", requestID, reportRequests, venID: ven.registration()!.venID });
    vtn.pollQueue.push(
      create("c-1", reportRequest("rr-1", "telemetry-usage", ["pv-1/ac_power_w"])),
      create("c-2", reportRequest("rr-2", "telemetry-usage", ["pv-1/ac_power_w"]), reportRequest("rr-3", "no-such-report", ["x"])),
      create("c-3", reportRequest("rr-4", "telemetry-usage", ["pv-1/nothing"])),
      create("c-4", reportRequest("rr-5", "telemetry-usage", ["pv-1/ac_power_w"], "PT0S", "PT1S")),
    );
    await until(() => vtn.of("oadrCreatedReport").length === 4, 5000, "four answers");
    const answers = Object.fromEntries(vtn.of("oadrCreatedReport").map((c) => [c.eiResponse.requestID, c]));
    assert.deepEqual([answers["c-1"]!.eiResponse.responseCode, answers["c-1"]!.pendingReports], [200, ["rr-1"]]);
    assert.deepEqual([answers["c-2"]!.eiResponse.responseCode, answers["c-2"]!.pendingReports], [452, ["rr-1"]], "rr-2 was not started either");
    assert.deepEqual([answers["c-3"]!.eiResponse.responseCode, answers["c-4"]!.eiResponse.responseCode], [452, 454]);
    assert.deepEqual(ven.pendingReports(), ["rr-1"]);
    await until(() => updates("rr-1").length >= 1, 5000, "rr-1 reports");
    assert.equal(updates("rr-2").length, 0);
  });

  it("oadrCancelReport stops a report (after a last one when reportToFollow); an unknown reportRequestID gets 452", async () => {
    vtn.reportRequests = () => [reportRequest("rr-a", "telemetry-usage", ["pv-1/ac_power_w"], "PT1S", "PT5S"), reportRequest("rr-b", "telemetry-usage", ["pv-1/ac_power_w"])];
    await start();
    await until(() => ven.pendingReports().length === 2, 5000, "running");
    const venID = ven.registration()!.venID;
    vtn.pollQueue.push({ type: "oadrCancelReport", requestID: "x-1", reportRequestIDs: ["rr-a", "rr-zz"], reportToFollow: false, venID });
    await until(() => vtn.of("oadrCanceledReport").length === 1, 5000, "refusal");
    assert.deepEqual([vtn.of("oadrCanceledReport")[0]!.eiResponse.responseCode, ven.pendingReports()], [452, ["rr-a", "rr-b"]]);
    vtn.pollQueue.push({ type: "oadrCancelReport", requestID: "x-2", reportRequestIDs: ["rr-a"], reportToFollow: true, venID });
    await until(() => vtn.of("oadrCanceledReport").length === 2, 5000, "canceled");
    const canceled = vtn.of("oadrCanceledReport")[1]!;
    assert.deepEqual([canceled.eiResponse.responseCode, canceled.eiResponse.requestID, canceled.pendingReports], [200, "x-2", ["rr-b"]]);
    assert.equal(updates("rr-a").length, 1, "the report to follow, sent before its 5 s period was over");
    assert.ok(vtn.received.findIndex((r) => r.message.type === "oadrUpdateReport" && r.message.reports[0]!.reportRequestID === "rr-a") <
      vtn.received.findIndex((r) => r.message.type === "oadrCanceledReport" && r.message.eiResponse.requestID === "x-2"));
  });

  it("a cancelReport inside oadrUpdatedReport stops the report and is answered with oadrCanceledReport", async () => {
    vtn.reportRequests = () => [reportRequest("rr-c", "telemetry-usage", ["pv-1/ac_power_w"])];
    vtn.responder = (r) => r.message.type === "oadrUpdateReport"
      ? { type: "oadrUpdatedReport", eiResponse: { responseCode: 200, requestID: r.message.requestID },
          cancelReport: { requestID: "stop-1", reportRequestIDs: ["rr-c"], reportToFollow: false } }
      : "default";
    await start();
    await until(() => vtn.of("oadrCanceledReport").length === 1, 5000, "canceled");
    assert.deepEqual([vtn.of("oadrCanceledReport")[0]!.eiResponse.requestID, ven.pendingReports()], ["stop-1", []]);
  });

  it("HISTORY_USAGE: one report from the stored telemetry, averaged per granularity", async () => {
    await start();
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000; // well before the hub's own first poll
    await hub!.store.appendTelemetry([10, 20, 30, 50].map((value, i) => ({ device: "ahu-1", point: "supply_temp_c", ts: new Date(t0 + i * 25_000).toISOString(), value })));
    vtn.pollQueue.push({ type: "oadrCreateReport", requestID: "h-1", reportRequests: [
      reportRequest("rr-h", "history-usage", ["ahu-1/supply_temp_c"], "PT1M", "PT0S", { dtstart: xcal(t0), duration: "PT2M" }),
    ] });
    await until(() => updates("rr-h").length === 1, 5000, "history report");
    const h = updates("rr-h")[0]!;
    assert.deepEqual([h.reportName, h.dtstart, h.duration], ["HISTORY_USAGE", new Date(t0).toISOString(), "PT2M"]);
    assert.deepEqual(h.intervals!.map((i) => [i.dtstart, i.duration, i.payloads[0]!.payload]),
      [[new Date(t0).toISOString(), "PT1M", 20], [new Date(t0 + 60_000).toISOString(), "PT1M", 50]]);
    assert.deepEqual(ven.pendingReports(), [], "a history report is sent once");
  });

  it("queues reports while the VTN is down for 3 periods and delivers each once, in order, when it returns", async () => {
    vtn.reportRequests = () => [reportRequest("rr-d", "telemetry-usage", ["battery-1/instantaneous_w"])];
    await start();
    await until(() => updates("rr-d").length >= 1, 5000, "first report");
    await vtn.stop();
    await until(async () => (await ven.queueDepth()) >= 3, 8000, "three periods queued");
    const queuedAt = new Date().toISOString();
    await vtn.restart();
    await until(async () => (await ven.queueDepth()) === 0 && updates("rr-d").some((r) => r.createdDateTime > queuedAt), 8000, "backlog delivered");
    const sent = vtn.of("oadrUpdateReport").filter((u) => u.reports[0]!.reportRequestID === "rr-d");
    const starts = sent.map((u) => Date.parse(u.reports[0]!.dtstart!));
    assert.equal(new Set(sent.map((u) => u.requestID)).size, sent.length, "no report arrived twice");
    assert.equal(new Set(starts).size, starts.length);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "in the order they were made");
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! < 1600, `no period lost between report ${i - 1} and ${i}`);
    assert.ok(sent.filter((u) => u.reports[0]!.createdDateTime < queuedAt).length >= 4, "the first report and the 3 made while the VTN was down");
  });
});
