/** Structures shared by several service families: eiResponse, eiTarget, itemBase, xcal properties, interval timing. */
import * as lex from "./lexical.ts";
import { NS } from "./namespaces.ts";
import {
  attr,
  bool,
  compact,
  dateTime,
  decimal,
  doubleList,
  duration,
  first,
  float,
  many,
  oneOf,
  opt,
  path,
  req,
  responseCode,
  str,
  token,
  uint,
} from "./read.ts";
import type { Reader } from "./read.ts";
import { currencyDescriptions, powerUnits, siScaleCodes, temperatureUnits } from "./vocabularies.ts";
import type {
  ActivePeriod,
  EiResponse,
  EiTarget,
  FeatureCollection,
  ItemBase,
  ItemBaseKind,
  Period,
  PowerAttributes,
  QualifiedEventID,
} from "./types.ts";
import type { XmlElement } from "gridhub/xml";
import type { XmlWriter } from "gridhub/xml";

const { ei, pyld, xcal, power, emix, gml, scale, oadr } = NS;

// ---------- eiResponse, qualifiedEventID ----------

export const readEiResponse: Reader<EiResponse> = (el) =>
  compact({
    responseCode: req(el, ei, "responseCode", responseCode),
    responseDescription: opt(el, ei, "responseDescription", str),
    requestID: req(el, pyld, "requestID", str),
  });

export function writeEiResponse(w: XmlWriter, r: EiResponse): void {
  w.start("ei:eiResponse")
    .leaf("ei:responseCode", r.responseCode, lex.formatResponseCode)
    .optLeaf("ei:responseDescription", r.responseDescription)
    .leaf("pyld:requestID", r.requestID)
    .end();
}

export const readQualifiedEventID: Reader<QualifiedEventID> = (el) => ({
  eventID: req(el, ei, "eventID", str),
  modificationNumber: req(el, ei, "modificationNumber", uint),
});

export function writeQualifiedEventID(w: XmlWriter, q: QualifiedEventID): void {
  w.start("ei:qualifiedEventID")
    .leaf("ei:eventID", q.eventID)
    .leaf("ei:modificationNumber", q.modificationNumber, formatUint)
    .end();
}

// ---------- eiTarget (EiTargetType) ----------

const nodeOf: Reader<string> = (el) => req(el, power, "node", str);
const mridOf: Reader<string> = (el) => req(el, power, "mrid", str);

const readFeatureCollection: Reader<FeatureCollection> = (el) => {
  const polygon = path(el, [gml, "location"], [gml, "Polygon"]);
  return compact({
    id: attr(el, gml, "id"),
    polygonId: attr(polygon, gml, "id"),
    posList: req(path(polygon, [gml, "exterior"], [gml, "LinearRing"]), gml, "posList", doubleList),
  });
};

const featureCollectionOf: Reader<FeatureCollection> = (el) => req(el, gml, "FeatureCollection", readFeatureCollection);

/** Reads any EiTargetType element (eiTarget, reportSubject, reportDataSource, oadrDeviceClass). */
export const readEiTarget: Reader<EiTarget> = (el) =>
  compact({
    aggregatedPnode: listOrUndefined(many(el, power, "aggregatedPnode", nodeOf)),
    endDeviceAsset: listOrUndefined(many(el, power, "endDeviceAsset", mridOf)),
    meterAsset: listOrUndefined(many(el, power, "meterAsset", mridOf)),
    pnode: listOrUndefined(many(el, power, "pnode", nodeOf)),
    serviceArea: listOrUndefined(many(el, emix, "serviceArea", featureCollectionOf)),
    serviceDeliveryPoint: listOrUndefined(many(el, power, "serviceDeliveryPoint", nodeOf)),
    serviceLocation: listOrUndefined(many(el, power, "serviceLocation", featureCollectionOf)),
    transportInterface: listOrUndefined(
      many(el, power, "transportInterface", (t) => ({
        pointOfReceipt: req(t, power, "pointOfReceipt", str),
        pointOfDelivery: req(t, power, "pointOfDelivery", str),
      })),
    ),
    groupID: listOrUndefined(many(el, ei, "groupID", str)),
    groupName: listOrUndefined(many(el, ei, "groupName", str)),
    resourceID: listOrUndefined(many(el, ei, "resourceID", str)),
    venID: listOrUndefined(many(el, ei, "venID", str)),
    partyID: listOrUndefined(many(el, ei, "partyID", str)),
  });

