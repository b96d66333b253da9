import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "mocha";
import { PAYLOAD_TYPES, parse, serialize, type OadrMessage } from "../src/codec/index.ts";
import { FIXTURES, allFixtures } from "./fixtures/messages.ts";
import { SCHEMA_DIR, validateWithXmllint } from "./fixtures/xmllint.ts";

const sample = (name: string) => readFileSync(`${SCHEMA_DIR}samples/${name}`);

describe("OpenADR codec: serialize -> xmllint -> parse round trip", () => {
  it("has fixtures for every payload the codec knows, and knows all 23 payloads", () => {
    assert.equal(PAYLOAD_TYPES.length, 23);
    assert.deepEqual([...PAYLOAD_TYPES].sort(), Object.keys(FIXTURES).sort());
  });

  for (const [label, msg] of allFixtures()) {
    it(`${label}: output validates against oadr_20b.xsd and parses back to the same message`, () => {
      const xml = serialize(msg);
      const validation = validateWithXmllint(xml);
      assert.ok(validation.valid, `xmllint rejected the output:\n${validation.output}\n${xml}`);
      assert.deepStrictEqual(parse(xml), msg);
    });
  }

  it("the xmllint check is not vacuous: a document missing a required element fails it", () => {
    const xml = serialize(FIXTURES.oadrDistributeEvent.empty).replace("<ei:vtnID>VTN-1</ei:vtnID>", "");
    const validation = validateWithXmllint(xml);
    assert.equal(validation.valid, false);
    assert.match(validation.output, /vtnID/);
  });

  it("parses from a Buffer the same as from a string", () => {
    const xml = serialize(FIXTURES.oadrDistributeEvent.full);
    assert.deepStrictEqual(parse(Buffer.from(xml, "utf8")), parse(xml));
  });

  it("serializes numbers in XSD lexical forms (no exponent in xs:decimal, INF/NaN in xs:float)", () => {
    const xml = serialize(FIXTURES.oadrDistributeEvent.full) + serialize(FIXTURES.oadrRegisterReport.full) + serialize(FIXTURES.oadrUpdateReport.full);
    assert.match(xml, /<power:voltage>0\.0000001<\/power:voltage>/);
    assert.match(xml, /<ei:value>-INF<\/ei:value>/);
    assert.match(xml, /<ei:value>NaN<\/ei:value>/);
    assert.match(xml, /<ei:value>1e\+21<\/ei:value>/);
    assert.match(xml, /&#13;\nsecond line/);
  });
});

describe("OpenADR codec: shared samples", () => {
  it("parses oadrDistributeEvent.xml", () => {
    const msg = parse(sample("oadrDistributeEvent.xml"));
    const expected: OadrMessage = {
      type: "oadrDistributeEvent",
      requestID: "req-1",
      vtnID: "VTN-1",
      events: [
        {
          eventDescriptor: {
            eventID: "event-1",
            modificationNumber: 0,
            priority: 0,
            marketContext: "http://MarketContext1",
            createdDateTime: "2026-01-01T00:00:00Z",
            eventStatus: "far",
            testEvent: "false",
          },
          eiActivePeriod: { dtstart: "2026-01-01T12:00:00Z", duration: "PT1H" },
          eiEventSignals: [
            { intervals: [{ duration: "PT1H", uid: "0", signalPayload: 1 }], signalName: "SIMPLE", signalType: "level", signalID: "sig-1", currentValue: 0 },
          ],
          eiTarget: { venID: ["VEN-1"] },
          responseRequired: "always",
        },
      ],
    };
    assert.deepStrictEqual(msg, expected);
  });

  it("parses the openleadr-generated oadrDistributeEvent (default namespaces, redeclared prefixes)", () => {
    const msg = parse(sample("oadrDistributeEvent.openleadr.xml"));
    assert.equal(msg.type, "oadrDistributeEvent");
    if (msg.type !== "oadrDistributeEvent") return;
    assert.equal(msg.requestID, "req-1");
    assert.equal(msg.vtnID, "VTN-1");
    const [event] = msg.events;
    assert.deepStrictEqual(event!.eventDescriptor, {
      eventID: "event-001",
      modificationNumber: 0,
      modificationDateTime: "2026-11-21T22:10:55.975113Z",
      priority: 0,
      marketContext: "oadr://interop.test/simple",
      createdDateTime: "2026-01-01T00:00:00.000000Z",
      eventStatus: "completed",
      testEvent: "false",
    });
    assert.deepStrictEqual(event!.eiActivePeriod, { dtstart: "2026-01-01T12:00:00.000000Z", duration: "PT1H" });
    assert.deepStrictEqual(event!.eiEventSignals[0]!.intervals, [
      { dtstart: "2026-01-01T12:00:00.000000Z", duration: "PT1H", uid: "0", signalPayload: 1 },
    ]);
    assert.deepStrictEqual(event!.eiTarget, { venID: ["VEN-1"] });
    assert.equal(event!.responseRequired, "always");
  });

  it("parses oadrPoll.xml", () => {
    assert.deepStrictEqual(parse(sample("oadrPoll.xml")), { type: "oadrPoll", venID: "VEN-1" });
  });

  it("re-serializes every sample to schema-valid XML that parses to the same message", () => {
    for (const name of ["oadrDistributeEvent.xml", "oadrDistributeEvent.openleadr.xml", "oadrPoll.xml"]) {
      const msg = parse(sample(name));
      const xml = serialize(msg);
      const validation = validateWithXmllint(xml);
      assert.ok(validation.valid, `${name}: ${validation.output}`);
      assert.deepStrictEqual(parse(xml), msg);
    }
  });
});
