/**
 * BACnet object-type, property and engineering-unit names as mapping tables spell them: the standard's
 * hyphenated lower-case names ("analog-value", "present-value", "degrees-celsius"), derived from the library's
 * enumerations so that every standard name is accepted and none is hand-copied.
 */
import { ASN1_MAX_INSTANCE, EngineeringUnits, ObjectType, PropertyIdentifier, type BACNetObjectID } from "./lib.ts";

type NumericEnum = Record<string, string | number>;

function namesOf(e: NumericEnum): { byName: Map<string, number>; byCode: Map<number, string> } {
  const byName = new Map<string, number>();
  const byCode = new Map<number, string>();
  for (const [key, code] of Object.entries(e)) {
    if (typeof code !== "number") continue;
    const name = key.toLowerCase().replace(/_/g, "-");
    byName.set(name, code);
    byCode.set(code, name);
  }
  return { byName, byCode };
}

const objectTypes = namesOf(ObjectType as unknown as NumericEnum);
const properties = namesOf(PropertyIdentifier as unknown as NumericEnum);
const units = namesOf(EngineeringUnits as unknown as NumericEnum);

/** Object types beyond the standard range (128-1023) are proprietary and addressed by number. */
const MAX_OBJECT_TYPE = 1023;
const MAX_PROPERTY_ID = 4194303;

function objectTypeName(code: number): string {
  return objectTypes.byCode.get(code) ?? String(code);
}

export function propertyName(code: number): string {
  return properties.byCode.get(code) ?? String(code);
}

export function unitName(code: number): string {
  return units.byCode.get(code) ?? String(code);
}

export class NameError extends Error {}

/** "analog-value:3" or "2:3" -> {type: 2, instance: 3} */
export function parseObjectId(text: string): BACNetObjectID {
  const m = /^([a-z-]+|\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new NameError(`"${text}" is not an object id like analog-value:3`);
  const type = /^\d+$/.test(m[1]) ? Number(m[1]) : objectTypes.byName.get(m[1]);
  if (type === undefined) throw new NameError(`unknown object type "${m[1]}"`);
  if (type > MAX_OBJECT_TYPE) throw new NameError(`object type ${type} is above ${MAX_OBJECT_TYPE}`);
  const instance = Number(m[2]);
  if (instance > ASN1_MAX_INSTANCE) throw new NameError(`instance ${instance} is above ${ASN1_MAX_INSTANCE}`);
  return { type, instance };
}

export function formatObjectId(id: BACNetObjectID): string {
  return `${objectTypeName(id.type)}:${id.instance}`;
}

/** "present-value" or 85 -> 85 */
export function parsePropertyId(p: string | number): number {
  const code = typeof p === "number" ? p : properties.byName.get(p.trim());
  if (code === undefined) throw new NameError(`unknown property "${p}"`);
  if (!Number.isInteger(code) || code < 0 || code > MAX_PROPERTY_ID) throw new NameError(`property id ${p} is out of range`);
  return code;
}

/** "degrees-celsius" or 62 -> 62 */
export function parseUnits(u: string | number): number {
  const code = typeof u === "number" ? u : units.byName.get(u.trim());
  if (code === undefined || !units.byCode.has(code)) throw new NameError(`unknown engineering units "${u}"`);
  return code;
}
