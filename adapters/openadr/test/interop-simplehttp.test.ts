/**
 * Our VEN against our VTN, each inside its own Hub, over mutual TLS on 127.0.0.1: every 2.0b service, in pull mode
 * (ven1 polls) and push mode (ven2 gets POSTs). The VTN is driven through its operator API, the VENs through their
 * adapter API; both sides are checked.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import type { HubConfigInput } from "../../../src/config/schema.ts";
import { Hub } from "../../../src/hub/hub.ts";
import { quiet, tempDir, until } from "../../../test/helpers.ts";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { inMinutes, makePki, operator, sqliteStores, startVtnHub, tlsFiles, vtnConfig, type Pki, type VtnHub } from "./support/vtn-fixtures.ts";

const REPO = resolve(import.meta.dirname, "../../..");
const MAPPINGS = resolve(REPO, "test/fixtures/mappings");

function venHubConfig(pki: Pki, leaf: string, vtnUrl: string, store: string, devices: string[], ven: Record<string, unknown> = {}): HubConfigInput {
  return {
    site: { id: `site-${leaf}` },
    log: { level: "silent" },
    store: { path: store, synchronous: "NORMAL" },
    api: { enabled: false },
    mappings: [MAPPINGS, resolve(REPO, "mappings/openadr")],
    adapters: {
      mem: { package: resolve(REPO, "test/fixtures/memory-adapter.ts") },
      ven: {
        package: "@gridhub/openadr",
        config: {
          role: "ven", vtnUrl, venName: leaf, tls: tlsFiles(pki, leaf), pollInterval: "200ms", mappings: [MAPPINGS],
          retry: { initial: "100ms", max: "400ms" }, http: { timeout: "3s" }, ...ven,
        },
      },
    },
    devices: devices.map((id) => ({ id, adapter: "mem", table: "ahu/memory", address: { id }, groups: ["hvac"] })),
  };
}

interface VtnVen { venID: string; registered: boolean; httpPullModel: boolean; transportAddress?: string; registeredAt: string }
interface VtnEventView { modificationNumber: number; vens: { venID: string; optState: string; modificationNumber?: number; via?: string }[] }
interface VtnReports { metadata: { reportName: string }[]; requests: { reportRequestID: string; reportName?: string; state: string }[] }

describe("OpenADR interop: our VEN and our VTN over mutual TLS (simpleHTTP, pull and push)", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let pki: Pki;
  let vtn: VtnHub;
  const hubs: Hub[] = [];
  let pull: VenAdapter;
  let push: VenAdapter;
  const api = <T = any>(method: string, path: string, body?: unknown) => operator<T>(vtn.apiBase, method, path, body); // eslint-disable-line @typescript-eslint/no-explicit-any
  const venPath = (v: VenAdapter) => `/vens/${encodeURIComponent(v.identity.openadrFingerprint)}`;
  const both = () => [pull, push];

  before(async function () {
    this.timeout(90_000);
    tmp = tempDir("gridhub-interop-");
    pki = makePki();
    vtn = await startVtnHub(await sqliteStores(tmp.dir).fresh(), vtnConfig(pki, {
      reports: [{ reportName: "TELEMETRY_USAGE", granularity: "PT1S", reportBackDuration: "PT1S" }],
      push: { timeoutMs: 3000, retryMs: 300 },
    }));
    const start = async (leaf: string, devices: string[], ven: Record<string, unknown> = {}) => {
      const hub = await Hub.start(venHubConfig(pki, leaf, vtn.url, resolve(tmp.dir, `${leaf}.db`), devices, ven), { baseDir: REPO, logger: quiet });
      hubs.push(hub);
      return hub.adapters.get("ven")!.adapter as VenAdapter;
    };
    for (const [i, id] of ["ahu-1", "ahu-2", "ahu-8", "ahu-9"].entries()) memory.set(id, "ai1", 14 + i);
    pull = await start("ven1", ["ahu-1", "ahu-2"]);
    push = await start("ven2", ["ahu-8", "ahu-9"], { push: { host: "127.0.0.1", port: 0 } });
  });
  after(async () => {
    for (const h of hubs) await h.stop();
    await vtn?.stop();
    pki?.cleanup();
    tmp?.cleanup();
  });

  it("registers both VENs: venIDs bound to their certificates, pull and push with a transport address", async () => {
    await until(async () => (await api<VtnVen[]>("GET", "/vens")).body.filter((v) => v.registered).length === 2, 15_000, "two registrations");
    const vens = (await api<VtnVen[]>("GET", "/vens")).body;
    const p = vens.find((v) => v.venID === pull.identity.openadrFingerprint)!;
    const q = vens.find((v) => v.venID === push.identity.openadrFingerprint)!;
    assert.equal(p.httpPullModel, true);
    assert.equal(q.httpPullModel, false);
    assert.equal(q.transportAddress, push.pushUrl());
    for (const v of both()) {
      await until(() => v.registration() !== undefined, 5000, "the VEN's view of its registration");
      assert.equal(v.registration()!.venID, v.identity.openadrFingerprint);
    }
  });

  it("registers METADATA, answers the TELEMETRY_USAGE request, and the VTN stores the reported data", async () => {
    for (const v of both()) {
      await until(async () => (await api<VtnReports>("GET", `${venPath(v)}/reports`)).body.requests.some((r) => r.state === "active"), 15_000, "an active report");
      const reports = (await api<VtnReports>("GET", `${venPath(v)}/reports`)).body;
      assert.ok(reports.metadata.some((m) => m.reportName === "METADATA_TELEMETRY_USAGE"));
      await until(async () => (await api<unknown[]>("GET", `${venPath(v)}/reports/data`)).body.length > 0, 15_000, "report data");
      assert.ok(v.pendingReports().length >= 1);
    }
  });

  it("delivers an event (poll and push), gets optIn from both, then a modification and a cancellation", async () => {
    const venIDs = both().map((v) => v.identity.openadrFingerprint);
    const body = {
      eventID: "interop-1",
      activePeriod: { dtstart: inMinutes(30), duration: "PT30M" },
      signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT30M", signalPayload: 1 }] }],
      targets: { venID: venIDs },
    };
    assert.equal((await api("POST", "/events", body)).status, 201);
    const answered = async (mod: number) => {
      const view = (await api<VtnEventView>("GET", "/events/interop-1")).body;
      return view.vens.length === 2 && view.vens.every((v) => v.optState === "optIn" && v.modificationNumber === mod);
    };
    await until(() => answered(0), 15_000, "both VENs opted in");
    for (const v of both()) assert.deepEqual(v.events().map((e) => [e.eventID, e.modificationNumber, e.status]), [["interop-1", 0, "far"]]);

    assert.equal((await api("PATCH", "/events/interop-1", { signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT30M", signalPayload: 2 }] }] })).status, 200);
    await until(() => answered(1), 15_000, "both VENs answered modification 1");
    for (const v of both()) assert.equal(v.events()[0].modificationNumber, 1);

    assert.equal((await api("POST", "/events/interop-1/cancel", {})).status, 200);
    for (const v of both()) await until(() => v.events().find((e) => e.eventID === "interop-1")?.status === "cancelled", 15_000, "the VEN saw the cancellation");
  });

  it("a per-event opt from the VEN (oadrCreateOpt with the event) reaches the VTN", async () => {
    assert.equal((await api("POST", "/events", {
      eventID: "interop-2", activePeriod: { dtstart: inMinutes(60), duration: "PT30M" },
      signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT30M", signalPayload: 1 }] }],
      targets: { venID: [pull.identity.openadrFingerprint] },
    })).status, 201);
    await until(() => pull.events().some((e) => e.eventID === "interop-2"), 15_000, "the event at the VEN");
    await pull.optEvent("interop-2", "optOut");
    await until(async () => {
      const v = (await api<VtnEventView>("GET", "/events/interop-2")).body.vens[0];
      return v?.optState === "optOut" && v.via === "opt";
    }, 15_000, "optOut recorded at the VTN");
  });

  it("an opt schedule (create, cancel) reaches the VTN and decides which new events reach the VEN", async () => {
    const optID = await pull.createOptSchedule({ optType: "optOut", optReason: "mustRun", windows: [{ dtstart: inMinutes(50), duration: "PT1H" }] });
    await until(async () => (await api<{ optID: string }[]>("GET", `${venPath(pull)}/opts`)).body.some((o) => o.optID === optID), 15_000, "the schedule at the VTN");
    assert.equal((await api<VtnEventView>("GET", "/events/interop-2")).body.vens[0]?.via, "schedule");
    assert.equal((await api("POST", "/events", {
      eventID: "interop-3", activePeriod: { dtstart: inMinutes(70), duration: "PT10M" },
      signals: [{ signalName: "SIMPLE", signalType: "level", intervals: [{ duration: "PT10M", signalPayload: 1 }] }],
      targets: { venID: [pull.identity.openadrFingerprint] },
    })).status, 201);
    await until(async () => (await vtn.hub.store.queueDepth(`vtn:ven:${pull.identity.openadrFingerprint}`)) === 0, 15_000, "the VEN polled");
    assert.ok(!pull.events().some((e) => e.eventID === "interop-3"), "not sent while the VEN is unavailable");
    await pull.cancelOptSchedule(optID);
    await until(async () => !(await api<{ optID: string }[]>("GET", `${venPath(pull)}/opts`)).body.some((o) => o.optID === optID), 15_000, "the schedule cancelled");
    await until(() => pull.events().some((e) => e.eventID === "interop-3"), 15_000, "the event reaches the VEN");
  });

  it("the operator requests and cancels a TELEMETRY_STATUS report (poll and push)", async () => {
    for (const v of both()) {
      const asked = await api<{ reportRequestID: string }>("POST", `${venPath(v)}/report-requests`, { reportName: "TELEMETRY_STATUS", granularity: "PT1S", reportBackDuration: "PT1S" });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      const id = asked.body.reportRequestID;
      await until(() => v.pendingReports().includes(id), 15_000, "the VEN runs the report");
      await until(async () => (await api<VtnReports>("GET", `${venPath(v)}/reports`)).body.requests.find((r) => r.reportRequestID === id)?.state === "active", 15_000, "confirmed");
      assert.equal((await api("DELETE", `${venPath(v)}/report-requests/${id}`)).status, 202);
      await until(() => !v.pendingReports().includes(id), 15_000, "the VEN stopped the report");
      await until(async () => (await api<VtnReports>("GET", `${venPath(v)}/reports`)).body.requests.find((r) => r.reportRequestID === id)?.state === "cancelled", 15_000, "cancelled at the VTN");
    }
  });

  it("the VTN asks for re-registration and the VEN registers again", async () => {
    for (const v of both()) {
      const before = (await api<VtnVen>("GET", venPath(v))).body.registeredAt;
      assert.equal((await api("POST", `${venPath(v)}/reregister`)).status, 202);
      await until(async () => (await api<VtnVen>("GET", venPath(v))).body.registeredAt !== before, 15_000, "a new registration");
    }
  });

  it("a VEN cancels its registration (oadrCancelPartyRegistration)", async () => {
    await push.cancelRegistration();
    const v = (await api<VtnVen>("GET", venPath(push))).body;
    assert.equal(v.registered, false);
    assert.equal(push.registration(), undefined);
  });
});
