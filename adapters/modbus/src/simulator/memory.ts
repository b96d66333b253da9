/** The registers and bits of one simulated unit. Addresses not defined answer "illegal data address", as devices do. */
import type { RegisterTable } from "../address.ts";

/** Thrown inside the server vector; modbus-serial answers with this exception code. */
export class ServerException extends Error {
  constructor(readonly modbusErrorCode: number, message: string) {
    super(message);
  }
}

type WordTable = "holding" | "input";
type BitTable = "coil" | "discrete";

export class UnitMemory {
  private words: Record<WordTable, Map<number, number>> = { holding: new Map(), input: new Map() };
  private bits: Record<BitTable, Map<number, boolean>> = { coil: new Map(), discrete: new Map() };
  /** holding registers a master may write; all of them when undefined */
  writable?: Set<number>;
  /** called after a master wrote */
  onWrite?: (table: "holding" | "coil", start: number, count: number) => void;

  define(table: RegisterTable, start: number, values: (number | boolean)[]) {
    values.forEach((v, i) => {
      if (table === "coil" || table === "discrete") this.bits[table].set(start + i, Boolean(v));
      else this.words[table].set(start + i, Number(v) & 0xffff);
    });
  }

  readWords(table: WordTable, start: number, count: number): number[] {
    return Array.from({ length: count }, (_, i) => {
      const v = this.words[table].get(start + i);
      if (v === undefined) throw new ServerException(2, `${table} register ${start + i} is not implemented`);
      return v;
    });
  }

  readBits(table: BitTable, start: number, count: number): boolean[] {
    return Array.from({ length: count }, (_, i) => {
      const v = this.bits[table].get(start + i);
      if (v === undefined) throw new ServerException(2, `${table} ${start + i} is not implemented`);
      return v;
    });
  }

  /** A master's write: every register must exist and be writable, or nothing changes. */
  writeWords(start: number, values: number[]) {
    values.forEach((_, i) => {
      const a = start + i;
      if (!this.words.holding.has(a) || (this.writable && !this.writable.has(a))) {
        throw new ServerException(2, `holding register ${a} is not writable`);
      }
    });
    this.define("holding", start, values);
    this.onWrite?.("holding", start, values.length);
  }

  writeBits(start: number, values: boolean[]) {
    values.forEach((_, i) => {
      if (!this.bits.coil.has(start + i)) throw new ServerException(2, `coil ${start + i} is not implemented`);
    });
    this.define("coil", start, values);
    this.onWrite?.("coil", start, values.length);
  }
}
