/**
 * End to end over real OPC UA on loopback (SignAndEncrypt, Basic256Sha256): the hub starts the chiller-plant
 * simulator and the OPC UA adapter from its config; a neutral TemperatureProfile becomes chilled-water setpoint
 * writes, one per slot, and the setpoint the chiller had before comes back when the profile ends.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import type { PlantServer } from "@gridhub/opcua/simulator";
import { Hub } from "../../src/hub/hub.ts";
import { makeMessage, type Envelope } from "../../src/model/index.ts";
import { until } from "../helpers.ts";

const PORT = 48401;
const root = resolve(import.meta.dirname, "../..");
const SETPOINT = "Plant.Chiller1.CHWSetpoint";


describe("e2e: TemperatureProfile -> chiller setpoint over OPC UA (simulator)", function () {
  this.timeout(30000);
  const dir = mkdtempSync(join(tmpdir(), "gridhub-e2e-opcua-"));
  let hub: Hub;
  const plant = () => hub.simulators.get("plant") as unknown as PlantServer;

  before(async function () {
    this.timeout(60000); // key generation and server start take seconds on a loaded machine
    const serverPki = join(dir, "server-pki");
    hub = await Hub.start({
      site: { id: "e2e-opcua" },
      log: { level: "silent" },
      store: { path: ":memory:" },
      api: { enabled: false },
      mappings: ["mappings/opcua"],
      simulators: {
        // the simulated plant accepts new clients; the hub's client trusts only the plant's own certificate
        plant: { package: "@gridhub/opcua", config: { port: PORT, tick: "0s", pki: { root: serverPki, acceptUnknownCertificates: true } } },
      },
      adapters: {
        ua: {
          package: "@gridhub/opcua",
          config: { pki: { root: join(dir, "client-pki"), trust: [join(serverPki, "own", "certs", "plant-simulator.pem")] }, publishingInterval: "100ms" },
        },
      },
      devices: [{
        id: "chiller-1", adapter: "ua", table: "chiller/opcua", groups: ["chillers"],
        address: { endpoint: `opc.tcp://127.0.0.1:${PORT}/gridhub/plant`, root: "ns=1;s=Plant.Chiller1" },
      }],
    }, { baseDir: root, logger: pino({ level: "silent" }) });
  });

  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes each slot's setpoint and restores the previous setpoint at the end", async () => {
    assert.equal(plant().nodes.get(SETPOINT), 7);
    // seeded now, before anything is published, so a slow first tick cannot miss the starting value
    const seen: number[] = [Number(plant().nodes.get(SETPOINT))];
    const watcher = setInterval(() => {
      const v = Number(plant().nodes.get(SETPOINT));
      if (seen.at(-1) !== v) seen.push(v);
    }, 10);
    const results: Envelope<"Result">[] = [];
    hub.bus.subscribe({ types: ["Result"] }, (m) => void results.push(m));

    const start = new Date();
    const msg = makeMessage("TemperatureProfile", {
      scope: { kind: "group", id: "chillers" },
      slots: [
        { duration: "PT2S", setpoint: { value: 9, unit: "degC" } },
        { duration: "PT2S", setpoint: { value: 10.5, unit: "degC" } },
      ],
    }, { source: "cem:planner", targets: [{ kind: "group", id: "chillers" }], validity: { start: start.toISOString(), end: new Date(start.getTime() + 4000).toISOString() } });
    await hub.bus.publish(msg);

    try {
      await until(() => seen.includes(9), 8000, "the first slot's setpoint");
      await until(() => seen.includes(10.5), 8000, "the second slot's setpoint");
      await until(() => seen.at(-1) === 7 && hub.actuator.active().length === 0, 8000, "the previous setpoint back");
    } finally {
      clearInterval(watcher);
    }
    assert.deepEqual(seen, [7, 9, 10.5, 7]);
    const result = await until(() => results.find((r) => r.correlationId === msg.id), 8000, "Result");
    assert.equal(result.body.outcome, "successful");
  });

  it("takes the chiller's subscribed points into live telemetry", async () => {
    plant().nodes.set("Plant.Chiller1.Power", 180.5);
    const power = await until(() => hub.telemetry.live.get("chiller-1")?.power_kw?.value === 180.5 && hub.telemetry.live.get("chiller-1")!.power_kw, 8000, "power");
    assert.equal(power.quality, "good");
    assert.equal(hub.telemetry.live.get("chiller-1")?.chw_supply_c?.value, 12);
    assert.equal(hub.health().ua.state, "up");
  });
});
