/**
 * Safe XML for untrusted grid-side payloads (OpenADR, IEEE 2030.5), on saxes (chosen by measurement, see
 * docs/decisions.md): size limit before parsing, DOCTYPE refused outright (no DTD means no external entities and
 * no entity expansion), strict UTF-8, and a small namespace-resolved element tree.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";

export type XmlErrorKind = "TOO_LARGE" | "FORBIDDEN_DTD" | "MALFORMED";

export class XmlError extends Error {
  constructor(readonly kind: XmlErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "XmlError";
  }
}

export interface XmlElement {
  /** Namespace URI ("" when the element is in no namespace). */
  readonly ns: string;
  /** Local name. */
  readonly name: string;
  /** Attributes keyed `{uri}local` (Clark notation), namespace declarations excluded. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Character data before the first child element (the grid schemas have no mixed content). */
  text: string;
  readonly parent: XmlElement | undefined;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

const XMLNS_URI = "http://www.w3.org/2000/xmlns/";
const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses one XML document into an element tree, refusing anything a grid payload never needs (DTDs, entities). */
export function parseXml(input: string | Uint8Array, maxBytes = DEFAULT_MAX_BYTES): XmlElement {
  const fromBytes = typeof input !== "string";
  const source = fromBytes ? decodeBytes(input, maxBytes) : checkedString(input, maxBytes);

  const parser = new SaxesParser({ xmlns: true, position: true });
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;

  parser.on("error", (err) => {
    throw new XmlError("MALFORMED", `not well-formed XML: ${err.message}`, { cause: err });
  });
  parser.on("doctype", () => {
    throw new XmlError("FORBIDDEN_DTD", "DOCTYPE is not allowed (entity declarations refused)");
  });
  parser.on("xmldecl", (decl) => {
    if (fromBytes && decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
      throw new XmlError("MALFORMED", `unsupported encoding "${decl.encoding}" (UTF-8 only)`);
    }
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const el: XmlElement = { ns: tag.uri, name: tag.local, attrs: readAttrs(tag), children: [], text: "", parent: current };
    if (current) current.children.push(el);
    else root = el;
    current = el;
  });
  parser.on("closetag", () => {
    current = current?.parent;
  });
  const onText = (text: string) => {
    if (current && current.children.length === 0) current.text += text;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);

  parser.write(source).close();
  if (!root) throw new XmlError("MALFORMED", "no root element");
  return root;
}

function checkedString(input: string, maxBytes: number): string {
  // A UTF-8 encoding is never shorter than the UTF-16 length, so the cheap test comes first.
  if (input.length > maxBytes || Buffer.byteLength(input, "utf8") > maxBytes) throw tooLarge(maxBytes);
  return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
}

function decodeBytes(input: Uint8Array, maxBytes: number): string {
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(input);
  } catch (err) {
    throw new XmlError("MALFORMED", "body is not valid UTF-8", { cause: err });
  }
}

function tooLarge(maxBytes: number): XmlError {
  return new XmlError("TOO_LARGE", `payload larger than the ${maxBytes}-byte limit`);
}

function readAttrs(tag: SaxesTagNS): Readonly<Record<string, string>> {
  let attrs: Record<string, string> | undefined;
  for (const key in tag.attributes) {
    const a = tag.attributes[key]!;
    if (a.uri === XMLNS_URI || (a.prefix === "" && a.local === "xmlns")) continue;
    (attrs ??= {})[`{${a.uri}}${a.local}`] = a.value;
  }
  return attrs ?? NO_ATTRS;
}
