/** Neutral messages through the mapping tables (the hub's own engine) down to the raw codes the adapter writes. */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluate, loadTableFile, toRaw, type MappingTable } from "gridhub/mapping";
import { makeMessage, type BodyOf } from "gridhub/model";

const dir = fileURLToPath(new URL("../../../mappings/echonet-lite/", import.meta.url));
const table = (file: string): MappingTable => loadTableFile(join(dir, file))[0].table;
const kW = (v: number) => ({ value: v, multiplier: 3, unit: "W" as const });
const init = { source: "cem:test", validity: { start: new Date().toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() } };

/** What the hub would write: point -> raw value, for the rule the message selects now. */
function writes(t: MappingTable, msg: Parameters<typeof evaluate>[1]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const ev of evaluate(t, msg, Date.now())) {
    for (const [point, plan] of Object.entries(ev.points)) {
      assert.equal(plan.error, undefined, plan.error);
      if (plan.value !== undefined) out[point] = toRaw(point, t.points[point], plan.value);
    }
  }
  return out;
}
const command = (c: BodyOf<"Command">["command"]) => makeMessage("Command", { device: "d", command: c }, init);
const lgm = (b: Partial<BodyOf<"LoadGenerationManagement">>) => makeMessage("LoadGenerationManagement", {
  scope: { kind: "all" } as never, direction: "generation", request: "increase", urgency: "normal", mandatory: true, slots: [{ duration: "PT2H" }], ...b,
} as BodyOf<"LoadGenerationManagement">, init);

describe("neutral commands -> ECHONET Lite properties", () => {
  const battery = table("storage-battery.yaml");
  const evse = table("evse.yaml");
  const pv = table("pv.yaml");
  const ac = table("air-conditioner.yaml");
  const heater = table("water-heater.yaml");
  const light = table("lighting.yaml");

  it("storage battery: discharge/charge at the slot's power, limits, and the simple commands", () => {
    assert.deepEqual(writes(battery, lgm({ slots: [{ duration: "PT2H", power: kW(2) }] })), { operation_mode: 0x43, discharge_power_w: 2000 });
    assert.deepEqual(writes(battery, lgm({ direction: "consumption", slots: [{ duration: "PT1H", power: kW(1.2) }] })), { operation_mode: 0x42, charge_power_w: 1200 });
    assert.deepEqual(writes(battery, lgm({ direction: "consumption", request: "limit", slots: [{ duration: "PT1H", power: kW(0.5) }] })), { charge_power_w: 500 });
    assert.deepEqual(writes(battery, lgm({ direction: "consumption", request: "decrease" })), { charge_power_w: 0 });
    assert.deepEqual(writes(battery, command({ action: "charge", power: kW(1.5) })), { operation_mode: 0x42, charge_power_w: 1500 });
    assert.deepEqual(writes(battery, command({ action: "charge", rapid: true })), { operation_mode: 0x41 });
    assert.deepEqual(writes(battery, command({ action: "discharge" })), { operation_mode: 0x43 });
    assert.deepEqual(writes(battery, command({ action: "standby" })), { operation_mode: 0x44 });
    assert.deepEqual(writes(battery, command({ action: "setMode", mode: "auto" })), { operation_mode: 0x46 });
    assert.deepEqual(writes(battery, command({ action: "off" })), { operation_status: 0x31 });
  });

  it("EV charger/discharger: V2H discharge, charge power limit, stop", () => {
    assert.deepEqual(writes(evse, lgm({ slots: [{ duration: "PT1H", power: kW(3) }] })), { operation_mode: 0x43, discharge_power_w: 3000 });
    assert.deepEqual(writes(evse, lgm({ direction: "consumption", request: "limit", slots: [{ duration: "PT1H", power: kW(2) }] })), { charge_power_w: 2000 });
    assert.deepEqual(writes(evse, command({ action: "charge", power: kW(6) })), { operation_mode: 0x42, charge_power_w: 6000 });
    assert.deepEqual(writes(evse, command({ action: "stop" })), { operation_mode: 0x47 });
  });

  it("PV: output restriction in W or as a share", () => {
    assert.deepEqual(writes(pv, lgm({ request: "limit", slots: [{ duration: "PT1H", power: kW(1.2) }] })), { output_limit_w: 1200 });
    assert.deepEqual(writes(pv, lgm({ request: "decrease", slots: [{ duration: "PT1H", relative: -30 }] })), { output_limit_percent: 70 });
  });

  it("air conditioner: mode, temperature, fan, power saving under a load-reduction event", () => {
    assert.deepEqual(writes(ac, command({ action: "setMode", mode: "cool" })), { operation_mode: 0x42 });
    assert.deepEqual(writes(ac, command({ action: "setTemperature", setpoint: { value: 24, unit: "degC" } })), { setpoint_c: 24 });
    assert.deepEqual(writes(ac, command({ action: "setFan", auto: false, level: 3 })), { air_flow: 0x33 });
    assert.deepEqual(writes(ac, command({ action: "setFan", auto: true })), { air_flow: 0x41 });
    assert.deepEqual(writes(ac, lgm({ direction: "consumption", request: "decrease" })), { power_saving: 0x41 });
    assert.deepEqual(writes(ac, command({ action: "on" })), { operation_status: 0x30 });
  });

  it("water heater: stop heating for an event, store heat from a surplus, setpoint", () => {
    assert.deepEqual(writes(heater, lgm({ direction: "consumption", request: "decrease" })), { heating_mode: 0x43 });
    assert.deepEqual(writes(heater, lgm({ direction: "consumption", request: "increase" })), { heating_mode: 0x42 });
    assert.deepEqual(writes(heater, command({ action: "storeHeat" })), { heating_mode: 0x42 });
    assert.deepEqual(writes(heater, command({ action: "increaseHeat", absolute: { value: 75, unit: "degC" } })), { setpoint_c: 75 });
  });

  it("lighting: dim by command or by the event's share", () => {
    assert.deepEqual(writes(light, command({ action: "dim", level: 40 })), { light_level_percent: 40 });
    assert.deepEqual(writes(light, lgm({ direction: "consumption", request: "decrease", slots: [{ duration: "PT1H", relative: -40 }] })), { light_level_percent: 60 });
    assert.deepEqual(writes(light, lgm({ direction: "consumption", request: "decrease" })), { light_level_percent: 50 });
  });
});
