/** Register layout of the SunSpec models: offsets, widths, register formats and "not implemented" values. */
import type { RegisterFormat } from "../codec.ts";
import { modelSpecs, type ModelSpec, type SunSpecType } from "./models.ts";

export interface PointLayout {
  name: string;
  type: SunSpecType;
  /** registers from the model's ID register (the first point sits at 2) */
  offset: number;
  size: number;
  sf?: string;
  writable: boolean;
}

export interface ModelLayout {
  id: number;
  name: string;
  length: number;
  points: Map<string, PointLayout>;
}

const sizes: Record<SunSpecType, number> = {
  int16: 1, uint16: 1, acc16: 1, enum16: 1, bitfield16: 1, sunssf: 1, pad: 1,
  int32: 2, uint32: 2, acc32: 2, enum32: 2, bitfield32: 2, float32: 2,
  int64: 4, uint64: 4, acc64: 4, string: 0,
};

const formatOf: Record<SunSpecType, RegisterFormat> = {
  int16: "int16", sunssf: "int16", uint16: "uint16", acc16: "uint16", enum16: "uint16", bitfield16: "uint16", pad: "uint16",
  int32: "int32", uint32: "uint32", acc32: "uint32", enum32: "uint32", bitfield32: "uint32", float32: "float32",
  int64: "int64", uint64: "uint64", acc64: "uint64", string: "string",
};

export function numericFormat(type: SunSpecType): Exclude<RegisterFormat, "string"> {
  const f = formatOf[type];
  if (f === "string") throw new TypeError("a SunSpec string has no numeric format");
  return f;
}

/** SunSpec marks an unimplemented point with a fixed value per type (accumulators use 0, which is also valid). */
export function notImplemented(type: SunSpecType, words: number[]): boolean {
  switch (type) {
    case "int16": case "sunssf": return words[0] === 0x8000;
    case "uint16": case "enum16": case "bitfield16": return words[0] === 0xffff;
    case "int32": return words[0] === 0x8000 && words[1] === 0;
    case "uint32": case "enum32": case "bitfield32": return words[0] === 0xffff && words[1] === 0xffff;
    case "int64": return words[0] === 0x8000 && words.slice(1).every((w) => w === 0);
    case "uint64": return words.every((w) => w === 0xffff);
    case "float32": return words[0] === 0x7fc0 && words[1] === 0;
    case "string": return words.every((w) => w === 0);
    default: return false;
  }
}

function layoutOf(spec: ModelSpec): ModelLayout {
  const points = new Map<string, PointLayout>();
  let offset = 2;
  for (const [name, type, opts] of spec.points) {
    const size = type === "string" ? opts?.size ?? 0 : sizes[type];
    points.set(name, { name, type, offset, size, writable: opts?.rw === true, ...(opts?.sf ? { sf: opts.sf } : {}) });
    offset += size;
  }
  return { id: spec.id, name: spec.name, length: spec.length, points };
}

export const models: ReadonlyMap<number, ModelLayout> = new Map(modelSpecs.map((s) => [s.id, layoutOf(s)]));
