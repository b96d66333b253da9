/**
 * Lexical forms of the XSD simple types OpenADR uses, both ways. Parsers take the raw element text;
 * formatters refuse values the schema would refuse. Both throw LexicalError, which the tree reader
 * and the writer turn into an OadrCodecError carrying the element path.
 */
import { LexicalError } from "gridhub/xml";

export { LexicalError };

/** xcal:DateTimeType: xs:dateTime restricted to UTC or floating time (no offsets). */
const DATE_TIME = /^-?\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z?$/;
/** xcal:DurationValueType, the schema's own pattern (weeks only as "<n>W", no fractions). */
const DURATION = /^(?:[+-]?P(?:\d+Y)?(?:\d+M)?(?:\d+D)?T?(?:\d+H)?(?:\d+M)?(?:\d+S)?|\d+W)$/;
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const UNSIGNED = /^\+?\d+$/;
const RESPONSE_CODE = /^\d{3}$/;
/** ei:EiExtensionTokenType: where the schema allows "x-" extensions of an enumeration. */
const EXTENSION = /^x-\S/;
/** xs:NCName, ASCII subset (gml:id). */
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_UNSIGNED_INT = 4294967295;
const MAX_FLOAT = 3.4028234663852886e38;

/** xs:token whitespace handling (collapse). */
export function collapse(text: string): string {
  const t = text.trim();
  return /[\t\n\r]| {2}/.test(t) ? t.replace(/[\t\n\r ]+/g, " ") : t;
}

export function parseUnsignedInt(text: string, max = MAX_UNSIGNED_INT): number {
  const t = text.trim();
  const n = UNSIGNED.test(t) ? Number(t) : NaN;
  if (!(n <= max)) throw new LexicalError(`"${t}" is not an unsigned integer up to ${max}`);
  return n;
}

export function formatUnsignedInt(n: number, max = MAX_UNSIGNED_INT): string {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new LexicalError(`${n} is not an unsigned integer up to ${max}`);
  return String(n);
}

/** xs:float and xs:double: INF, -INF and NaN included. */
export function parseFloatValue(text: string): number {
  const t = text.trim();
  if (FLOAT.test(t)) return Number(t);
  if (t === "INF" || t === "+INF") return Infinity;
  if (t === "-INF") return -Infinity;
  if (t === "NaN") return NaN;
  throw new LexicalError(`"${t}" is not a number`);
}

export function formatFloat(n: number): string {
  if (typeof n !== "number") throw new LexicalError(`${String(n)} is not a number`);
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "INF";
  if (n === -Infinity) return "-INF";
  if (Math.abs(n) > MAX_FLOAT) throw new LexicalError(`${n} is outside the xs:float range`);
  return String(n);
}

export function formatDouble(n: number): string {
  if (typeof n !== "number") throw new LexicalError(`${String(n)} is not a number`);
  return Number.isFinite(n) ? String(n) : formatFloat(n);
}

export function parseDecimal(text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new LexicalError(`"${t}" is not a decimal`);
  return Number(t);
}

/** xs:decimal has no exponent notation, which String(n) uses below 1e-6 and from 1e21. */
export function formatDecimal(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) throw new LexicalError(`${n} is not a representable decimal`);
  const s = String(n);
  return s.includes("e") ? n.toFixed(20).replace(/\.?0+$/, "") : s;
}

export function parseBoolean(text: string): boolean {
  const t = text.trim();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  throw new LexicalError(`"${t}" is not a boolean`);
}

export function formatBoolean(b: boolean): string {
  if (typeof b !== "boolean") throw new LexicalError(`${String(b)} is not a boolean`);
  return b ? "true" : "false";
}

export function parseDateTime(text: string): string {
  const t = text.trim();
  if (!DATE_TIME.test(t)) throw new LexicalError(`"${t}" is not an OpenADR date-time (UTC "Z" or no offset)`);
  return t;
}

export function formatDateTime(s: string): string {
  if (typeof s !== "string" || !DATE_TIME.test(s)) {
    throw new LexicalError(`"${String(s)}" is not an OpenADR date-time (UTC "Z" or no offset)`);
  }
  return s;
}

export function parseDuration(text: string): string {
  const t = text.trim();
  if (!DURATION.test(t)) throw new LexicalError(`"${t}" is not an OpenADR duration`);
  return t;
}

export function formatDuration(s: string): string {
  if (typeof s !== "string" || !DURATION.test(s)) throw new LexicalError(`"${String(s)}" is not an OpenADR duration`);
  return s;
}

export function parseResponseCode(text: string): number {
  const t = text.trim();
  if (!RESPONSE_CODE.test(t)) throw new LexicalError(`"${t}" is not a 3-digit response code`);
  return Number(t);
}

export function formatResponseCode(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new LexicalError(`${n} is not a 3-digit response code`);
  return String(n).padStart(3, "0");
}

export function parseDoubleList(text: string): number[] {
  const t = collapse(text);
  return t === "" ? [] : t.split(" ").map(parseFloatValue);
}

export function formatDoubleList(values: readonly number[]): string {
  return values.map(formatDouble).join(" ");
}

export function checkNcName(s: string): string {
  if (typeof s !== "string" || !NCNAME.test(s)) throw new LexicalError(`"${String(s)}" is not an XML ID (NCName)`);
  return s;
}

/** An enumeration (token), optionally open to "x-" extensions. */
export interface Vocabulary<T extends string> {
  parse(text: string): T;
  format(value: T): string;
}

export function vocabulary<T extends string>(values: readonly string[], extensible: boolean): Vocabulary<T> {
  const known = new Set(values);
  const accepts = (v: string) => known.has(v) || (extensible && EXTENSION.test(v));
  const describe = () => (extensible ? `one of ${values.join(", ")} or an x- extension` : `one of ${values.join(", ")}`);
  return {
    parse(text) {
      const v = collapse(text);
      if (!accepts(v)) throw new LexicalError(`"${v}" is not ${describe()}`);
      return v as T;
    },
    format(value) {
      if (typeof value !== "string" || !accepts(value)) throw new LexicalError(`"${String(value)}" is not ${describe()}`);
      return value;
    },
  };
}
