/** Event status from the clock, and which VENs an event reaches with which eiTarget (opt schedules applied). */
import assert from "node:assert/strict";
import { eventStatus, isLive } from "../src/vtn/events.ts";
import type { OptRecord, VenRecord, VtnEvent } from "../src/vtn/records.ts";
import { targetFor } from "../src/vtn/targeting.ts";

const T0 = Date.parse("2026-06-01T12:00:00Z");
const at = (min: number) => T0 + min * 60_000;
const iso = (min: number) => new Date(at(min)).toISOString();

const event = (over: Partial<VtnEvent> = {}): VtnEvent => ({
  eventID: "e", modificationNumber: 0, modificationDateTime: iso(-1), createdDateTime: iso(-60), marketContext: "http://m",
  activePeriod: { dtstart: iso(0), duration: "PT1H", rampUp: "PT10M" },
  signals: [{ signalName: "SIMPLE", signalType: "level", signalID: "s", intervals: [{ duration: "PT1H", signalPayload: 1 }] }],
  targets: {}, responseRequired: "always", cancelled: false, ...over,
});

const ven = (over: Partial<VenRecord> = {}): VenRecord => ({
  venID: "V1", fingerprint: "F", registrationID: "r", profileName: "2.0b", transportName: "simpleHttp", httpPullModel: true,
  reportOnly: false, xmlSignature: false, groups: ["g1"], parties: ["p1"], resources: ["r1", "r2"], ...over,
});

const optOut = (from: number, minutes: number, resourceID?: string[]): OptRecord => ({
  venID: "V1", optID: `o${from}`, optType: "optOut", optReason: "mustRun", vavailability: [{ dtstart: iso(from), duration: `PT${minutes}M` }],
  eiTarget: resourceID ? { resourceID } : { venID: ["V1"] }, createdDateTime: iso(-5), receivedAt: iso(-5),
});

describe("OpenADR VTN event status and targeting", () => {
  it("goes far, near (ramp-up), active, completed; cancelled overrides", () => {
    const ev = event();
    assert.deepEqual([at(-30), at(-5), at(0), at(59), at(60)].map((t) => eventStatus(ev, t)), ["far", "near", "active", "active", "completed"]);
    assert.equal(eventStatus(event({ cancelled: true }), at(-30)), "cancelled");
  });

  it("treats a zero duration as open-ended, and stops sending a cancelled open-ended event after a day", () => {
    const open = event({ activePeriod: { dtstart: iso(0), duration: "PT0S" } });
    assert.equal(eventStatus(open, at(60 * 24 * 365)), "active");
    const cancelled = { ...open, cancelled: true, modificationDateTime: iso(10) };
    assert.equal(isLive(cancelled, at(60)), true);
    assert.equal(isLive(cancelled, at(10 + 24 * 60 + 1)), false);
  });

  it("reaches every VEN when the target is empty, and names only the VEN's own IDs", () => {
    assert.deepEqual(targetFor(event(), ven(), []), { venID: ["V1"] });
    assert.deepEqual(targetFor(event({ targets: { venID: ["V1", "V2"], groupID: ["g1", "g9"], partyID: ["p9"] } }), ven(), []), { venID: ["V1"] });
    assert.deepEqual(targetFor(event({ targets: { partyID: ["p1"] } }), ven(), []), { venID: ["V1"] }, "VTN-side groups and parties reach the whole VEN");
    assert.equal(targetFor(event({ targets: { venID: ["V2"], groupID: ["g9"] } }), ven(), []), undefined);
  });

  it("targets resources without naming the VEN", () => {
    assert.deepEqual(targetFor(event({ targets: { resourceID: ["r2", "r9"] } }), ven(), []), { resourceID: ["r2"] });
    assert.equal(targetFor(event({ targets: { resourceID: ["r9"] } }), ven(), []), undefined);
  });

  it("applies optOut schedules declared before the event: the whole VEN, or some of its resources, where the windows overlap", () => {
    const ev = event({ targets: { venID: ["V1"], resourceID: ["r1", "r2"] } });
    assert.equal(targetFor(ev, ven(), [optOut(-30, 40)]), undefined, "overlapping whole-VEN opt-out");
    assert.deepEqual(targetFor(ev, ven(), [optOut(-30, 20)]), { venID: ["V1"], resourceID: ["r1", "r2"] }, "window ends before the event");
    assert.deepEqual(targetFor(ev, ven(), [optOut(30, 10, ["r1"])]), { venID: ["V1"], resourceID: ["r2"] });
    const byResource = event({ targets: { resourceID: ["r1"] } });
    assert.equal(targetFor(byResource, ven(), [optOut(30, 10, ["r1"])]), undefined, "every targeted resource opted out");
    const later = { ...optOut(-30, 40), receivedAt: iso(0) };
    assert.deepEqual(targetFor(ev, ven(), [later]), { venID: ["V1"], resourceID: ["r1", "r2"] }, "a schedule declared after the event does not withdraw it");
    const optIn = { ...optOut(-30, 120), optType: "optIn" as const };
    assert.deepEqual(targetFor(ev, ven(), [optIn]), { venID: ["V1"], resourceID: ["r1", "r2"] });
  });
});