function listOrUndefined<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** Writes an EiTargetType element under `qname`, members in xs:sequence order. */
export function writeEiTarget(w: XmlWriter, qname: string, t: EiTarget): void {
  w.start(qname);
  for (const n of t.aggregatedPnode ?? []) w.start("power:aggregatedPnode").leaf("power:node", n).end();
  for (const m of t.endDeviceAsset ?? []) w.start("power:endDeviceAsset").leaf("power:mrid", m).end();
  for (const m of t.meterAsset ?? []) w.start("power:meterAsset").leaf("power:mrid", m).end();
  for (const n of t.pnode ?? []) w.start("power:pnode").leaf("power:node", n).end();
  for (const f of t.serviceArea ?? []) writeFeatureCollection(w.start("emix:serviceArea"), f).end();
  for (const n of t.serviceDeliveryPoint ?? []) w.start("power:serviceDeliveryPoint").leaf("power:node", n).end();
  for (const f of t.serviceLocation ?? []) writeFeatureCollection(w.start("power:serviceLocation"), f).end();
  for (const ti of t.transportInterface ?? []) {
    w.start("power:transportInterface")
      .leaf("power:pointOfReceipt", ti.pointOfReceipt)
      .leaf("power:pointOfDelivery", ti.pointOfDelivery)
      .end();
  }
  for (const v of t.groupID ?? []) w.leaf("ei:groupID", v);
  for (const v of t.groupName ?? []) w.leaf("ei:groupName", v);
  for (const v of t.resourceID ?? []) w.leaf("ei:resourceID", v);
  for (const v of t.venID ?? []) w.leaf("ei:venID", v);
  for (const v of t.partyID ?? []) w.leaf("ei:partyID", v);
  w.end();
}

function writeFeatureCollection(w: XmlWriter, f: FeatureCollection): XmlWriter {
  const idAttr = (id: string | undefined) => (id === undefined ? "" : w.attr("gml:id", id, lex.checkNcName));
  return w
    .start("gml:FeatureCollection", idAttr(f.id))
    .start("gml:location")
    .start("gml:Polygon", idAttr(f.polygonId))
    .start("gml:exterior")
    .start("gml:LinearRing")
    .leaf("gml:posList", f.posList, lex.formatDoubleList)
    .end()
    .end()
    .end()
    .end()
    .end();
}

// ---------- itemBase (emix:itemBase substitution group) ----------

/** Element namespace prefix and the schema's fixed itemDescription/itemUnits per kind (when fixed). */
const ITEM_BASE_SPECS: Readonly<Record<ItemBaseKind, { prefix: "power" | "oadr"; description?: string; units?: string }>> = {
  powerReal: { prefix: "power", description: "RealPower" },
  powerApparent: { prefix: "power", description: "ApparentPower", units: "VA" },
  powerReactive: { prefix: "power", description: "ReactivePower", units: "VAR" },
  energyReal: { prefix: "power", description: "RealEnergy", units: "Wh" },
  energyApparent: { prefix: "power", description: "ApparentEnergy", units: "VAh" },
  energyReactive: { prefix: "power", description: "ReactiveEnergy", units: "VARh" },
  voltage: { prefix: "power", description: "Voltage", units: "V" },
  current: { prefix: "oadr", description: "Current", units: "A" },
  frequency: { prefix: "oadr", description: "Frequency", units: "Hz" },
  Therm: { prefix: "oadr", description: "Therm", units: "thm" },
  temperature: { prefix: "oadr", description: "temperature" },
  currency: { prefix: "oadr" },
  currencyPerKWh: { prefix: "oadr" },
  currencyPerKW: { prefix: "oadr" },
  currencyPerThm: { prefix: "oadr" },
  customUnit: { prefix: "oadr" },
  pulseCount: { prefix: "oadr", description: "pulse count", units: "count" },
};

