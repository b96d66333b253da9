/** What one batch read from a device: register words and bits by address, and the failure of every span that failed. */
import type { RegisterTable } from "./address.ts";
import type { ModbusError } from "./errors.ts";

const spanKey = (table: RegisterTable, start: number, count: number) => `${table}:${start}:${count}`;

export class RegisterImage {
  private data = new Map<RegisterTable, Map<number, number | boolean>>();
  private failures = new Map<string, ModbusError>();

  put(table: RegisterTable, start: number, values: (number | boolean)[]) {
    let t = this.data.get(table);
    if (!t) this.data.set(table, (t = new Map()));
    values.forEach((v, i) => t!.set(start + i, v));
  }

  fail(table: RegisterTable, start: number, count: number, err: ModbusError) {
    this.failures.set(spanKey(table, start, count), err);
  }

  /** The span's values; throws the error of the read that should have brought them. */
  get(table: RegisterTable, start: number, count: number): (number | boolean)[] {
    const failed = this.failures.get(spanKey(table, start, count));
    if (failed) throw failed;
    const t = this.data.get(table);
    const out = Array.from({ length: count }, (_, i) => t?.get(start + i));
    if (out.some((v) => v === undefined)) throw new Error(`internal: ${table} ${start}+${count} was not read`);
    return out as (number | boolean)[];
  }
}
