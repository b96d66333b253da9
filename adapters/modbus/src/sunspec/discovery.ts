/**
 * SunSpec discovery: find the "SunS" marker at one of the usual base addresses, then walk the model chain
 * (ID, L, L registers of body, ...) up to the end marker 0xFFFF.
 */
import { decodeString } from "../codec.ts";
import { ModbusError } from "../errors.ts";
import { models } from "./layout.ts";

export const SUNS = [0x5375, 0x6e53] as const;
export const END_MODEL = 0xffff;
const MAX_MODELS = 256;

export interface ModelInstance {
  id: number;
  /** address of the model's ID register */
  start: number;
  /** the device's L for this model */
  length: number;
}

export interface SunSpecMap {
  base: number;
  models: ModelInstance[];
}

export type RegisterReader = (start: number, count: number) => Promise<number[]>;

const illegalAddress = (e: unknown) => e instanceof ModbusError && e.exception === 2;

export async function discoverSunSpec(read: RegisterReader, bases: number[]): Promise<SunSpecMap> {
  for (const base of bases) {
    let marker: number[];
    try {
      marker = await read(base, 2);
    } catch (e) {
      if (illegalAddress(e)) continue;
      throw e;
    }
    if (marker[0] === SUNS[0] && marker[1] === SUNS[1]) return { base, models: await walk(read, base + 2) };
  }
  throw new ModbusError("NOT_FOUND", `no SunSpec marker 'SunS' at ${bases.join(", ")}`, false);
}

async function walk(read: RegisterReader, first: number): Promise<ModelInstance[]> {
  const found: ModelInstance[] = [];
  let at = first;
  while (found.length < MAX_MODELS && at + 2 <= 65536) {
    let header: number[];
    try {
      header = await read(at, 2);
    } catch (e) {
      // some devices end the chain with an unreadable address instead of the end marker
      if (illegalAddress(e) && found.length) break;
      throw e;
    }
    const [id, length] = header;
    if (id === END_MODEL) break;
    if (at + 2 + length > 65536) {
      throw new ModbusError("PROTOCOL_REJECT", `SunSpec model ${id} at ${at} claims ${length} registers, past the end of the address space`, false);
    }
    found.push({ id, start: at, length });
    at += 2 + length;
  }
  return found;
}

/** Manufacturer, model and serial number from the common model (1), when the device has it. */
export async function commonInfo(read: RegisterReader, map: SunSpecMap): Promise<Record<string, string>> {
  const common = map.models.find((m) => m.id === 1);
  const layout = models.get(1)!;
  if (!common) return {};
  const sn = layout.points.get("SN")!;
  const words = await read(common.start, Math.min(2 + common.length, sn.offset + sn.size));
  const text = (name: string) => {
    const p = layout.points.get(name)!;
    return decodeString(words.slice(p.offset, p.offset + p.size), { wordOrder: "big", byteOrder: "big" });
  };
  return { manufacturer: text("Mn"), model: text("Md"), version: text("Vr"), serialNumber: text("SN") };
}