const ISO_CURRENCY = /^[A-Z]{3}$/;
const formatCurrencyCode = (c: string) => {
  if (typeof c !== "string" || !ISO_CURRENCY.test(c)) throw new lex.LexicalError(`"${String(c)}" is not an ISO 4217 code`);
  return c;
};

function isItemBaseKind(el: XmlElement): boolean {
  return Object.hasOwn(ITEM_BASE_SPECS, el.name) && el.ns === NS[ITEM_BASE_SPECS[el.name as ItemBaseKind].prefix];
}

/** The itemBase child of `parent` (any member of the substitution group), if any. */
export function readItemBase(parent: XmlElement): ItemBase | undefined {
  const el = parent.children.find(isItemBaseKind);
  if (!el) return undefined;
  const kind = el.name as ItemBaseKind;
  const ns = NS[ITEM_BASE_SPECS[kind].prefix];
  const scaleCode = () => req(el, scale, "siScaleCode", oneOf(siScaleCodes));
  const units = <T>(read: Reader<T>) => req(el, ns, "itemUnits", read);
  switch (kind) {
    case "powerReal":
      return { kind, itemUnits: units(oneOf(powerUnits)), siScaleCode: scaleCode(), powerAttributes: readPowerAttributes(el) };
    case "powerApparent":
    case "powerReactive":
      return { kind, siScaleCode: scaleCode(), powerAttributes: readPowerAttributes(el) };
    case "temperature":
      return { kind, itemUnits: units(oneOf(temperatureUnits)), siScaleCode: scaleCode() };
    case "currency":
    case "currencyPerKWh":
    case "currencyPerKW":
    case "currencyPerThm":
      return {
        kind,
        itemDescription: req(el, ns, "itemDescription", oneOf(currencyDescriptions)),
        itemUnits: units(token),
        siScaleCode: scaleCode(),
      };
    case "customUnit":
      return { kind, itemDescription: req(el, ns, "itemDescription", str), itemUnits: units(str), siScaleCode: scaleCode() };
    case "pulseCount":
      return { kind, pulseFactor: req(el, oadr, "pulseFactor", float) };
    default:
      return { kind, siScaleCode: scaleCode() };
  }
}

function readPowerAttributes(el: XmlElement): PowerAttributes {
  const pa = path(el, [power, "powerAttributes"]);
  return { hertz: req(pa, power, "hertz", decimal), voltage: req(pa, power, "voltage", decimal), ac: req(pa, power, "ac", bool) };
}

export function writeItemBase(w: XmlWriter, item: ItemBase): void {
  const spec = Object.hasOwn(ITEM_BASE_SPECS, item?.kind) ? ITEM_BASE_SPECS[item.kind] : undefined;
  if (!spec) w.fail(`unknown itemBase kind "${String(item?.kind)}"`, "itemBase");
  const p = spec.prefix;
  w.start(`${p}:${item.kind}`);
  switch (item.kind) {
    case "powerReal":
      w.leaf(`${p}:itemDescription`, spec.description).leaf(`${p}:itemUnits`, item.itemUnits, powerUnits.format);
      break;
    case "temperature":
      w.leaf(`${p}:itemDescription`, spec.description).leaf(`${p}:itemUnits`, item.itemUnits, temperatureUnits.format);
      break;
    case "currency":
    case "currencyPerKWh":
    case "currencyPerKW":
    case "currencyPerThm":
      w.leaf(`${p}:itemDescription`, item.itemDescription, currencyDescriptions.format).leaf(`${p}:itemUnits`, item.itemUnits, formatCurrencyCode);
      break;
    case "customUnit":
      w.leaf(`${p}:itemDescription`, item.itemDescription).leaf(`${p}:itemUnits`, item.itemUnits);
      break;
    default:
      w.leaf(`${p}:itemDescription`, spec.description).leaf(`${p}:itemUnits`, spec.units);
  }
  if (item.kind === "pulseCount") {
    w.leaf("oadr:pulseFactor", item.pulseFactor, lex.formatFloat);
  } else {
    w.leaf("scale:siScaleCode", item.siScaleCode, siScaleCodes.format);
  }
  if (item.kind === "powerReal" || item.kind === "powerApparent" || item.kind === "powerReactive") {
    const pa = item.powerAttributes;
    w.start("power:powerAttributes")
      .leaf("power:hertz", pa?.hertz, lex.formatDecimal)
      .leaf("power:voltage", pa?.voltage, lex.formatDecimal)
      .leaf("power:ac", pa?.ac, lex.formatBoolean)
      .end();
  }
  w.end();
}

