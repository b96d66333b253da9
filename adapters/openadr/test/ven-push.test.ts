import assert from "node:assert/strict";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import { until } from "../../../test/helpers.ts";
import type { Hub } from "../../../src/hub/hub.ts";
import { parse, serialize, type OadrMessage, type ServiceName } from "../src/codec/index.ts";
import { SIMPLE_HTTP_PATH } from "../src/transport/server.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { event, reportRequest, secondsFromNow, simple } from "./support/ven-events.ts";
import { startVenHub } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";
import { TestVtn } from "./support/ven-test-vtn.ts";
import { invalidPayloads } from "./support/ven-xsd.ts";

const OADR = "http://openadr.org/oadr-2.0b/2012/07";

describe("OpenADR VEN: push mode (the VTN posts to the VEN's endpoint)", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let vtn: TestVtn;
  let hub: Hub | undefined;
  let ven: VenAdapter;
  /** what the VEN answered over HTTP, for xmllint */
  const answered: { name: string; xml: string }[] = [];

  before(() => (pki = makePki()));
  after(() => pki.cleanup());
  beforeEach(async () => {
    memory.reset();
    memory.set("ahu-1", "av3", 22, 16);
    memory.set("ahu-2", "av3", 21, 16);
    memory.set("pv-1", "W", 32);
    answered.length = 0;
    vtn = await TestVtn.start(pki);
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, ven: { push: { host: "127.0.0.1", port: 0 }, http: { timeout: "3s", maxBodyBytes: 8192 } } }));
    await until(() => vtn.of("oadrRequestEvent").length === 1, 5000, "registered and synced");
  });
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
    await vtn.stop();
    const sent = vtn.received.map((r) => ({ name: r.message.type, xml: r.xml }));
    assert.deepEqual(invalidPayloads([...sent, ...answered]), [], "every payload the VEN sent or answered validates against oadr_20b.xsd");
  });

  /** Posts raw bytes to the VEN's endpoint with a client certificate; resolves with the HTTP status and body. */
  function post(service: ServiceName, body: string, leaf = "vtn"): Promise<{ status: number; body: string }> {
    const url = new URL(`${ven.pushUrl()}${SIMPLE_HTTP_PATH}${service}`);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: "POST", headers: { "content-type": "application/xml" }, servername: "localhost",
        ca: readFileSync(pki.file("trust.pem")), cert: readFileSync(pki.file(`${leaf}.chain.pem`)), key: readFileSync(pki.file(`${leaf}.key`)),
      }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async function push(service: ServiceName, message: OadrMessage, leaf = "vtn"): Promise<OadrMessage | undefined> {
    const r = await post(service, serialize(message), leaf);
    assert.equal(r.status, 200, r.body);
    if (!r.body) return undefined;
    answered.push({ name: `answer-${message.type}`, xml: r.body });
    return parse(r.body);
  }

  const code = (m: OadrMessage | undefined) => (m && "eiResponse" in m ? m.eiResponse?.responseCode : undefined);

  it("announces its endpoint at registration and never polls", async () => {
    const create = vtn.of("oadrCreatePartyRegistration")[0]!;
    assert.deepEqual([create.httpPullModel, create.transportAddress], [false, ven.pushUrl()]);
    assert.match(ven.pushUrl()!, /^https:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(vtn.of("oadrPoll").length, 0);
  });

  it("a pushed oadrDistributeEvent gets an empty 200; the devices follow and oadrCreatedEvent is posted to the VTN", async () => {
    vtn.events = [event({ id: "ev-p", start: secondsFromNow(-1), durationS: 30, signals: [simple([2])] })];
    assert.equal(await push("EiEvent", vtn.distribute("push-1")), undefined);
    assert.equal(memory.point("ahu-1", "av3").priorities[9], 24);
    await until(() => vtn.of("oadrCreatedEvent").length === 1, 5000, "oadrCreatedEvent");
    assert.deepEqual(vtn.of("oadrCreatedEvent")[0]!.eventResponses![0], {
      responseCode: 200, requestID: "push-1", qualifiedEventID: { eventID: "ev-p", modificationNumber: 0 }, optType: "optIn",
    });
  });

  it("answers pushed report payloads in the HTTP reply: oadrCreatedReport, oadrRegisteredReport (even empty), oadrCanceledReport", async () => {
    const venID = ven.registration()!.venID;
    const created = await push("EiReport", { type: "oadrCreateReport", requestID: "cr-1", reportRequests: [reportRequest("rr-p", "telemetry-usage", ["pv-1/ac_power_w"])], venID });
    assert.ok(created?.type === "oadrCreatedReport");
    assert.deepEqual([created.eiResponse.responseCode, created.eiResponse.requestID, created.pendingReports], [200, "cr-1", ["rr-p"]]);
    await until(() => vtn.of("oadrUpdateReport").length >= 1, 5000, "report");
    const registered = await push("EiReport", { type: "oadrRegisterReport", requestID: "vtn-meta", reports: [], venID });
    assert.ok(registered?.type === "oadrRegisteredReport");
    assert.deepEqual([registered.eiResponse.responseCode, registered.reportRequests], [200, []]);
    const canceled = await push("EiReport", { type: "oadrCancelReport", requestID: "cx-1", reportRequestIDs: ["rr-p"], reportToFollow: false, venID });
    assert.ok(canceled?.type === "oadrCanceledReport");
    assert.deepEqual([canceled.eiResponse.responseCode, canceled.pendingReports], [200, []]);
  });

  it("oadrRequestReregistration is acknowledged in the reply, then the VEN re-registers", async () => {
    const ack = await push("EiRegisterParty", { type: "oadrRequestReregistration", venID: ven.registration()!.venID });
    assert.deepEqual([ack?.type, code(ack)], ["oadrResponse", 200]);
    await until(() => vtn.of("oadrCreatePartyRegistration").length === 2, 5000, "re-registration");
    assert.equal(vtn.of("oadrCreatePartyRegistration")[1]!.registrationID, "reg-1");
  });

  it("refuses bad input with the OpenADR code and changes nothing", async () => {
    const venID = ven.registration()!.venID;
    const wrapped = (inner: string, ns = OADR) => `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload xmlns:oadr="${ns}"><oadr:oadrSignedObject>${inner}</oadr:oadrSignedObject></oadr:oadrPayload>`;
    const refusedWith = async (service: ServiceName, body: string, leaf = "vtn") => {
      const r = await post(service, body, leaf);
      assert.equal(r.status, 200, r.body);
      answered.push({ name: "refusal", xml: r.body });
      return code(parse(r.body));
    };
    const distribute = serialize({ ...vtn.distribute("bad"), events: [event({ id: "ev-bad", start: secondsFromNow(-1), durationS: 30, signals: [simple([2])] })] });

    assert.equal(await refusedWith("EiEvent", distribute.slice(0, -40)), 454, "malformed XML");
    assert.equal(await refusedWith("EiEvent", distribute.replaceAll(OADR, "http://openadr.org/oadr-2.0a/2012/07")), 453, "wrong namespace");
    assert.equal(await refusedWith("EiEvent", `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${wrapped("<oadr:oadrPoll>&xxe;</oadr:oadrPoll>")}`), 451, "XXE");
    assert.equal(await refusedWith("EiEvent", `<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${wrapped("<oadr:oadrPoll>&b;</oadr:oadrPoll>")}`), 451, "entity expansion");
    assert.equal(await refusedWith("EiEvent", distribute.replace("<ei:vtnID>VTN-TEST</ei:vtnID>", "<ei:vtnID>VTN-OTHER</ei:vtnID>")), 452, "another VTN's events");
    assert.equal(await refusedWith("EiEvent", distribute, "ven2"), 463, "a trusted certificate that is not the VTN's");
    assert.equal(await refusedWith("EiReport", serialize({ type: "oadrCancelReport", requestID: "c", reportRequestIDs: ["x"], reportToFollow: false, venID: "someone-else" })), 452, "another VEN's venID");
    assert.equal(await refusedWith("EiEvent", serialize({ type: "oadrRequestEvent", requestID: "r", venID })), 453, "a payload a VTN never sends");
    const big = await post("EiEvent", distribute.replace("</oadr:oadrPayload>", `<!--${"x".repeat(9000)}--></oadr:oadrPayload>`));
    assert.equal(big.status, 413, "body over the configured limit");
    await assert.rejects(post("EiEvent", distribute, "ven-rogue"), "an untrusted certificate does not even get a TLS session");

    assert.deepEqual(ven.events(), []);
    assert.equal(memory.point("ahu-1", "av3").priorities[9], undefined);
    assert.equal(vtn.of("oadrCreatedEvent").length, 0);
    assert.equal(ven.registration()?.registrationID, "reg-1");
  });
});
