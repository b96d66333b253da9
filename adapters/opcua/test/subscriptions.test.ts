import assert from "node:assert/strict";
import type { DeviceBinding, Unsubscribe } from "gridhub/hub";
import type { OpcUaAdapter } from "../src/index.ts";
import type { PlantServer } from "../src/simulator/index.ts";
import { binding, Changes, createAdapter, pointRef, sharedPki, startPlant, waitFor } from "./helpers.ts";

const NONE = { mode: "None", policy: "None" } as const;

describe("opcua: subscriptions with monitored items (loopback)", function () {
  this.timeout(20000);
  let plant: PlantServer;
  let adapter: OpcUaAdapter;
  let chiller: DeviceBinding;
  const unsubscribes: Unsubscribe[] = [];
  const supply = () => pointRef(chiller, "supply", { node: "ns=1;s=Plant.Chiller1.CHWSupplyTemp", sampling: "0ms" }, "float64", "r");

  before(async function () {
    this.timeout(60000); // key generation and server start take seconds on a loaded machine
    plant = await startPlant({ pki: { root: sharedPki("server") }, securityModes: ["None"], securityPolicies: ["None"] });
    chiller = binding("chiller-1", { endpoint: plant.endpoint, security: NONE });
    ({ adapter } = createAdapter({ pki: { root: sharedPki("client") }, security: NONE, publishingInterval: "50ms" }, [chiller]));
    await adapter.start();
  });

  after(async () => {
    unsubscribes.forEach((u) => u());
    await adapter?.stop();
    await plant?.stop();
  });

  it("delivers initial values, then each change, as point values", async () => {
    const changes = new Changes();
    unsubscribes.push(await adapter.subscribe([
      supply(), pointRef(chiller, "running", { browse: "/Objects/Plant/Chiller1/Running", sampling: "0ms" }, "bool", "r"),
    ], changes.push));
    await waitFor(() => changes.last("supply")?.value === 12 && changes.last("running")?.value === false, 5000, "initial values");
    plant.nodes.set("Plant.Chiller1.CHWSupplyTemp", 9.5);
    plant.nodes.set("Plant.Chiller1.Running", true);
    await waitFor(() => changes.last("supply")?.value === 9.5 && changes.last("running")?.value === true, 5000, "the changes");
    assert.equal(changes.last("supply")?.quality, "good");
    assert.equal(changes.of("supply").length, 2);
  });

  it("filters changes inside the absolute deadband on the server", async () => {
    const changes = new Changes();
    plant.nodes.set("Plant.Chiller1.Power", 100);
    unsubscribes.push(await adapter.subscribe(
      [pointRef(chiller, "power", { node: "ns=1;s=Plant.Chiller1.Power", sampling: "0ms", deadband: 5 }, "float64", "r")], changes.push));
    await waitFor(() => changes.last("power")?.value === 100, 5000, "the initial value");
    plant.nodes.set("Plant.Chiller1.Power", 103);
    plant.nodes.set("Plant.Chiller1.Power", 110);
    await waitFor(() => changes.last("power")?.value === 110, 5000, "the change beyond the deadband");
    assert.deepEqual(changes.of("power").map((v) => v.value), [100, 110]);
  });

  it("stops notifying after unsubscribe", async () => {
    const gone = new Changes();
    const sentinel = new Changes();
    const unsubscribe = await adapter.subscribe([supply()], gone.push);
    unsubscribes.push(await adapter.subscribe([supply()], sentinel.push));
    await waitFor(() => gone.of("supply").length && sentinel.of("supply").length, 5000, "initial values");
    unsubscribe();
    const seen = gone.values.length;
    plant.nodes.set("Plant.Chiller1.CHWSupplyTemp", 8.25);
    await waitFor(() => sentinel.last("supply")?.value === 8.25, 5000, "the change at the other subscriber");
    assert.equal(gone.values.length, seen);
  });

  it("reports points it cannot monitor as bad values while the others notify", async () => {
    const changes = new Changes();
    unsubscribes.push(await adapter.subscribe([
      pointRef(chiller, "ghost", { node: "ns=1;s=Plant.Chiller1.Ghost" }, "float64", "r"), supply(),
    ], changes.push));
    await waitFor(() => changes.last("ghost") && changes.last("supply"), 5000, "both points");
    assert.equal(changes.last("ghost")?.error?.code, "NOT_FOUND");
    assert.equal(changes.last("supply")?.quality, "good");
  });
});
