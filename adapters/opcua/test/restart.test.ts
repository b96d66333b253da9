import assert from "node:assert/strict";
import type { DeviceBinding, Unsubscribe } from "gridhub/hub";
import type { OpcUaAdapter } from "../src/index.ts";
import type { PlantServer } from "../src/simulator/index.ts";
import { binding, Changes, clientCertificate, createAdapter, pointRef, sharedPki, startPlant, waitFor, type TestContext } from "./helpers.ts";

describe("opcua: recovery after a server restart (loopback, SignAndEncrypt)", function () {
  this.timeout(60000);
  const serverPki = sharedPki("server");
  const clientPki = sharedPki("client");
  let plant: PlantServer | undefined;
  let adapter: OpcUaAdapter;
  let ctx: TestContext;
  let chiller: DeviceBinding;
  let unsubscribe: Unsubscribe | undefined;
  let serverConfig: Parameters<typeof startPlant>[0];

  before(async function () {
    this.timeout(60000); // key generation and server start take seconds on a loaded machine
    serverConfig = { pki: { root: serverPki, trust: [await clientCertificate(clientPki)] }, securityModes: ["SignAndEncrypt"], securityPolicies: ["Basic256Sha256"] };
    plant = await startPlant(serverConfig);
    serverConfig = { ...serverConfig, port: plant.port };
    chiller = binding("chiller-1", { endpoint: plant.endpoint, security: { mode: "SignAndEncrypt", policy: "Basic256Sha256" } });
    ({ adapter, ctx } = createAdapter({
      pki: { root: clientPki, trust: [plant.certificateFile] }, publishingInterval: "50ms", keepAlive: "1s",
      reconnect: { initialDelay: "200ms", maxDelay: "1s" },
    }, [chiller]));
    await adapter.start();
  });

  after(async () => {
    unsubscribe?.();
    await adapter?.stop();
    await plant?.stop();
  });

  it("marks points bad while the server is gone, then reconnects, recreates the subscription and reads and writes again", async () => {
    const supply = pointRef(chiller, "supply", { node: "ns=1;s=Plant.Chiller1.CHWSupplyTemp", sampling: "0ms" }, "float64", "r");
    const setpoint = pointRef(chiller, "setpoint", { browse: "/Objects/Plant/Chiller1/CHWSetpoint" });
    const changes = new Changes();
    unsubscribe = await adapter.subscribe([supply], changes.push);
    await waitFor(() => changes.last("supply")?.value === 12, 5000, "the initial value");
    assert.equal((await adapter.write([{ ref: setpoint, value: 6 }]))[0].quality, "good");

    await plant!.stop();
    plant = undefined;
    await waitFor(() => changes.last("supply")?.error?.code === "UNREACHABLE", 10000, "the subscription to report the loss");
    const [during] = await adapter.read([setpoint]);
    assert.equal(during.error?.code, "UNREACHABLE");
    assert.equal(ctx.health.at(-1)?.state, "down");

    plant = await startPlant(serverConfig);
    await waitFor(() => ctx.health.at(-1)?.state === "up", 20000, "the adapter to reconnect");
    assert.equal(ctx.counts.reconnects, 1);
    // a restarted server has lost the subscription: node-opcua's transfer fails and the subscription is recreated
    await waitFor(() => changes.last("supply")?.value === 12, 10000, "the restarted server's initial value");
    plant.nodes.set("Plant.Chiller1.CHWSupplyTemp", 5.75);
    await waitFor(() => changes.last("supply")?.value === 5.75, 10000, "a change from the restarted server");

    const [after] = await adapter.read([setpoint]);
    assert.equal(after.value, 7, "the restarted server starts from its defaults");
    assert.equal((await adapter.write([{ ref: setpoint, value: 6.5 }]))[0].quality, "good");
    assert.equal(plant.nodes.get("Plant.Chiller1.CHWSetpoint"), 6.5);
  });
});
