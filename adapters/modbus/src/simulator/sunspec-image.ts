/**
 * A SunSpec register map in a unit's memory: the 'SunS' marker, the models with every point at SunSpec's
 * "not implemented" value until set, and the end marker. Points are set and read in engineering units
 * through the model's scale factors, as a device's firmware would.
 */
import { decodeNumber, decodeString, encodeNumber, encodeString } from "../codec.ts";
import { END_MODEL, SUNS } from "../sunspec/discovery.ts";
import { models, numericFormat, type ModelLayout, type PointLayout } from "../sunspec/layout.ts";
import { applyScale } from "../sunspec/points.ts";
import type { UnitMemory } from "./memory.ts";

const BIG = { wordOrder: "big", byteOrder: "big" } as const;

function unimplemented(p: PointLayout): number[] {
  switch (p.type) {
    case "int16": case "sunssf": case "pad": return [0x8000];
    case "int32": return [0x8000, 0];
    case "int64": return [0x8000, 0, 0, 0];
    case "float32": return [0x7fc0, 0];
    case "acc16": case "acc32": case "acc64": case "string": return Array(p.size).fill(0);
    default: return Array(p.size).fill(0xffff);
  }
}

export class SunSpecImage {
  /** address of each model's ID register */
  readonly starts = new Map<number, number>();

  constructor(private mem: UnitMemory, readonly base: number, modelIds: number[]) {
    mem.define("holding", base, [...SUNS]);
    let at = base + 2;
    const writable: number[] = [];
    for (const id of modelIds) {
      const m = models.get(id);
      if (!m) throw new Error(`the simulator has no SunSpec model ${id}`);
      this.starts.set(id, at);
      mem.define("holding", at, [id, m.length]);
      for (const p of m.points.values()) {
        mem.define("holding", at + p.offset, unimplemented(p));
        if (p.writable) for (let i = 0; i < p.size; i++) writable.push(at + p.offset + i);
      }
      at += 2 + m.length;
    }
    mem.define("holding", at, [END_MODEL, 0]);
    mem.writable = new Set([...(mem.writable ?? []), ...writable]);
  }

  /** Sets a point in engineering units; a scaled point's scale factor must be set first. */
  set(model: number, point: string, value: number | string) {
    const { at, p, m } = this.locate(model, point);
    if (p.type === "string") return this.mem.define("holding", at, encodeString(String(value), p.size, BIG));
    const sf = p.sf ? this.sf(m, model, p.sf) : 0;
    const raw = Math.round(Number(value) * 10 ** -sf);
    this.mem.define("holding", at, encodeNumber(raw, numericFormat(p.type), BIG));
  }

  get(model: number, point: string): number | string {
    const { at, p, m } = this.locate(model, point);
    const words = this.mem.readWords("holding", at, p.size);
    if (p.type === "string") return decodeString(words, BIG);
    const raw = decodeNumber(words, numericFormat(p.type), BIG);
    return p.sf ? applyScale(raw, this.sf(m, model, p.sf)) : raw;
  }

  /** The register address of a point, for tests that look at the wire. */
  address(model: number, point: string): number {
    return this.locate(model, point).at;
  }

  private sf(m: ModelLayout, model: number, name: string): number {
    const at = this.starts.get(model)! + m.points.get(name)!.offset;
    const word = this.mem.readWords("holding", at, 1)[0];
    if (word === 0x8000) throw new Error(`set ${model}.${name} before the points it scales`);
    return decodeNumber([word], "int16", BIG);
  }

  private locate(model: number, point: string) {
    const start = this.starts.get(model);
    const m = models.get(model);
    const p = m?.points.get(point);
    if (start === undefined || !m || !p) throw new Error(`the simulated device has no SunSpec point ${model}.${point}`);
    return { at: start + p.offset, p, m };
  }
}
