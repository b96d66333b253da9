/**
 * The XSD simple types of the 2030.5 model, both ways: parse() reads element or attribute text, format() refuses
 * what the schema would refuse. Both throw LexicalError; the reader and writer add the element path.
 */
import { LexicalError } from "gridhub/xml";

export { LexicalError };

export interface Lexical<T> {
  readonly kind: "lexical";
  readonly name: string;
  parse(text: string): T;
  format(value: T): string;
}

const INTEGER = /^[+-]?\d+$/;
const HEX = /^[0-9A-Fa-f]*$/;

function integer(name: string, min: number, max: number): Lexical<number> {
  return {
    kind: "lexical", name,
    parse(text) {
      const t = text.trim();
      const n = INTEGER.test(t) ? Number(t) : NaN;
      if (!(n >= min && n <= max)) throw new LexicalError(`"${t}" is not a ${name} (${min}..${max})`);
      return n;
    },
    format(n) {
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new LexicalError(`${String(n)} is not a ${name} (${min}..${max})`);
      return String(n);
    },
  };
}

export const UInt8 = integer("UInt8", 0, 0xff);
export const UInt16 = integer("UInt16", 0, 0xffff);
export const UInt32 = integer("UInt32", 0, 0xffffffff);
export const UInt40 = integer("UInt40", 0, 2 ** 40 - 1);
export const UInt48 = integer("UInt48", 0, 2 ** 48 - 1);
export const Int8 = integer("Int8", -128, 127);
export const Int16 = integer("Int16", -0x8000, 0x7fff);
export const Int32 = integer("Int32", -(2 ** 31), 2 ** 31 - 1);
export const Int48 = integer("Int48", -(2 ** 47), 2 ** 47);
/** TimeType: seconds since the epoch (xs:long; JavaScript numbers hold every time that matters exactly). */
export const Int64 = integer("Int64", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
/** OneHourRangeType: randomizeStart / randomizeDuration. */
export const OneHourRange = integer("OneHourRangeType", -3600, 3600);
/** PerCent: hundredths of a percent. */
export const PerCent = integer("PerCent", 0, 10000);
/** SignedPerCent: hundredths of a percent, signed. */
export const SignedPerCent = integer("SignedPerCent", -10000, 10000);

/** xs:hexBinary of at most `bytes` octets, read in either case and written in upper case. */
function hexBinary(name: string, bytes: number): Lexical<string> {
  const check = (t: string) => {
    if (!HEX.test(t) || t.length % 2 !== 0 || t.length > bytes * 2) throw new LexicalError(`"${t}" is not a ${name} (at most ${bytes} bytes of hex)`);
    return t.toUpperCase();
  };
  return { kind: "lexical", name, parse: (text) => check(text.trim()), format: (v) => check(String(v)) };
}

export const HexBinary8 = hexBinary("HexBinary8", 1);
export const HexBinary16 = hexBinary("HexBinary16", 2);
export const HexBinary32 = hexBinary("HexBinary32", 4);
export const HexBinary128 = hexBinary("HexBinary128", 16);
export const HexBinary160 = hexBinary("HexBinary160", 20);

export const Bool: Lexical<boolean> = {
  kind: "lexical", name: "boolean",
  parse(text) {
    const t = text.trim();
    if (t === "true" || t === "1") return true;
    if (t === "false" || t === "0") return false;
    throw new LexicalError(`"${t}" is not a boolean`);
  },
  format(v) {
    if (typeof v !== "boolean") throw new LexicalError(`${String(v)} is not a boolean`);
    return v ? "true" : "false";
  },
};

/** xs:string with a maximum length in characters. */
function string(name: string, max: number): Lexical<string> {
  const check = (v: string) => {
    if (typeof v !== "string") throw new LexicalError(`${String(v)} is not a string`);
    if ([...v].length > max) throw new LexicalError(`"${v}" is longer than the ${max} characters of ${name}`);
    return v;
  };
  return { kind: "lexical", name, parse: check, format: check };
}

export const String16 = string("String16", 16);
export const String20 = string("String20", 20);
export const String32 = string("String32", 32);
export const String42 = string("String42", 42);
export const String192 = string("String192", 192);

/** xs:anyURI: whitespace collapsed; an empty reference is refused (every URI in the model names something). */
export const AnyURI: Lexical<string> = {
  kind: "lexical", name: "anyURI",
  parse(text) {
    const t = text.trim();
    if (!t) throw new LexicalError("empty URI");
    return t;
  },
  format(v) {
    if (typeof v !== "string" || !v.trim() || /\s/.test(v)) throw new LexicalError(`"${String(v)}" is not a URI`);
    return v;
  },
};