// ---------- xcal properties, durations, interval timing ----------

/** An element of xcal:DurationPropType (wraps xcal:duration). */
export const durationProp: Reader<string> = (el) => req(el, xcal, "duration", duration);

const dtstartOf: Reader<string> = (el) => req(el, xcal, "date-time", dateTime);

export function writeDurationProp(w: XmlWriter, qname: string, d: string): void {
  w.start(qname).leaf("xcal:duration", d, lex.formatDuration).end();
}

function writeDtstart(w: XmlWriter, dt: string): void {
  w.start("xcal:dtstart").leaf("xcal:date-time", dt, lex.formatDateTime).end();
}

/** xcal:properties read as a plain time window. */
export const readPeriod: Reader<Period> = (el) => ({
  dtstart: req(el, xcal, "dtstart", dtstartOf),
  duration: req(el, xcal, "duration", durationProp),
});

/** xcal:properties of eiActivePeriod, with randomization and the x-ei durations. */
export const readActivePeriod: Reader<ActivePeriod> = (el) => {
  const tolerate = opt(el, xcal, "tolerance", (t) => first(t, xcal, "tolerate"));
  return compact({
    ...readPeriod(el),
    startafter: tolerate ? opt(tolerate, xcal, "startafter", duration) : undefined,
    notification: opt(el, ei, "x-eiNotification", durationProp),
    rampUp: opt(el, ei, "x-eiRampUp", durationProp),
    recovery: opt(el, ei, "x-eiRecovery", durationProp),
  });
};

/** Writes xcal:properties (ActivePeriod members only when present). */
export function writeProperties(w: XmlWriter, p: Period & Partial<ActivePeriod>): void {
  w.start("xcal:properties");
  writeDtstart(w, p.dtstart);
  writeDurationProp(w, "xcal:duration", p.duration);
  if (p.startafter !== undefined) {
    w.start("xcal:tolerance").start("xcal:tolerate").leaf("xcal:startafter", p.startafter, lex.formatDuration).end().end();
  }
  if (p.notification !== undefined) writeDurationProp(w, "ei:x-eiNotification", p.notification);
  if (p.rampUp !== undefined) writeDurationProp(w, "ei:x-eiRampUp", p.rampUp);
  if (p.recovery !== undefined) writeDurationProp(w, "ei:x-eiRecovery", p.recovery);
  w.end();
}

/** dtstart/duration/uid of an ei:interval, or of a stream (StreamBaseType: dtstart/duration only). */
export interface Timing {
  dtstart?: string;
  duration?: string;
  uid?: string;
}

export function readTiming(el: XmlElement): Timing {
  return {
    dtstart: opt(el, xcal, "dtstart", dtstartOf),
    duration: opt(el, xcal, "duration", durationProp),
    uid: opt(el, xcal, "uid", (u) => req(u, xcal, "text", str)),
  };
}

export function writeTiming(w: XmlWriter, t: Timing): void {
  if (t.dtstart !== undefined) writeDtstart(w, t.dtstart);
  if (t.duration !== undefined) writeDurationProp(w, "xcal:duration", t.duration);
  if (t.uid !== undefined) w.start("xcal:uid").leaf("xcal:text", t.uid).end();
}

export const formatUint = (n: number) => lex.formatUnsignedInt(n);
export const formatPercent = (n: number) => lex.formatUnsignedInt(n, 100);
