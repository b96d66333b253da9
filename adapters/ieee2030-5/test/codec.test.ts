/**
 * The codec against sep.xsd: every resource it writes validates (xmllint, the shared schema), reads back equal;
 * input in either namespace and with any prefixes; unknown content ignored; bad input refused with a reason.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse, parseAs, RESOURCES, SepCodecError, serialize, type ResourceName } from "../src/codec/index.ts";
import { SAMPLES } from "./fixtures.ts";
import { validate } from "./helpers.ts";

const names = Object.keys(RESOURCES) as ResourceName[];
const codecError = (kind: SepCodecError["kind"], message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SepCodecError, String(e));
  assert.equal(e.kind, kind, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

describe("ieee2030-5 codec", () => {
  it("writes every resource so that it validates against sep.xsd", () => {
    const docs = Object.fromEntries(names.map((n) => [n, serialize(n, SAMPLES[n] as never)]));
    assert.deepEqual(validate(docs), {});
  });

  it("reads every resource back as it was written", () => {
    for (const n of names) assert.deepEqual(parse(serialize(n, SAMPLES[n] as never)), { type: n, value: SAMPLES[n] }, n);
  });

  it("reads the schema folder's samples", () => {
    const list = parseAs(readFileSync("/work/shared/schemas/ieee-2030.5/samples/DERControlList.xml"), ["DERControlList"]).value;
    assert.equal(list.DERControl?.[0].DERControlBase.opModMaxLimW, 5000);
    assert.equal(list.DERControl?.[0].responseRequired, "03");
    const dcap = parseAs(readFileSync("/work/shared/schemas/ieee-2030.5/samples/DeviceCapability.xml"), ["DeviceCapability"]).value;
    assert.equal(dcap.EndDeviceListLink?.href, "/edev");
  });

  it("accepts the older http://ieee.org/2030.5 namespace and any prefix, ignoring what it does not know", () => {
    const legacy = `<DERControlList xmlns="http://ieee.org/2030.5" all="1" results="1"><DERControl><mRID>0a</mRID>
      <creationTime>1</creationTime><EventStatus><currentStatus>0</currentStatus><dateTime>1</dateTime><potentiallySuperseded>0</potentiallySuperseded></EventStatus>
      <interval><duration>60</duration><start>100</start></interval><DERControlBase><opModMaxLimW> 4000 </opModMaxLimW></DERControlBase></DERControl></DERControlList>`;
    const a = parseAs(legacy, ["DERControlList"]).value;
    assert.equal(a.DERControl?.[0].mRID, "0A");
    assert.equal(a.DERControl?.[0].EventStatus.potentiallySuperseded, false);
    const prefixed = `<s:DeviceCapability xmlns:s="urn:ieee:std:2030.5:ns" xmlns:x="urn:example:ext" pollRate="60">
      <x:vendor>ignored</x:vendor><s:TimeLink href="/tm"/><s:Unheard>ignored</s:Unheard></s:DeviceCapability>`;
    assert.deepEqual(parse(prefixed), { type: "DeviceCapability", value: { pollRate: 60, TimeLink: { href: "/tm" } } });
  });

  it("reads a control mode marked disabled (2030.5-2023) as absent", () => {
    const xml = serialize("DERControl", SAMPLES.DERControl).replace("<opModMaxLimW>", '<opModMaxLimW disabled="true">');
    const c = parseAs(xml, ["DERControl"]).value;
    assert.equal(c.DERControlBase.opModMaxLimW, undefined);
    assert.equal(c.DERControlBase.opModConnect, true);
  });

  it("refuses DOCTYPEs, malformed and oversized documents, unknown roots and a resource of another type", () => {
    assert.throws(() => parse('<!DOCTYPE x [<!ENTITY a "b">]><Time xmlns="urn:ieee:std:2030.5:ns"/>'), codecError("FORBIDDEN_DTD"));
    assert.throws(() => parse('<Time xmlns="urn:ieee:std:2030.5:ns">'), codecError("MALFORMED"));
    assert.throws(() => parse(serialize("DERControlList", SAMPLES.DERControlList), { maxBytes: 100 }), codecError("TOO_LARGE"));
    assert.throws(() => parse('<Time xmlns="urn:example"/>'), codecError("UNKNOWN_RESOURCE", /\{urn:example\}Time/));
    assert.throws(() => parse('<Gadget xmlns="urn:ieee:std:2030.5:ns"/>'), codecError("UNKNOWN_RESOURCE"));
    assert.throws(() => parseAs(serialize("Time", SAMPLES.Time), ["EndDevice"]), codecError("UNKNOWN_RESOURCE", /expected EndDevice, got Time/));
  });

  it("names the element of a missing or out-of-range value", () => {
    const noMrid = serialize("DERControl", SAMPLES.DERControl).replace(/<mRID>[^<]*<\/mRID>/, "");
    assert.throws(() => parse(noMrid), codecError("INVALID", /^DERControl: missing required element mRID/));
    const tooMuch = serialize("DERControl", SAMPLES.DERControl).replace("<opModMaxLimW>5000<", "<opModMaxLimW>10001<");
    assert.throws(() => parse(tooMuch), codecError("INVALID", /DERControl\/DERControlBase\/opModMaxLimW: "10001" is not a PerCent/));
    const badAttr = serialize("DERControlList", SAMPLES.DERControlList).replace('all="1"', 'all="-1"');
    assert.throws(() => parse(badAttr), codecError("INVALID", /DERControlList: "-1" is not a UInt32/));
    const noType = serialize("Notification", SAMPLES.Notification).replace(/ xsi:type="[^"]*"/, "");
    assert.throws(() => parse(noType), codecError("INVALID", /Notification\/Resource: needs an xsi:type/));
  });

  it("refuses to write what the schema would refuse, naming where", () => {
    assert.throws(() => serialize("DERControl", { ...SAMPLES.DERControl, mRID: "X1" }), codecError("UNSERIALIZABLE", /^DERControl\/mRID: "X1" is not a HexBinary128/));
    assert.throws(() => serialize("DERControl", { ...SAMPLES.DERControl, description: "x".repeat(33) }), codecError("UNSERIALIZABLE", /DERControl\/description: .* longer than the 32 characters/));
    assert.throws(() => serialize("DERControl", { ...SAMPLES.DERControl, DERControlBase: { opModMaxLimW: 12000 } }), codecError("UNSERIALIZABLE", /DERControlBase\/opModMaxLimW/));
    assert.throws(() => serialize("DERCurve", { ...SAMPLES.DERCurve, CurveData: [] }), codecError("UNSERIALIZABLE", /DERCurve\/CurveData: needs at least one/));
    assert.throws(() => serialize("EndDeviceList", { all: 1 } as never), codecError("UNSERIALIZABLE", /^EndDeviceList: missing required attribute results/));
  });
});
