/** Helpers to read the namespace-resolved element tree: lookups by (namespace URI, local name) and typed values. */
import { OadrCodecError } from "./errors.ts";
import * as lex from "./lexical.ts";
import type { Vocabulary } from "./lexical.ts";
import type { XmlElement } from "gridhub/xml";

/** Reads a value (or a structure) from one element. */
export type Reader<T> = (el: XmlElement) => T;

export function first(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  for (const c of parent.children) if (c.name === name && c.ns === ns) return c;
  return undefined;
}

export function req<T>(parent: XmlElement, ns: string, name: string, read: Reader<T>): T {
  const el = first(parent, ns, name);
  if (!el) throw invalid(parent, `missing required element ${name}`);
  return read(el);
}

export function opt<T>(parent: XmlElement, ns: string, name: string, read: Reader<T>): T | undefined {
  const el = first(parent, ns, name);
  return el ? read(el) : undefined;
}

export function many<T>(parent: XmlElement, ns: string, name: string, read: Reader<T>): T[] {
  const out: T[] = [];
  for (const c of parent.children) if (c.name === name && c.ns === ns) out.push(read(c));
  return out;
}

/** Like many(), but the schema demands at least one. */
export function some<T>(parent: XmlElement, ns: string, name: string, read: Reader<T>): T[] {
  const out = many(parent, ns, name, read);
  if (out.length === 0) throw invalid(parent, `needs at least one ${name}`);
  return out;
}

/** Follows a chain of required child elements, e.g. eiMarketContext/marketContext. */
export function path(parent: XmlElement, ...steps: readonly [ns: string, name: string][]): XmlElement {
  let el = parent;
  for (const [ns, name] of steps) el = req(el, ns, name, (e) => e);
  return el;
}

export function attr(el: XmlElement, ns: string, name: string): string | undefined {
  return el.attrs[`{${ns}}${name}`];
}

export function elementPath(el: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) names.push(e.name);
  return names.reverse().join("/");
}

export function invalid(el: XmlElement, message: string): OadrCodecError {
  return new OadrCodecError("INVALID", message, elementPath(el));
}

/** Lifts a lexical parser into a Reader whose errors carry the element path. */
function lexical<T>(parse: (text: string) => T): Reader<T> {
  return (el) => {
    try {
      return parse(el.text);
    } catch (err) {
      if (err instanceof lex.LexicalError) throw invalid(el, err.message);
      throw err;
    }
  };
}

/**
 * A copy without the undefined members, so parsed objects deep-equal their canonical form
 * (copying rather than deleting keeps V8's fast property layout).
 */
export function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** xs:string: verbatim. */
export const str: Reader<string> = (el) => el.text;
/** xs:token / xs:anyURI: whitespace collapsed. */
export const token: Reader<string> = lexical(lex.collapse);
export const uint: Reader<number> = lexical((t) => lex.parseUnsignedInt(t));
export const percent: Reader<number> = lexical((t) => lex.parseUnsignedInt(t, 100));
export const float: Reader<number> = lexical(lex.parseFloatValue);
export const decimal: Reader<number> = lexical(lex.parseDecimal);
export const bool: Reader<boolean> = lexical(lex.parseBoolean);
export const dateTime: Reader<string> = lexical(lex.parseDateTime);
export const duration: Reader<string> = lexical(lex.parseDuration);
export const responseCode: Reader<number> = lexical(lex.parseResponseCode);
export const doubleList: Reader<number[]> = lexical(lex.parseDoubleList);

export function oneOf<T extends string>(vocabulary: Vocabulary<T>): Reader<T> {
  return lexical(vocabulary.parse);
}
