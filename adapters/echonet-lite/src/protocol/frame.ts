/**
 * ECHONET Lite frame codec (format 1): EHD TID SEOJ DEOJ ESV OPC {EPC PDC EDT}×OPC; SetGet and its answers carry
 * a second OPC block for the Get part. Decoding is strict: every length is checked before it is read, and a frame
 * with bytes left over (a PDC that does not match the data) is refused as a whole.
 */
import { EHD, ESV, esvName } from "./constants.ts";

export interface Property {
  epc: number;
  /** property value; empty for Get requests and for properties a node accepted or refused without data */
  edt: Buffer;
}

export interface Frame {
  tid: number;
  seoj: number;
  deoj: number;
  esv: number;
  props: Property[];
  /** the Get part of SetGet / SetGet_Res / SetGet_SNA */
  getProps?: Property[];
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

const HEADER = 12;
const SETGET = new Set<number>([ESV.SetGet, ESV.SetGet_Res, ESV.SetGet_SNA]);

export function isSetGet(esv: number): boolean {
  return SETGET.has(esv);
}

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(digits, "0")}`;
}

export function formatEoj(eoj: number): string {
  return hex(eoj, 6);
}

/** "0x027D01", "027D01" or a number -> 24-bit EOJ. */
export function parseEoj(v: string | number): number {
  const n = typeof v === "number" ? v : /^(0x)?[0-9a-f]{6}$/i.test(v) ? parseInt(v.replace(/^0x/i, ""), 16) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffff) throw new FrameError(`not an EOJ (3 bytes, e.g. 0x027D01): ${JSON.stringify(v)}`);
  return n;
}

export const classOf = (eoj: number) => eoj >> 8;
export const instanceOf = (eoj: number) => eoj & 0xff;

function readProps(buf: Buffer, at: number, what: string): { props: Property[]; next: number } {
  if (at >= buf.length) throw new FrameError(`truncated: no ${what} byte at offset ${at}`);
  const opc = buf[at];
  let p = at + 1;
  const props: Property[] = [];
  for (let i = 0; i < opc; i++) {
    if (p + 2 > buf.length) throw new FrameError(`truncated: ${what} says ${opc} properties, property ${i + 1} has no EPC/PDC`);
    const epc = buf[p];
    const pdc = buf[p + 1];
    if (p + 2 + pdc > buf.length) {
      throw new FrameError(`truncated: EPC ${hex(epc, 2)} declares PDC ${pdc}, only ${buf.length - p - 2} bytes remain`);
    }
    props.push({ epc, edt: Buffer.from(buf.subarray(p + 2, p + 2 + pdc)) });
    p += 2 + pdc;
  }
  return { props, next: p };
}

export function decodeFrame(buf: Buffer): Frame {
  if (buf.length < HEADER) throw new FrameError(`truncated: ${buf.length} bytes, a frame has at least ${HEADER}`);
  const ehd = buf.readUInt16BE(0);
  if (ehd !== EHD) throw new FrameError(`not an ECHONET Lite format 1 frame: EHD ${hex(ehd, 4)}, expected ${hex(EHD, 4)}`);
  const esv = buf[10];
  if (!esvName.has(esv)) throw new FrameError(`unknown ESV ${hex(esv, 2)}`);
  const frame: Frame = { tid: buf.readUInt16BE(2), seoj: buf.readUIntBE(4, 3), deoj: buf.readUIntBE(7, 3), esv, props: [] };
  const first = readProps(buf, 11, "OPC");
  frame.props = first.props;
  let end = first.next;
  if (isSetGet(esv)) {
    const second = readProps(buf, end, "OPCGet");
    frame.getProps = second.props;
    end = second.next;
  } else if (frame.props.length === 0) {
    throw new FrameError("OPC 0: a frame carries at least one property");
  }
  if (end !== buf.length) throw new FrameError(`PDC mismatch: ${buf.length - end} bytes left after the last property`);
  return frame;
}

function checkProps(props: Property[], what: string, allowEmpty: boolean) {
  if (props.length > 255 || (!allowEmpty && props.length === 0)) throw new FrameError(`${what} must hold 1..255 properties, not ${props.length}`);
  for (const p of props) {
    if (!Number.isInteger(p.epc) || p.epc < 0 || p.epc > 0xff) throw new FrameError(`EPC ${p.epc} is not a byte`);
    if (p.edt.length > 255) throw new FrameError(`EPC ${hex(p.epc, 2)}: EDT of ${p.edt.length} bytes exceeds PDC 255`);
  }
}

export function encodeFrame(f: Frame): Buffer {
  if (!Number.isInteger(f.tid) || f.tid < 0 || f.tid > 0xffff) throw new FrameError(`TID ${f.tid} is not 2 bytes`);
  for (const eoj of [f.seoj, f.deoj]) parseEoj(eoj);
  if (!esvName.has(f.esv)) throw new FrameError(`unknown ESV ${hex(f.esv, 2)}`);
  const setGet = isSetGet(f.esv);
  checkProps(f.props, "OPC", setGet);
  if (setGet) checkProps(f.getProps ?? [], "OPCGet", true);
  const blocks = setGet ? [f.props, f.getProps ?? []] : [f.props];
  const size = HEADER + (blocks.length - 1) + blocks.flat().reduce((n, p) => n + 2 + p.edt.length, 0);
  const buf = Buffer.alloc(size);
  buf.writeUInt16BE(EHD, 0);
  buf.writeUInt16BE(f.tid, 2);
  buf.writeUIntBE(f.seoj, 4, 3);
  buf.writeUIntBE(f.deoj, 7, 3);
  buf[10] = f.esv;
  let p = 11;
  for (const props of blocks) {
    buf[p++] = props.length;
    for (const prop of props) {
      buf[p++] = prop.epc;
      buf[p++] = prop.edt.length;
      prop.edt.copy(buf, p);
      p += prop.edt.length;
    }
  }
  return buf;
}

/** One line for logs: "TID 0x0001 0x05FF01->0x027D01 Get [0xE4 0xDA]". */
export function describeFrame(f: Frame): string {
  const props = (ps: Property[]) => ps.map((p) => `${hex(p.epc, 2)}${p.edt.length ? `=${p.edt.toString("hex")}` : ""}`).join(" ");
  return `TID ${hex(f.tid, 4)} ${formatEoj(f.seoj)}->${formatEoj(f.deoj)} ${esvName.get(f.esv)} [${props(f.props)}]${f.getProps ? ` get [${props(f.getProps)}]` : ""}`;
}
