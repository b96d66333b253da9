import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { DeviceBinding } from "gridhub/hub";
import type { OpcUaAdapter } from "../src/index.ts";
import type { PlantServer } from "../src/simulator/index.ts";
import { binding, clientCertificate, createAdapter, pointRef, sharedPki, startPlant, tempDir, userCertificate, waitFor, type TestContext } from "./helpers.ts";

const SETPOINT = { node: "ns=1;s=Plant.Chiller1.CHWSetpoint" };

describe("opcua: secure channels, trust lists and user authentication (loopback)", function () {
  this.timeout(30000);
  const dirs = { user: tempDir("user"), stranger: tempDir("stranger"), wary: tempDir("wary") };
  const serverPki = sharedPki("server");
  const clientPki = sharedPki("client");
  let plant: PlantServer;
  let adapter: OpcUaAdapter;
  let ctx: TestContext;
  const devices: Record<string, DeviceBinding> = {};
  const running: OpcUaAdapter[] = [];

  before(async function () {
    this.timeout(60000); // key generation and server start take seconds on a loaded machine
    const clientCert = await clientCertificate(clientPki);
    const user = await userCertificate(dirs.user.path);
    plant = await startPlant({
      pki: { root: serverPki, trust: [clientCert], trustUsers: [user.certificate] },
      users: [{ userName: "operator", password: "s3cret" }],
    });
    const endpoint = plant.endpoint;
    const channels = {
      "none": { mode: "None", policy: "None" },
      "sign-basic256sha256": { mode: "Sign", policy: "Basic256Sha256" },
      "encrypt-basic256sha256": { mode: "SignAndEncrypt", policy: "Basic256Sha256" },
      "sign-aes128": { mode: "Sign", policy: "Aes128_Sha256_RsaOaep" },
      "encrypt-aes128": { mode: "SignAndEncrypt", policy: "Aes128_Sha256_RsaOaep" },
      "user-password": { mode: "SignAndEncrypt", policy: "Basic256Sha256", user: { userName: "operator", password: "s3cret" } },
      "user-password-on-none": { mode: "None", policy: "None", user: { userName: "operator", password: "s3cret" } },
      "user-x509": { mode: "SignAndEncrypt", policy: "Aes128_Sha256_RsaOaep", user },
      "user-wrong-password": { mode: "SignAndEncrypt", policy: "Basic256Sha256", user: { userName: "operator", password: "guess" } },
    };
    for (const [id, security] of Object.entries(channels)) devices[id] = binding(id, { endpoint, security });
    ({ adapter, ctx } = createAdapter({ pki: { root: clientPki, trust: [plant.certificateFile] } }, Object.values(devices)));
    running.push(adapter);
    await adapter.start();
  });

  after(async () => {
    for (const a of running) await a.stop();
    await plant?.stop();
    for (const d of Object.values(dirs)) d.remove();
  });

  for (const id of ["none", "sign-basic256sha256", "encrypt-basic256sha256", "sign-aes128", "encrypt-aes128"]) {
    it(`reads and writes over security ${id}`, async () => {
      const ref = pointRef(devices[id], "setpoint", SETPOINT);
      const [w] = await adapter.write([{ ref, value: 7.5 }]);
      assert.equal(w.quality, "good", w.error?.message);
      const [r] = await adapter.read([ref]);
      assert.equal(r.value, 7.5);
    });
  }

  for (const id of ["user-password", "user-password-on-none", "user-x509"]) {
    it(`authenticates with ${id}`, async () => {
      const [r] = await adapter.read([pointRef(devices[id], "setpoint", SETPOINT)]);
      assert.equal(r.quality, "good", r.error?.message);
    });
  }

  it("refuses a wrong password as AUTH and reports the device down", async () => {
    const [r] = await adapter.read([pointRef(devices["user-wrong-password"], "setpoint", SETPOINT)]);
    assert.equal(r.error?.code, "AUTH");
    assert.match(r.error!.message, /user-wrong-password/);
    const detail = adapter.healthDetail().devices as Record<string, { state: string }>;
    assert.equal(detail["user-wrong-password"].state, "down");
    assert.equal(detail["encrypt-aes128"].state, "up");
    assert.equal(ctx.health.at(-1)?.state, "degraded");
  });

  it("is refused by a server that does not trust its certificate, which then sits in the server's rejected list", async () => {
    const device = binding("stranger", { endpoint: plant.endpoint, security: { mode: "SignAndEncrypt", policy: "Basic256Sha256" } });
    const rejectedBefore = readdirSync(join(serverPki, "rejected")).length;
    const stranger = createAdapter({ pki: { root: dirs.stranger.path, trust: [plant.certificateFile] } }, [device]);
    running.push(stranger.adapter);
    await stranger.adapter.start();
    const [r] = await stranger.adapter.read([pointRef(device, "setpoint", SETPOINT)]);
    assert.equal(r.error?.code, "AUTH", r.error?.message);
    assert.equal(stranger.ctx.health.at(-1)?.state, "down");
    await waitFor(() => readdirSync(join(serverPki, "rejected")).length > rejectedBefore, 5000, "the client certificate in rejected/");
  });

  it("refuses a server whose certificate it does not trust (no 'accept any' by default)", async () => {
    const device = binding("wary", { endpoint: plant.endpoint, security: { mode: "SignAndEncrypt", policy: "Basic256Sha256" } });
    // no pki.root: the store goes to <data dir>/certs/opcua/<adapter name>
    const wary = createAdapter({}, [device], dirs.wary.path);
    running.push(wary.adapter);
    await wary.adapter.start();
    const [r] = await wary.adapter.read([pointRef(device, "setpoint", SETPOINT)]);
    assert.equal(r.error?.code, "AUTH");
    assert.match(r.error!.message, /BadCertificateUntrusted/);
    await waitFor(() => readdirSync(join(dirs.wary.path, "certs", "opcua", "opcua", "rejected")).length > 0, 5000, "the server certificate in the client's rejected/");
  });
});
