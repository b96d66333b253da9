import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { OadrCodecError, parse, serialize } from "../src/codec/index.ts";
import { FIXTURES, allFixtures } from "./fixtures/messages.ts";
import { withDefaultNamespaces, withOddPrefixes } from "./fixtures/prefixes.ts";

const FOREIGN = "urn:example:vendor-extension";

function refusal(fn: () => unknown): OadrCodecError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OadrCodecError, `expected OadrCodecError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the payload to be refused");
}

describe("OpenADR codec: namespaces, not prefixes", () => {
  for (const [label, msg] of allFixtures()) {
    it(`${label}: the same message from usual prefixes, default namespaces and odd prefixes`, () => {
      const usual = serialize(msg);
      const byDefault = withDefaultNamespaces(usual);
      const odd = withOddPrefixes(usual);
      assert.doesNotMatch(byDefault, /<\w+:/, "default-namespace variant still has prefixed elements");
      assert.match(odd, /<ei:oadrPayload /, "odd variant should bind ei: to the oadr namespace");
      assert.deepStrictEqual(parse(usual), msg);
      assert.deepStrictEqual(parse(byDefault), msg);
      assert.deepStrictEqual(parse(odd), msg);
    });
  }

  it("ignores elements from foreign namespaces anywhere, even when their local names are OpenADR names", () => {
    const msg = FIXTURES.oadrDistributeEvent.full;
    const vendor = `<v:extension xmlns:v="${FOREIGN}"><v:eventID>not-this-one</v:eventID><v:deep><v:deeper/></v:deep></v:extension>`;
    const xml = serialize(msg)
      .replace("<oadr:oadrSignedObject>", `<oadr:oadrSignedObject>${vendor}<v:oadrPoll xmlns:v="${FOREIGN}"/>`)
      .replace("<ei:eventDescriptor>", `<ei:eventDescriptor><x:eventID xmlns:x="${FOREIGN}">wrong</x:eventID>`)
      .replace("<pyld:requestID>req-d", `${vendor}<pyld:requestID>req-d`)
      .replace("</ei:eiTarget></ei:eiEvent>", `${vendor}</ei:eiTarget></ei:eiEvent>`)
      .replace("</oadr:oadrDistributeEvent>", `${vendor}</oadr:oadrDistributeEvent>`);
    assert.deepStrictEqual(parse(xml), msg);
  });

  it("ignores OpenADR-namespace elements the model does not know (e.g. a future extension)", () => {
    const msg = FIXTURES.oadrPoll.minimal;
    const xml = serialize(msg).replace("<ei:venID>", "<oadr:oadrFutureThing>1</oadr:oadrFutureThing><ei:venID>");
    assert.deepStrictEqual(parse(xml), msg);
  });

  it("refuses a known payload name in a wrong namespace as an unknown payload", () => {
    const xml = serialize(FIXTURES.oadrPoll.minimal).replace(/oadr:oadrPoll/g, "v:oadrPoll").replace("<v:oadrPoll", `<v:oadrPoll xmlns:v="${FOREIGN}"`);
    const err = refusal(() => parse(xml));
    assert.equal(err.kind, "UNKNOWN_PAYLOAD");
    assert.equal(err.responseCode, 453);
    assert.match(err.message, new RegExp(`\\{${FOREIGN}\\}oadrPoll`));
  });

  it("does not find a required element that is in the wrong namespace", () => {
    const xml = serialize(FIXTURES.oadrPoll.minimal).replace(/ei:venID/g, "emix:venID");
    const err = refusal(() => parse(xml));
    assert.equal(err.kind, "INVALID");
    assert.equal(err.path, "oadrPayload/oadrSignedObject/oadrPoll");
    assert.match(err.message, /missing required element venID/);
  });

  it("refuses a wrong root namespace (OpenADR 2.0a, or none at all)", () => {
    const xml = serialize(FIXTURES.oadrPoll.minimal);
    const a = refusal(() => parse(xml.replace("http://openadr.org/oadr-2.0b/2012/07", "http://openadr.org/oadr-2.0a/2012/07")));
    assert.equal(a.kind, "NOT_OADR");
    assert.equal(a.responseCode, 453);
    assert.match(a.message, /oadr-2\.0a/);
    const none = refusal(() => parse("<oadrPayload><oadrSignedObject/></oadrPayload>"));
    assert.equal(none.kind, "NOT_OADR");
  });

  it("refuses a different root element in the right namespace", () => {
    const err = refusal(() => parse('<o:oadrPoll xmlns:o="http://openadr.org/oadr-2.0b/2012/07"/>'));
    assert.equal(err.kind, "NOT_OADR");
  });
});
