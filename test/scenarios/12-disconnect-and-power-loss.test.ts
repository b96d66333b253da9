/**
 * Scenario 12: Unexpected disconnect and power loss (JWG11, WGSP2113, JWG3102).
 * Devices on the memory adapter (which can take a device offline): an air conditioner and a heat pump polled
 * every 100 ms, and the site meter, which sits before the main breaker.
 * Northbound: what the grid adapters would carry up (DeviceStatus, Warning) is asserted as the CEM publishes it.
 */
import assert from "node:assert/strict";
import type { Hub } from "../../src/hub/hub.ts";
import { durationMs } from "../../src/model/index.ts";
import { memory } from "../fixtures/memory-adapter.ts";
import { memoryAdapter, north, ofType, record, scenarioMappings, startHub, until } from "./support.ts";

describe("scenario 12: unexpected disconnect and power loss", function () {
  let hub: Hub;
  let seen: ReturnType<typeof record>;
  const warnings = (kind: string) => ofType(north(seen, "home-12"), "Warning").filter((w) => w.body.kind === kind);

  before(async () => {
    memory.reset();
    memory.set("ac-1", "status", 1);
    memory.set("ac-1", "setpoint", 26);
    memory.set("ac-1", "power", 800);
    memory.set("hp-1", "power", 1200);
    memory.set("hp-1", "flow", 45);
    memory.set("meter-1", "0xE7", 2000);
    hub = await startHub({
      site: { id: "home-12" },
      mappings: [scenarioMappings],
      adapters: { mem: { package: memoryAdapter } },
      devices: [
        { id: "ac-1", adapter: "mem", table: "room-ac/memory", address: { id: "ac-1" } },
        { id: "hp-1", adapter: "mem", table: "heat-pump/memory", address: { id: "hp-1" } },
        { id: "meter-1", adapter: "mem", table: "site-meter/memory", address: { id: "meter-1" } },
      ],
      cem: {},
    });
    seen = record(hub);
  });
  after(() => hub?.stop());

  it("reports a device that misses two status messages and the status request as unreachable, with a disconnect warning", async () => {
    memory.offline.add("hp-1");
    await until(() => ofType(north(seen, "home-12"), "DeviceStatus").some((s) => s.body.device === "hp-1" && s.body.state === "unreachable"), 6000, "DeviceStatus unreachable north");
    assert.ok(warnings("disconnect").some((w) => w.body.scope.kind === "device" && w.body.scope.id === "hp-1"));
    assert.equal(hub.cem!.decisions({ target: "hp-1" })[0].why, "status request unanswered");
    memory.offline.delete("hp-1");
    await until(() => hub.cem!.decisions({ target: "hp-1" })[0].action === "reachable", 6000, "back");
  });

  it("after a breaker trip reports the post-event data and event terminated, and puts the devices back to their pre-event states", async () => {
    await until(() => hub.telemetry.live.get("ac-1")?.setpoint_c?.value === 26, 6000, "the AC's state in the history");
    memory.offline.add("ac-1");
    memory.offline.add("hp-1");
    await until(() => hub.cem!.decisions({ policy: "supervision" }).some((d) => d.action === "power loss"), 6000, "the power loss");
    // the AC reboots to its defaults while the power is off
    memory.set("ac-1", "status", 0);
    memory.set("ac-1", "setpoint", 20);
    memory.offline.clear();

    await until(() => warnings("event-terminated").length === 1, 6000, "event terminated");
    const post = warnings("blackout")[0].body;
    assert.equal(post.event?.type, "breaker-trip", "the meter before the breaker stayed up");
    assert.ok(durationMs(post.event!.duration!) > 0);
    await until(() => memory.point("ac-1", "status").value === 1 && memory.point("ac-1", "setpoint").value === 26, 6000, "the AC back to on at 26 °C");
    assert.match(hub.cem!.decisions({ target: "ac-1" }).find((d) => d.action === "restore")!.why, /with on, setTemperature/);
  });

  it("calls it a grid blackout when the meter went down too", async () => {
    for (const d of ["ac-1", "hp-1", "meter-1"]) memory.offline.add(d);
    await until(() => hub.cem!.decisions({ policy: "supervision" }).filter((d) => d.action === "power loss").length === 2, 6000, "the second power loss");
    await until(() => hub.cem!.decisions({ target: "meter-1" }).some((d) => d.action === "unreachable"), 6000, "the meter gone too");
    memory.offline.clear();
    await until(() => warnings("blackout").length === 2, 6000, "the post-event data");
    assert.equal(warnings("blackout")[1].body.event?.type, "grid-blackout");
  });
});
