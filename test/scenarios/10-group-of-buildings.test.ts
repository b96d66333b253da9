/**
 * Scenario 10: Group of buildings (JWG2002 Model 3, JWG23).
 * Four hubs: the group CEM of "campus-A" and three member buildings, each member hub with two ECHONET Lite lights
 * (0x0290) on one simulator (one node per building, UDP on loopback) through its own ECHONET Lite adapter.
 * Northbound stand-ins: the suppression signal for the group as the 2030.5 client would publish an
 * EndDeviceControl (TargetReduction) to the group CEM; between the group hub and the members, the OpenADR VTN ->
 * VEN link is stood in for by a bridge that carries the neutral messages (the members are the group hub's VENs).
 */
import assert from "node:assert/strict";
import { startSimulator, type EchonetSimulator } from "@gridhub/echonet-lite/simulator";
import type { Hub } from "../../src/hub/hub.ts";
import type { NeutralMessage } from "../../src/model/index.ts";
import { freeUdpPort, fromGrid, iso, north, ofType, record, startHub, until, W } from "./support.ts";

type SetRecord = { node: string; eoj: string; epc: string; edt: string };
const MEMBERS = ["b1", "b2", "b3"] as const;

/** What the group hub's VTN and the members' VENs would carry: shares down, answers up, ids kept. */
function bridge(group: Hub, member: Hub, id: string) {
  const to = (m: NeutralMessage, kind: "building" | "cem", site: string) => m.targets.some((t) => t.kind === kind && "id" in t && t.id === site);
  group.bus.subscribe({}, (m) => {
    if (m.source === "cem:campus" && to(m as NeutralMessage, "building", id)) void member.bus.publish({ ...m, source: "openadr:campus-vtn" });
  });
  member.bus.subscribe({ types: ["Result", "LogInfo"] }, (m) => {
    if (m.source === `cem:${id}` && to(m as NeutralMessage, "building", id)) void group.bus.publish({ ...m, targets: [{ kind: "cem", id: "campus" }] });
  });
}

describe("scenario 10: group of buildings", function () {
  let sim: EchonetSimulator;
  let group: Hub;
  const members: Hub[] = [];
  let seen: ReturnType<typeof record>;
  const levels = (node: string) => (sim.info().sets as SetRecord[]).filter((s) => s.node.startsWith(node) && s.epc === "0xB0").map((s) => `${s.eoj}=${parseInt(s.edt, 16)}`);

  before(async () => {
    const port = await freeUdpPort();
    sim = await startSimulator({ port, multicast: { enabled: false }, tickMs: 100,
      nodes: MEMBERS.map((_, i) => ({ address: `127.0.0.${81 + i}`, objects: [{ eoj: "0x029001", params: { ratedW: 100 } }, { eoj: "0x029002", params: { ratedW: 100 } }] })) });
    group = await startHub({
      site: { id: "campus" },
      cem: { policies: { group: { id: "campus-A", members: { b1: { priority: 1, curtailmentW: 120 }, b2: { priority: 2, curtailmentW: 120 }, b3: { priority: 3, curtailmentW: 120 } } } } },
    });
    for (const [i, id] of MEMBERS.entries()) {
      const host = `127.0.0.${81 + i}`;
      const m = await startHub({
        site: { id },
        mappings: ["mappings/echonet-lite"],
        adapters: { el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } } },
        devices: [
          { id: "light-a", adapter: "el", table: "lighting/echonet-lite", address: { host, eoj: "0x029001" } },
          { id: "light-b", adapter: "el", table: "lighting/echonet-lite", address: { host, eoj: "0x029002" } },
        ],
        cem: { devices: { "light-a": { priority: 1, ratedPowerW: 100, minPowerW: 30 }, "light-b": { priority: 5, ratedPowerW: 100, minPowerW: 50 } } },
      });
      members.push(m);
      bridge(group, m, id);
    }
    seen = record(group);
  });
  after(async () => {
    for (const m of members) await m.stop();
    await group?.stop();
    await sim?.stop();
  });

  it("splits the group's suppression across the buildings by priority, dims the lights by class down to their minimum, and reports once", async () => {
    const start = Date.now();
    const signal = await fromGrid(group, "LoadGenerationManagement", {
      scope: { kind: "group", id: "campus-A" }, direction: "consumption", request: "decrease", urgency: "high", mandatory: true,
      slots: [{ duration: "PT1.5S", power: W(200) }],
    }, { source: "ieee2030-5:client", targets: [{ kind: "cem", id: "campus" }], validity: { start: iso(start), end: iso(start + 1500) } });

    await until(() => levels("127.0.0.81").length >= 2 && levels("127.0.0.82").length >= 2, 8000, "the lights dimmed");
    assert.deepEqual(levels("127.0.0.81").sort(), ["0x029001=30", "0x029002=50"], "b1 (most curtailable) gives 120 W: both lights to their minimum");
    assert.deepEqual(levels("127.0.0.82").sort(), ["0x029001=30", "0x029002=90"], "b2 gives 80 W: the lower class first, to its minimum");
    assert.deepEqual(levels("127.0.0.83"), [], "b3 is not needed");

    await until(() => ofType(north(seen, "campus"), "LogInfo").some((m) => m.correlationId === signal.id), 8000, "the aggregated report");
    const report = ofType(north(seen, "campus"), "LogInfo").find((m) => m.correlationId === signal.id)!;
    assert.equal(report.body.kind, "aggregated-suppression-performance");
    assert.deepEqual(report.body.entries.map((e) => [e.detail, e.value?.value]).sort(), [["building b1", 120], ["building b2", 80]]);
    const result = ofType(north(seen, "campus"), "Result").find((m) => m.correlationId === signal.id)!;
    assert.deepEqual([result.body.outcome, result.body.achieved?.value], ["successful", 200]);
    assert.equal(ofType(north(seen, "campus"), "Result").filter((m) => m.correlationId === signal.id).length, 1, "one report north");

    await until(() => levels("127.0.0.81").length >= 4 && levels("127.0.0.82").length >= 4, 8000, "the lights back at the end");
    assert.deepEqual(levels("127.0.0.81").slice(2).sort(), ["0x029001=100", "0x029002=100"]);
  });
});
