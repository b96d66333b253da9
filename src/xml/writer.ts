/** XML text writer: the caller's fixed prefixes, escaping, and schema-type formatting with error paths. */

/** A value that does not fit its XSD lexical type (thrown by format functions). */
export class LexicalError extends Error {}

/** A message that cannot be written as schema-valid XML; `path` is the element path where it failed. */
export class XmlWriteError extends Error {
  constructor(message: string, readonly path: string) {
    super(`${path}: ${message}`);
    this.name = "XmlWriteError";
    this.detail = message;
  }
  readonly detail: string;
}

/** Characters XML 1.0 cannot carry at all, and unpaired surrogates. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\t": "&#9;", "\n": "&#10;" };
const TEXT_SPECIALS = /[&<>\r]/g;
const ATTR_SPECIALS = /[&<>"\r\t\n]/g;

export class XmlWriter {
  private out = "";
  private readonly open: string[] = [];

  /** Opens `qname` (prefix:local); `attrs` is pre-escaped attribute text starting with a space. */
  start(qname: string, attrs = ""): this {
    this.out += `<${qname}${attrs}>`;
    this.open.push(qname);
    return this;
  }

  end(): this {
    this.out += `</${this.open.pop()}>`;
    return this;
  }

  /** Writes <qname>formatted value</qname>; `format` validates against the XSD type. */
  leaf<T>(qname: string, value: T, format: (v: T) => string = asString as (v: T) => string): this {
    const text = this.format(qname, value, format);
    this.out += `<${qname}>${escapeText(text)}</${qname}>`;
    return this;
  }

  /** leaf() when the value is present. */
  optLeaf<T>(qname: string, value: T | undefined, format?: (v: T) => string): this {
    return value === undefined ? this : this.leaf(qname, value, format);
  }

  empty(qname: string): this {
    this.out += `<${qname}/>`;
    return this;
  }

  /** An attribute string for start(): ` qname="escaped"`. */
  attr<T>(qname: string, value: T, format: (v: T) => string = asString as (v: T) => string): string {
    return ` ${qname}="${this.format(`@${qname}`, value, format).replace(ATTR_SPECIALS, (c) => ESCAPES[c]!)}"`;
  }

  /** Fails with the current element path (for cardinality rules the type system cannot express). */
  fail(message: string, qname?: string): never {
    throw new XmlWriteError(message, this.path(qname));
  }

  /** The list, refusing anything that is not an array. */
  list<T>(list: readonly T[] | undefined, qname: string): readonly T[] {
    if (!Array.isArray(list)) this.fail(`expected a list of ${qname}`, qname);
    return list;
  }

  /** The list, refusing an empty one where the schema demands at least one element. */
  nonEmpty<T>(list: readonly T[] | undefined, qname: string): readonly T[] {
    if (this.list(list, qname).length === 0) this.fail(`needs at least one ${qname}`, qname);
    return list!;
  }

  toString(): string {
    return this.out;
  }

  private format<T>(qname: string, value: T, format: (v: T) => string): string {
    try {
      const text = format(value);
      if (NOT_XML.test(text)) throw new LexicalError("contains characters XML cannot carry");
      return text;
    } catch (err) {
      if (err instanceof LexicalError) this.fail(err.message, qname);
      throw err;
    }
  }

  private path(qname?: string): string {
    const names = qname ? [...this.open, qname] : this.open;
    return names.map((q) => (q.startsWith("@") ? "@" : "") + q.slice(q.indexOf(":") + 1)).join("/");
  }
}

function asString(v: unknown): string {
  if (typeof v !== "string") throw new LexicalError(`${String(v)} is not a string`);
  return v;
}

function escapeText(text: string): string {
  return text.replace(TEXT_SPECIALS, (c) => ESCAPES[c]!);
}
