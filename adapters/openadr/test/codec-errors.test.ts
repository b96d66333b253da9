import assert from "node:assert/strict";
import { describe, it } from "mocha";
import {
  DEFAULT_MAX_BYTES,
  OadrCodecError,
  parse,
  serialize,
  type OadrCodecErrorKind,
  type OadrMessage,
} from "../src/codec/index.ts";
import { FIXTURES } from "./fixtures/messages.ts";

const OADR = "http://openadr.org/oadr-2.0b/2012/07";
const poll = serialize(FIXTURES.oadrPoll.minimal);
const distribute = serialize(FIXTURES.oadrDistributeEvent.full);

function refused(kind: OadrCodecErrorKind, fn: () => unknown): OadrCodecError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OadrCodecError, `expected OadrCodecError, got ${String(err)}`);
    assert.equal(err.kind, kind, `expected ${kind}, got ${err.kind}: ${err.message}`);
    return err;
  }
  assert.fail(`expected a ${kind} refusal`);
}

const withBody = (body: string) => `<oadr:oadrPayload xmlns:oadr="${OADR}"><oadr:oadrSignedObject>${body}</oadr:oadrSignedObject></oadr:oadrPayload>`;

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("\n  ")}
]>
${withBody("<oadr:oadrPoll><ei:venID xmlns:ei=\"http://docs.oasis-open.org/ns/energyinterop/201110\">&lol9;</ei:venID></oadr:oadrPoll>")}`;

describe("OpenADR codec: hostile and bad input", () => {
  describe("DOCTYPE / entities (XXE, billion laughs) are refused outright", () => {
    it("refuses an external entity (XXE) with 451 not allowed", () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${withBody("<oadr:oadrPoll>&xxe;</oadr:oadrPoll>")}`;
      const err = refused("FORBIDDEN_DTD", () => parse(xxe));
      assert.equal(err.responseCode, 451);
      assert.doesNotMatch(err.message, /root:/);
    });

    it("refuses billion laughs", () => {
      refused("FORBIDDEN_DTD", () => parse(BILLION_LAUGHS));
    });

    it("refuses at the DOCTYPE, before reading the rest of the document", () => {
      // Whatever follows the DOCTYPE (here: not even well-formed) is never looked at.
      refused("FORBIDDEN_DTD", () => parse(`<!DOCTYPE p [<!ENTITY a "b">]><unclosed><<<&a;`));
    });

    it("refuses any DOCTYPE: external DTD, parameter entities, or a bare name", () => {
      refused("FORBIDDEN_DTD", () => parse(`<!DOCTYPE oadrPayload SYSTEM "http://127.0.0.1:1/evil.dtd">${poll.slice(poll.indexOf("<oadr:"))}`));
      refused("FORBIDDEN_DTD", () => parse(`<!DOCTYPE p [<!ENTITY % pe SYSTEM "http://127.0.0.1:1/x"> %pe;]><p/>`));
      refused("FORBIDDEN_DTD", () => parse(`<!DOCTYPE oadrPayload>${poll.slice(poll.indexOf("<oadr:"))}`));
    });

    it("refuses an entity reference without a DTD as malformed (only the five XML entities exist)", () => {
      refused("MALFORMED", () => parse(withBody("<oadr:oadrPoll>&nbsp;</oadr:oadrPoll>")));
    });
  });

  describe("size limit, checked before parsing", () => {
    it("refuses a body over the configured limit", () => {
      const err = refused("TOO_LARGE", () => parse(poll, { maxBytes: poll.length - 1 }));
      assert.equal(err.responseCode, 451);
      assert.deepStrictEqual(parse(poll, { maxBytes: poll.length }), FIXTURES.oadrPoll.minimal);
    });

    it("counts UTF-8 bytes, not characters", () => {
      const msg: OadrMessage = { type: "oadrPoll", venID: "€".repeat(100) };
      const xml = serialize(msg);
      const bytes = Buffer.byteLength(xml);
      refused("TOO_LARGE", () => parse(xml, { maxBytes: bytes - 1 }));
      refused("TOO_LARGE", () => parse(Buffer.from(xml), { maxBytes: bytes - 1 }));
      assert.deepStrictEqual(parse(xml, { maxBytes: bytes }), msg);
    });

    it("applies a 1 MiB default", () => {
      assert.equal(DEFAULT_MAX_BYTES, 1024 * 1024);
      const huge = withBody(`<oadr:oadrPoll><!--${"x".repeat(DEFAULT_MAX_BYTES)}--></oadr:oadrPoll>`);
      refused("TOO_LARGE", () => parse(huge));
      refused("TOO_LARGE", () => parse(Buffer.from(huge)));
    });
  });

  describe("malformed XML", () => {
    it("refuses a truncated payload with 454 invalid data", () => {
      const err = refused("MALFORMED", () => parse(distribute.slice(0, Math.floor(distribute.length / 2))));
      assert.equal(err.responseCode, 454);
    });

    it("refuses mismatched tags, unbound prefixes, garbage and empty bodies", () => {
      refused("MALFORMED", () => parse(poll.replace("</ei:venID>", "</ei:vtnID>")));
      refused("MALFORMED", () => parse(poll.replace(/xmlns:ei="[^"]*"/, "")));
      refused("MALFORMED", () => parse("this is not xml"));
      refused("MALFORMED", () => parse(""));
      refused("MALFORMED", () => parse(`${poll}<second/>`));
    });

    it("refuses bytes that are not UTF-8, and other declared encodings", () => {
      const latin1 = Buffer.from(poll.replace("VEN-1", "VEN-\u00e9").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "latin1");
      refused("MALFORMED", () => parse(latin1));
      const declaredOnly = Buffer.from(poll.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "utf8");
      const err = refused("MALFORMED", () => parse(declaredOnly));
      assert.match(err.message, /ISO-8859-1/);
    });

    it("accepts a UTF-8 byte order mark", () => {
      assert.deepStrictEqual(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(poll)])), FIXTURES.oadrPoll.minimal);
      assert.deepStrictEqual(parse(`\ufeff${poll}`), FIXTURES.oadrPoll.minimal);
    });
  });

  describe("well-formed but not a valid payload", () => {
    it("refuses an empty or unknown oadrSignedObject content", () => {
      const err = refused("UNKNOWN_PAYLOAD", () => parse(withBody("<oadr:oadrSomething/>")));
      assert.equal(err.responseCode, 453);
      refused("UNKNOWN_PAYLOAD", () => parse(withBody("")));
      refused("INVALID", () => parse(`<oadr:oadrPayload xmlns:oadr="${OADR}"/>`));
    });

    it("names the path of a missing required element", () => {
      const err = refused("INVALID", () => parse(distribute.replace("<ei:vtnID>VTN-1</ei:vtnID>", "")));
      assert.equal(err.path, "oadrPayload/oadrSignedObject/oadrDistributeEvent");
      assert.equal(err.responseCode, 454);
      const deep = refused("INVALID", () => parse(distribute.replace(/<ei:signalID>sig-price<\/ei:signalID>/, "")));
      assert.equal(deep.path, "oadrPayload/oadrSignedObject/oadrDistributeEvent/oadrEvent/eiEvent/eiEventSignals/eiEventSignal");
    });

    it("refuses values outside their XSD type, naming the element", () => {
      const cases: [from: string | RegExp, to: string, element: RegExp][] = [
        ["<ei:modificationNumber>3<", "<ei:modificationNumber>three<", /modificationNumber: "three" is not an unsigned integer/],
        ["<ei:modificationNumber>3<", "<ei:modificationNumber>-1<", /modificationNumber/],
        ["<ei:eventStatus>near<", "<ei:eventStatus>soon<", /eventStatus: "soon" is not one of none, far/],
        ["<ei:signalType>price<", "<ei:signalType>x-made-up<", /signalType/],
        ["<ei:signalName>ELECTRICITY_PRICE<", "<ei:signalName>PRICE<", /signalName: "PRICE" is not one of .* or an x- extension/],
        ["2026-01-01T09:00:00Z", "2026-01-01T09:00:00+01:00", /createdDateTime: .* not an OpenADR date-time/],
        ["<xcal:duration>PT2H<", "<xcal:duration>2 hours<", /duration: "2 hours" is not an OpenADR duration/],
        ["<ei:value>0.1<", "<ei:value>0,1<", /value: "0,1" is not a number/],
        ["<ei:responseCode>200<", "<ei:responseCode>20<", /responseCode: "20" is not a 3-digit response code/],
        ["<power:ac>true<", "<power:ac>yes<", /ac: "yes" is not a boolean/],
        ["<oadr:oadrResponseRequired>always<", "<oadr:oadrResponseRequired>sometimes<", /oadrResponseRequired/],
      ];
      for (const [from, to, message] of cases) {
        const xml = distribute.replace(from, to);
        assert.notEqual(xml, distribute, `fixture lacks ${String(from)}`);
        const err = refused("INVALID", () => parse(xml));
        assert.match(err.message, message);
      }
    });

    it("refuses an interval list or signal list that the schema requires to be non-empty", () => {
      const noIntervals = distribute.replace(/<strm:intervals>.*?<\/strm:intervals>/, "<strm:intervals></strm:intervals>");
      assert.match(refused("INVALID", () => parse(noIntervals)).message, /needs at least one interval/);
    });
  });

  describe("refusing changes nothing", () => {
    it("leaves the input untouched and the next parse unaffected", () => {
      const input = Buffer.from(BILLION_LAUGHS);
      const copy = Buffer.from(input);
      refused("FORBIDDEN_DTD", () => parse(input));
      assert.ok(input.equals(copy));
      assert.deepStrictEqual(parse(poll), FIXTURES.oadrPoll.minimal);
    });

    it("leaves a refused message untouched", () => {
      const msg = structuredClone(FIXTURES.oadrDistributeEvent.full);
      msg.events[0]!.eventDescriptor.modificationNumber = -1;
      const before = structuredClone(msg);
      refused("UNSERIALIZABLE", () => serialize(msg));
      assert.deepStrictEqual(msg, before);
    });
  });

  describe("serialize refuses what would not validate", () => {
    const bad = <T extends OadrMessage>(base: T, mutate: (m: T) => void): T => {
      const m = structuredClone(base);
      mutate(m);
      return m;
    };
    const event = FIXTURES.oadrDistributeEvent.full;

    const cases: [string, OadrMessage, RegExp][] = [
      ["an unknown payload type", { type: "oadrNope" } as unknown as OadrMessage, /unknown payload type "oadrNope"/],
      ["a negative modificationNumber", bad(event, (m) => (m.events[0]!.eventDescriptor.modificationNumber = -1)), /eventDescriptor\/modificationNumber: -1 is not an unsigned integer/],
      ["a fractional priority", bad(event, (m) => (m.events[0]!.eventDescriptor.priority = 1.5)), /priority/],
      ["a date-time with an offset", bad(event, (m) => (m.events[0]!.eventDescriptor.createdDateTime = "2026-01-01T00:00:00+02:00")), /createdDateTime/],
      ["a malformed duration", bad(event, (m) => (m.events[0]!.eiActivePeriod.duration = "1h")), /properties\/duration\/duration/],
      ["an empty interval list", bad(event, (m) => (m.events[0]!.eiEventSignals[0]!.intervals = [])), /intervals\/interval: needs at least one interval/],
      ["no event signal", bad(event, (m) => (m.events[0]!.eiEventSignals = [])), /needs at least one eiEventSignal/],
      ["a signal name outside the enumeration", bad(event, (m) => ((m.events[0]!.eiEventSignals[0]! as { signalName: string }).signalName = "PRICE")), /signalName/],
      ["a control character in a string", bad(event, (m) => (m.events[0]!.eventDescriptor.vtnComment = "bell\u0007")), /vtnComment: contains characters XML cannot carry/],
      ["an unpaired surrogate", bad(event, (m) => (m.requestID = "\ud800")), /requestID/],
      ["a response code of 4 digits", bad(FIXTURES.oadrResponse.full, (m) => (m.eiResponse.responseCode = 1000)), /responseCode/],
      ["a number where a string belongs", bad(FIXTURES.oadrPoll.minimal, (m) => ((m as { venID: unknown }).venID = 42)), /venID: 42 is not a string/],
      ["an unknown itemBase kind", bad(event, (m) => ((m.events[0]!.eiEventSignals[0]!.itemBase as { kind: string }).kind = "watts")), /unknown itemBase kind "watts"/],
      ["a non-ISO currency", bad(event, (m) => ((m.events[0]!.eiEventSignals[0]!.itemBase as { itemUnits: string }).itemUnits = "euro")), /itemUnits/],
      ["a float beyond xs:float", bad(event, (m) => (m.events[0]!.eiEventSignals[0]!.intervals[0]!.signalPayload = 1e39)), /outside the xs:float range/],
      ["a confidence over 100", bad(FIXTURES.oadrUpdateReport.full, (m) => (m.reports[0]!.intervals![0]!.payloads[0]!.confidence = 101)), /confidence/],
      ["a report interval without payloads", bad(FIXTURES.oadrUpdateReport.full, (m) => (m.reports[0]!.intervals![0]!.payloads = [])), /needs at least one oadrReportPayload/],
      ["no report request in oadrCreateReport", bad(FIXTURES.oadrCreateReport.full, (m) => (m.reportRequests = [])), /needs at least one oadrReportRequest/],
      ["no transport in a profile", bad(FIXTURES.oadrCreatedPartyRegistration.full, (m) => (m.profiles[0]!.transports = [])), /needs at least one oadrTransport/],
      ["a gml:id that is not an NCName", bad(event, (m) => (m.events[0]!.eiTarget.serviceArea![0]!.id = "1 bad")), /serviceArea\/@id: "1 bad" is not an XML ID/],
    ];
    for (const [what, msg, message] of cases) {
      it(`refuses ${what}`, () => {
        const err = refused("UNSERIALIZABLE", () => serialize(msg));
        assert.match(err.message, message);
      });
    }
  });
});
