import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { identityOf } from "gridhub/security";
import { memory } from "../../../test/fixtures/memory-adapter.ts";
import { until } from "../../../test/helpers.ts";
import type { Hub } from "../../../src/hub/hub.ts";
import type { VenAdapter } from "../src/ven/adapter.ts";
import { startVenHub } from "./support/ven-hub.ts";
import { makePki, type TestPki } from "./support/ven-pki.ts";
import { TestVtn } from "./support/ven-test-vtn.ts";
import { invalidPayloads } from "./support/ven-xsd.ts";

describe("OpenADR VEN: registration over mutual TLS", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let vtn: TestVtn;
  let hub: Hub | undefined;
  let ven: VenAdapter;
  let fingerprint: string;

  before(() => {
    pki = makePki();
    fingerprint = identityOf(readFileSync(pki.file("ven1.pem"), "utf8")).openadrFingerprint;
  });
  after(() => pki.cleanup());

  async function start(ven1: Record<string, unknown> = {}, vtnLeaf = "vtn") {
    vtn = await TestVtn.start(pki, { leaf: vtnLeaf });
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: vtn.url, ven: ven1 }));
  }

  beforeEach(() => memory.reset());
  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
    await vtn.stop();
    assert.deepEqual(invalidPayloads(vtn.received.map((r) => ({ name: r.message.type, xml: r.xml }))), [], "every payload the VEN sent validates against oadr_20b.xsd");
  });

  it("queries, registers with its certificate fingerprint as venID, registers METADATA reports, syncs events, then polls", async () => {
    await start();
    await until(() => vtn.of("oadrPoll").length >= 2, 5000, "polling");
    assert.deepEqual(vtn.received.slice(0, 4).map((r) => [r.service, r.message.type]), [
      ["EiRegisterParty", "oadrQueryRegistration"], ["EiRegisterParty", "oadrCreatePartyRegistration"],
      ["EiReport", "oadrRegisterReport"], ["EiEvent", "oadrRequestEvent"],
    ]);
    const create = vtn.of("oadrCreatePartyRegistration")[0]!;
    assert.equal(create.venID, fingerprint);
    assert.equal(create.registrationID, undefined, "a first registration carries no registrationID");
    assert.deepEqual([create.profileName, create.transportName, create.httpPullModel, create.reportOnly, create.xmlSignature, create.venName],
      ["2.0b", "simpleHttp", true, false, false, "ven-test"]);
    assert.deepEqual(ven.registration(), { ...ven.registration(), venID: fingerprint, vtnID: "VTN-TEST", registrationID: "reg-1", pollFreqMs: 10_000 });
    assert.ok(vtn.of("oadrPoll").every((p) => p.venID === fingerprint));
    assert.ok(vtn.received.every((r) => r.fingerprint === fingerprint), "every request came with the VEN's client certificate");
    assert.ok(vtn.received.every((r) => r.protocol === "TLSv1.2" && r.cipher === "ECDHE-ECDSA-AES128-SHA256"), "TLS 1.2 with the 2.0b ECDSA suite");
    assert.equal(hub!.health().ven.state, "up");
  });

  it("uses the configured 2.0b suite: AES128-SHA256 with an RSA VTN certificate", async () => {
    await start({ tls: { ...pki.tls("ven1"), ciphers: "AES128-SHA256" } }, "vtn-rsa");
    await until(() => ven.registration() !== undefined, 5000, "registration");
    assert.ok(vtn.received.every((r) => r.cipher === "AES128-SHA256" && r.protocol === "TLSv1.2"));
  });

  it("does not register with a VTN whose certificate has another fingerprint than the pinned one", async () => {
    await start({ vtnFingerprint: "00:11:22:33:44:55:66:77:88:99" });
    await until(() => hub!.health().ven.state === "degraded", 5000, "degraded");
    assert.equal(ven.registration(), undefined);
    assert.match(hub!.health().ven.lastError?.message ?? "", /fingerprint .* is not the configured/);
    assert.equal(vtn.received.length, 0, "refused in the handshake: no request reached the impostor");
  });

  it("re-registers with its registrationID when the VTN asks (oadrRequestReregistration), and registers its reports again", async () => {
    await start();
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
    vtn.pollQueue.push({ type: "oadrRequestReregistration", venID: fingerprint });
    await until(() => vtn.of("oadrCreatePartyRegistration").length === 2 && vtn.of("oadrRegisterReport").length === 2, 5000, "re-registration");
    assert.equal(vtn.of("oadrCreatePartyRegistration")[1]!.registrationID, "reg-1");
    const ack = vtn.received.find((r) => r.message.type === "oadrResponse" && r.service === "EiRegisterParty");
    assert.ok(ack, "oadrRequestReregistration is acknowledged with an oadrResponse");
  });

  it("answers the VTN's cancellation, forgets the registration and stops polling", async () => {
    await start();
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
    vtn.pollQueue.push({ type: "oadrCancelPartyRegistration", requestID: "cancel-1", registrationID: "reg-1", venID: fingerprint });
    await until(() => vtn.of("oadrCanceledPartyRegistration").length === 1, 5000, "canceled");
    const canceled = vtn.of("oadrCanceledPartyRegistration")[0]!;
    assert.deepEqual([canceled.eiResponse.responseCode, canceled.eiResponse.requestID, canceled.registrationID], [200, "cancel-1", "reg-1"]);
    await until(() => ven.registration() === undefined, 2000, "forgotten");
    const polls = vtn.of("oadrPoll").length;
    await new Promise((ok) => setTimeout(ok, 600));
    assert.equal(vtn.of("oadrPoll").length, polls, "no oadrPoll after the cancellation");
    assert.equal(hub!.health().ven.state, "down");
  });

  it("refuses a cancellation naming another registrationID with 452 and stays registered", async () => {
    await start();
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
    vtn.pollQueue.push({ type: "oadrCancelPartyRegistration", requestID: "cancel-x", registrationID: "reg-other" });
    await until(() => vtn.of("oadrResponse").some((r) => r.eiResponse.responseCode === 452), 5000, "452");
    assert.equal(vtn.of("oadrResponse").find((r) => r.eiResponse.responseCode === 452)!.eiResponse.requestID, "cancel-x");
    assert.equal(ven.registration()?.registrationID, "reg-1");
    assert.equal(vtn.of("oadrCanceledPartyRegistration").length, 0);
  });

  it("cancels its own registration (oadrCancelPartyRegistration)", async () => {
    await start();
    await until(() => ven.registration() !== undefined, 5000, "registration");
    await ven.cancelRegistration();
    const cancel = vtn.of("oadrCancelPartyRegistration")[0]!;
    assert.deepEqual([cancel.registrationID, cancel.venID], ["reg-1", fingerprint]);
    assert.equal(ven.registration(), undefined);
  });

  it("registers anew when the VTN answers a poll with 463 (it no longer knows the VEN)", async () => {
    await start();
    await until(() => vtn.of("oadrPoll").length > 0, 5000, "polling");
    vtn.pollQueue.push({ type: "oadrResponse", eiResponse: { responseCode: 463, responseDescription: "not registered", requestID: "" } });
    await until(() => vtn.of("oadrCreatePartyRegistration").length === 2, 5000, "new registration");
    assert.equal(vtn.of("oadrCreatePartyRegistration")[1]!.registrationID, undefined, "a new registration, not a re-registration");
    await until(() => ven.registration()?.registrationID === "reg-2", 5000, "registered again");
  });

  it("keeps trying with backoff while the VTN is unreachable, and registers when it comes up", async () => {
    vtn = await TestVtn.start(pki);
    const port = vtn.port;
    await vtn.stop();
    ({ hub, ven } = await startVenHub({ pki, vtnUrl: `https://127.0.0.1:${port}` }));
    await until(() => hub!.health().ven.state === "degraded", 5000, "degraded");
    vtn = await TestVtn.start(pki, { port });
    await until(() => ven.registration() !== undefined, 5000, "registered after the VTN came up");
    await until(() => hub!.health().ven.state === "up", 5000, "up");
  });
});
