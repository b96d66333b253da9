/**
 * Scenario 8: Disaster accommodation (JWG21, JWG2042).
 * Devices: ECHONET Lite water heater, storage battery, air conditioner and lighting on the adapter's simulator
 * (UDP); the user prioritised the water heater and the battery.
 * Northbound stand-in: Actor A's disaster signal, scheduled blackout and all-clear as GridStatus (no native
 * OpenADR/2030.5 object: a program convention in the grid table), as the grid adapter would publish it.
 * Not shown here: the community CEM's own discharge signal (this hub is the building CEM).
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { freeUdpPort, fromGrid, iso, north, ofType, record, startHub, toDevice, until } from "./support.ts";

type SetRecord = { epc: string; edt: string; eoj: string };

describe("scenario 8: disaster accommodation", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const sets = (eoj: string, epc: string) => (hub.simulators.get("el-sim")!.info().sets as SetRecord[]).filter((s) => s.eoj === eoj && s.epc === epc).map((s) => s.edt);
  const alive = () => ofType(north(seen, "home-8"), "CemAlive").length;

  before(async () => {
    const port = await freeUdpPort();
    const objects = ["0x026B01", "0x027D01", "0x013001", "0x029001"].map((eoj) => ({ eoj }));
    hub = await startHub({
      site: { id: "home-8" },
      mappings: ["mappings/echonet-lite"],
      simulators: { "el-sim": { package: "@gridhub/echonet-lite", config: { port, multicast: { enabled: false }, tickMs: 100, nodes: [{ address: "127.0.0.78", objects }] } } },
      adapters: { el: { package: "@gridhub/echonet-lite", config: { bind: { address: "127.0.0.1", port: 0 }, peerPort: port, multicast: { enabled: false }, request: { timeoutMs: 2000, retries: 2 } } } },
      devices: [
        { id: "water-heater-1", adapter: "el", table: "water-heater/echonet-lite", address: { host: "127.0.0.78", eoj: "0x026B01" } },
        { id: "battery-1", adapter: "el", table: "storage-battery/echonet-lite", address: { host: "127.0.0.78", eoj: "0x027D01" } },
        { id: "ac-1", adapter: "el", table: "air-conditioner/echonet-lite", address: { host: "127.0.0.78", eoj: "0x013001" } },
        { id: "light-1", adapter: "el", table: "lighting/echonet-lite", address: { host: "127.0.0.78", eoj: "0x029001" } },
      ],
      cem: {
        alive: { interval: "PT0.2S" },
        policies: { disaster: { blackoutLead: "PT0.2S" } },
        devices: { "water-heater-1": { keepInDisaster: true }, "battery-1": { keepInDisaster: true }, "ac-1": { priority: 10 }, "light-1": { priority: 5 } },
      },
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("switches the others off in order, charges the battery rapidly, reports, keeps reporting alive, stops the rest before the blackout, and restores", async () => {
    const signal = await fromGrid(hub, "GridStatus", { disaster: { active: true, kind: "earthquake" } }, { source: "ieee2030-5:client" });
    await until(() => sets("0x029001", "0x80").length && sets("0x013001", "0x80").length && sets("0x027D01", "0xDA").length, 8000, "the accommodation");
    const off = seen.filter((m) => m.type === "Command" && m.source === "cem:home-8").map((m) => m.type === "Command" && `${m.body.device}:${m.body.command.action}`);
    assert.deepEqual(off, ["light-1:off", "ac-1:off", "battery-1:charge"], "least important first; the prioritised battery charges");
    assert.deepEqual([sets("0x029001", "0x80"), sets("0x013001", "0x80"), sets("0x027D01", "0xDA")], [["31"], ["31"], ["41"]], "off, off, rapid charge");
    assert.equal(toDevice(seen, "water-heater-1").length, 0, "the prioritised water heater keeps running");
    await until(() => ofType(north(seen, "home-8"), "LogInfo").some((m) => m.correlationId === signal.id), 6000, "the accommodation report");
    const report = ofType(north(seen, "home-8"), "LogInfo").find((m) => m.correlationId === signal.id)!;
    assert.equal(report.body.kind, "accommodation-report");
    assert.deepEqual(report.body.entries.map((e) => `${e.device}:${e.event}`), ["light-1:off", "ac-1:off", "water-heater-1:kept", "battery-1:rapid charge"]);
    await until(() => ofType(north(seen, "home-8"), "Result").some((m) => m.correlationId === signal.id), 6000, "the devices' results");

    const during = alive();
    await until(() => alive() > during + 1, 6000, "CemAlive during the disaster");

    const now = Date.now();
    await fromGrid(hub, "GridStatus", { scheduledBlackout: { start: iso(now + 700), end: iso(now + 1400) } }, { source: "ieee2030-5:client" });
    await until(() => sets("0x027D01", "0xDA").length >= 2 && sets("0x026B01", "0x80").length >= 1, 6000, "the remaining two stopped");
    assert.deepEqual([sets("0x027D01", "0xDA")[1], sets("0x026B01", "0x80")[0]], ["44", "31"]);
    await until(() => sets("0x027D01", "0xDA").length >= 3 && sets("0x026B01", "0x80").length >= 2, 6000, "power back after the blackout");
    assert.deepEqual([sets("0x027D01", "0xDA")[2], sets("0x026B01", "0x80")[1]], ["41", "30"], "rapid charge again; water heater on");

    await fromGrid(hub, "GridStatus", { disaster: { active: false } }, { source: "ieee2030-5:client" });
    await until(() => sets("0x029001", "0x80").length >= 2 && sets("0x013001", "0x80").length >= 2 && sets("0x027D01", "0xDA").length >= 4, 6000, "normal again");
    assert.deepEqual([sets("0x029001", "0x80")[1], sets("0x013001", "0x80")[1], sets("0x027D01", "0xDA")[3]], ["30", "30", "44"], "on, on, the battery's own standby");
    assert.ok(hub.cem!.decisions({ policy: "disaster" }).some((d) => d.action === "lift"));
  });
});
