/** One simulated ECHONET Lite object: its properties as EDT bytes, access rules, and Set validation. */
import { EPC } from "../protocol/constants.ts";
import { encodePropertyMap } from "../protocol/edt.ts";
import type { PropDef } from "../classes.ts";

const SIGNED = new Set(["int8", "int16", "int32"]);

export class SimObject {
  readonly defs: Map<number, PropDef>;
  private values = new Map<number, Buffer>();
  private changed = new Set<number>();

  constructor(readonly eoj: number, defs: PropDef[]) {
    this.defs = new Map(defs.map((d) => [d.epc, d]));
  }

  private def(epc: number): PropDef {
    const d = this.defs.get(epc);
    if (!d) throw new Error(`object 0x${this.eoj.toString(16)} has no EPC 0x${epc.toString(16)}`);
    return d;
  }

  maps(): { get: number[]; set: number[]; inf: number[] } {
    const all = [...this.defs.values()];
    return {
      get: [...all.filter((d) => d.get).map((d) => d.epc), EPC.infPropertyMap, EPC.setPropertyMap, EPC.getPropertyMap],
      set: all.filter((d) => d.set).map((d) => d.epc),
      inf: all.filter((d) => d.inf).map((d) => d.epc),
    };
  }

  /** Get: the value, or undefined when the object has no such readable property. */
  read(epc: number): Buffer | undefined {
    if (epc === EPC.getPropertyMap) return encodePropertyMap(this.maps().get);
    if (epc === EPC.setPropertyMap) return encodePropertyMap(this.maps().set);
    if (epc === EPC.infPropertyMap) return encodePropertyMap(this.maps().inf);
    const d = this.defs.get(epc);
    return d?.get ? this.values.get(epc) : undefined;
  }

  /** Set from the network: refused (false) unless settable, of the right size and in range. */
  write(epc: number, edt: Buffer): boolean {
    const d = this.defs.get(epc);
    if (!d?.set || edt.length !== d.size) return false;
    if (d.kind !== "raw") {
      const v = this.decode(d, edt);
      if (d.range && (v < d.range[0] || v > d.range[1])) return false;
      if (d.codes && !d.codes.includes(v)) return false;
    }
    this.put(epc, edt);
    return true;
  }

  /** Internal update (physics); changes of announced properties are queued for INF. */
  put(epc: number, edt: Buffer) {
    const d = this.def(epc);
    if (d.size && edt.length !== d.size) throw new Error(`EPC 0x${epc.toString(16)} is ${d.size} bytes, not ${edt.length}`);
    const old = this.values.get(epc);
    if (old && old.equals(edt)) return;
    this.values.set(epc, Buffer.from(edt));
    if (old && d.inf) this.changed.add(epc);
  }

  private decode(d: PropDef, edt: Buffer): number {
    return SIGNED.has(d.kind) ? edt.readIntBE(0, d.size) : edt.readUIntBE(0, d.size);
  }

  num(epc: number): number {
    const d = this.def(epc);
    const edt = this.values.get(epc);
    if (!edt || d.kind === "raw") throw new Error(`EPC 0x${epc.toString(16)} has no numeric value`);
    return this.decode(d, edt);
  }

  /** Internal numeric update, rounded and clamped to what the property's type holds. */
  setNum(epc: number, v: number) {
    const d = this.def(epc);
    const span = 2 ** (8 * d.size);
    const [lo, hi] = SIGNED.has(d.kind) ? [-span / 2, span / 2 - 1] : [0, span - 1];
    const n = Math.min(hi, Math.max(lo, Math.round(v)));
    const buf = Buffer.alloc(d.size);
    if (SIGNED.has(d.kind)) buf.writeIntBE(n, 0, d.size);
    else buf.writeUIntBE(n, 0, d.size);
    this.put(epc, buf);
  }

  takeAnnouncements(): number[] {
    const out = [...this.changed];
    this.changed.clear();
    return out;
  }

  /** Property values by name, for the simulator's info() and for tests. */
  snapshot(): Record<string, number | string> {
    return Object.fromEntries([...this.defs.values()].filter((d) => this.values.has(d.epc)).map((d) => [
      d.name, d.kind === "raw" ? this.values.get(d.epc)!.toString("hex") : this.num(d.epc),
    ]));
  }
}
