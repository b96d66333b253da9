/**
 * Push mode: a VEN registered with a transport address gets its payloads POSTed over mutual TLS; its replies are
 * handled; failed pushes stay queued for polling and are pushed again; a server with another certificate than the
 * VEN's is refused. The push endpoint here is the package's own simpleHTTP server with the VEN's certificate.
 */
import assert from "node:assert/strict";
import { OPENADR_CIPHERS, tlsOptions } from "gridhub/security";
import type { OadrMessage, OadrMessageOf } from "../src/codec/index.ts";
import { startOadrServer, type OadrServer } from "../src/transport/server.ts";
import { tempDir, until } from "../../../test/helpers.ts";
import { startPostgres, type RunningPostgres } from "../../../test/postgres.ts";
import {
  codeOf, makePki, operator, postgresStores, ScriptedVen, simpleEvent, sqliteStores, startVtnHub, tlsFiles, vtnConfig,
  type Pki, type StoreKind, type VtnHub,
} from "./support/vtn-fixtures.ts";

/** A VEN's push endpoint: records what arrives and answers like a VEN would. */
async function pushEndpoint(pki: Pki, leaf: string, venID: () => string, port = 0) {
  const received: OadrMessage[] = [];
  const server = await startOadrServer({
    tls: tlsOptions(tlsFiles(pki, leaf), OPENADR_CIPHERS),
    port,
    handler: (m) => {
      received.push(m);
      if (m.type === "oadrDistributeEvent") {
        return {
          type: "oadrCreatedEvent", venID: venID(), eiResponse: { responseCode: 200, requestID: m.requestID },
          eventResponses: m.events.map((e) => ({ responseCode: 200, requestID: m.requestID, qualifiedEventID: { eventID: e.eventDescriptor.eventID, modificationNumber: e.eventDescriptor.modificationNumber }, optType: "optIn" as const })),
        };
      }
      if (m.type === "oadrCreateReport") {
        return { type: "oadrCreatedReport", eiResponse: { responseCode: 200, requestID: m.requestID }, pendingReports: m.reportRequests.map((r) => r.reportRequestID), venID: venID() };
      }
      return { type: "oadrResponse", eiResponse: { responseCode: 200, requestID: "" }, venID: venID() };
    },
  });
  return { server, received };
}

function pushSuite(kind: () => StoreKind) {
  let pki: Pki;
  let vtn: VtnHub;
  let ven: ScriptedVen;
  let endpoint: { server: OadrServer; received: OadrMessage[] };
  const api = <T = any>(method: string, path: string, body?: unknown) => operator<T>(vtn.apiBase, method, path, body); // eslint-disable-line @typescript-eslint/no-explicit-any
  const events = () => endpoint.received.filter((m): m is OadrMessageOf<"oadrDistributeEvent"> => m.type === "oadrDistributeEvent");

  before(async function () {
    this.timeout(60_000);
    pki = makePki();
    vtn = await startVtnHub(await kind().fresh(), vtnConfig(pki, { push: { timeoutMs: 2000, retryMs: 200 } }));
    ven = new ScriptedVen(vtn.url, pki, "ven1");
    endpoint = await pushEndpoint(pki, "ven1", () => ven.venID);
    await ven.register({ httpPullModel: false, transportAddress: endpoint.server.url });
  });
  after(async () => {
    ven?.close();
    await endpoint?.server.close();
    await vtn?.stop();
    pki?.cleanup();
  });

  it("pushes a new event to the VEN and takes its oadrCreatedEvent reply", async () => {
    await api("POST", "/events", simpleEvent({ venID: [ven.venID] }, { eventID: "push-1" }));
    await until(() => events().length === 1, 5000, "the pushed oadrDistributeEvent");
    assert.equal(events()[0].events[0].eventDescriptor.eventID, "push-1");
    await until(async () => (await api<{ vens: { optState: string }[] }>("GET", "/events/push-1")).body.vens[0]?.optState === "optIn", 5000, "optIn recorded");
    const poll = await ven.poll();
    assert.equal(poll.type, "oadrResponse", "a pushed payload has left the queue");
  });

  it("pushes oadrCreateReport and takes the oadrCreatedReport reply", async () => {
    await ven.send("EiReport", {
      type: "oadrRegisterReport", requestID: "rr", venID: ven.venID,
      reports: [{ reportSpecifierID: "s", reportName: "METADATA_TELEMETRY_USAGE", reportRequestID: "0", createdDateTime: new Date().toISOString(),
        reportDescriptions: [{ rID: "p", reportType: "usage", readingType: "Direct Read" }] }],
    });
    const asked = await api<{ reportRequestID: string }>("POST", `/vens/${encodeURIComponent(ven.venID)}/report-requests`, { reportSpecifierID: "s" });
    assert.equal(asked.status, 201);
    await until(() => endpoint.received.some((m) => m.type === "oadrCreateReport"), 5000, "the pushed oadrCreateReport");
    await until(async () => (await api<{ requests: { state: string }[] }>("GET", `/vens/${encodeURIComponent(ven.venID)}/reports`)).body.requests[0]?.state === "active",
      5000, "the request confirmed");
  });

  it("keeps a payload whose push failed for polling, and pushes the next ones again once the VEN is back", async () => {
    const port = endpoint.server.port;
    await endpoint.server.close();
    await api("PATCH", "/events/push-1", { priority: 2 });
    await until(async () => (await vtn.hub.store.pending("vtn:ven:" + ven.venID)).some((i) => i.attempts > 0), 5000, "a failed push attempt");
    const polled = await ven.poll() as OadrMessageOf<"oadrDistributeEvent">;
    assert.equal(polled.type, "oadrDistributeEvent", "the VEN can still poll what could not be pushed");
    assert.equal(polled.events[0].eventDescriptor.modificationNumber, 1);

    await api("PATCH", "/events/push-1", { priority: 3 });
    await until(async () => (await vtn.hub.store.pending("vtn:ven:" + ven.venID)).some((i) => i.attempts > 0), 5000, "a second failed push");
    const before = events().length;
    endpoint = await pushEndpoint(pki, "ven1", () => ven.venID, port);
    await until(() => events().length > 0, 5000, "the retried push");
    assert.equal(before, 1);
    assert.equal(events().at(-1)!.events[0].eventDescriptor.modificationNumber, 2);
  });

  it("refuses to push to a server whose certificate is not the VEN's", async () => {
    const port = endpoint.server.port;
    await endpoint.server.close();
    const impostor = await pushEndpoint(pki, "ven2", () => ven.venID, port);
    try {
      await api("PATCH", "/events/push-1", { priority: 4 });
      await until(async () => (await vtn.hub.store.pending("vtn:ven:" + ven.venID)).some((i) => /not .*certificate|fingerprint/.test(i.lastError ?? "")),
        5000, "the refused push");
      assert.equal(impostor.received.length, 0, "nothing reached the impostor");
    } finally {
      await impostor.server.close();
    }
    const polled = await ven.poll();
    assert.equal(polled.type, "oadrDistributeEvent");
    assert.equal(codeOf(await ven.poll()), 200);
  });
}

describe("OpenADR VTN push mode", function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof tempDir>;
  let pg: RunningPostgres;
  before(async function () {
    this.timeout(60_000);
    tmp = tempDir("gridhub-vtn-push-");
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
    tmp?.cleanup();
  });

  describe("on SQLite", () => pushSuite(() => sqliteStores(tmp.dir)));
  describe("on PostgreSQL", () => pushSuite(() => postgresStores(() => pg, tmp.dir)));
});
