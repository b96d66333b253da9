import assert from "node:assert/strict";
import { durationMs, fromUnit, makeMessage, MessageValidationError, messageTypes, toUnit, validateMessage } from "../src/model/index.ts";
import { samples } from "./fixtures/messages.ts";

const envelope = (type: string, body: unknown) => ({
  id: "msg-1", type, source: "test", targets: [{ kind: "all" }], created: "2026-11-21T11:00:00Z", body,
});

describe("neutral model (IEC TR 62746-2 message catalogue)", () => {
  it("has a sample for every catalogue type", () => {
    assert.deepEqual(Object.keys(samples).sort(), [...messageTypes].sort());
  });

  for (const type of messageTypes) {
    describe(type, () => {
      it("accepts a good message", () => {
        const m = validateMessage(envelope(type, samples[type].good));
        assert.equal(m.type, type);
      });
      it(`rejects a bad one, naming ${samples[type].field}`, () => {
        assert.throws(() => validateMessage(envelope(type, samples[type].bad)), (e: unknown) => {
          assert.ok(e instanceof MessageValidationError);
          assert.ok(e.issues.some((i) => i.path === samples[type].field), `issues: ${JSON.stringify(e.issues)}`);
          assert.match(e.message, new RegExp(`^invalid ${type} message`));
          return true;
        });
      });
    });
  }

  it("rejects an unknown type and a non-object", () => {
    assert.throws(() => validateMessage(envelope("Teleport", {})), /unknown message type "Teleport"/);
    assert.throws(() => validateMessage("hello"), /must be a JSON object/);
  });

  it("requires targets, an offset on instants, and a validity end after its start", () => {
    assert.throws(() => validateMessage({ ...envelope("GridStatus", {}), targets: [] }), /targets: needs at least one target/);
    assert.throws(() => validateMessage({ ...envelope("GridStatus", {}), created: "2026-11-21 11:00" }), /created: must be an ISO 8601 date-time with an offset/);
    assert.throws(() => validateMessage({ ...envelope("GridStatus", {}), validity: { start: "2026-11-21T12:00:00Z", end: "2026-11-21T11:00:00Z" } }), /validity.end: must be after validity.start/);
  });

  it("keeps unknown envelope fields under ext and drops unknown body fields (unknown content never rejects)", () => {
    const m = validateMessage({ ...envelope("GridStatus", { trafficLight: "red", colour: "crimson" }), vendorHint: 42 });
    assert.deepEqual(m.ext, { vendorHint: 42 });
    assert.deepEqual(m.body, { trafficLight: "red" });
  });

  it("makeMessage fills id, created and targets and validates", () => {
    const m = makeMessage("GridStatus", { trafficLight: "green" }, { source: "cem:site" });
    assert.match(m.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(m.targets, [{ kind: "all" }]);
    assert.throws(() => makeMessage("GridStatus", { trafficLight: "blue" as "red" }, { source: "x" }), MessageValidationError);
  });

  it("converts quantities with multipliers and units", () => {
    assert.equal(toUnit({ value: 2, multiplier: 3, unit: "W" }, "W"), 2000);
    assert.equal(toUnit({ value: 2500, unit: "W" }, "kW"), 2.5);
    assert.equal(toUnit({ value: 20, unit: "degC" }, "degF"), 68);
    assert.throws(() => toUnit({ value: 1, unit: "W" }, "Wh"), /cannot convert W to Wh/);
    assert.deepEqual(fromUnit(3, "kWh"), { value: 3, multiplier: 3, unit: "Wh" });
    assert.deepEqual(fromUnit(68, "degF"), { value: 20, unit: "degC" });
  });

  it("computes ISO 8601 durations", () => {
    assert.equal(durationMs("PT1H30M"), 5_400_000);
    assert.equal(durationMs("P1DT0.5S"), 86_400_500);
    assert.throws(() => durationMs("P"), /not an ISO 8601 duration/);
    assert.throws(() => durationMs("PT"), /not an ISO 8601 duration/);
  });
});
