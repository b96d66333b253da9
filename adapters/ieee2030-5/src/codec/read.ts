/** The generic reader: a namespace-resolved element tree -> a value shaped by a complex type's description. */
import type { XmlElement } from "gridhub/xml";
import type { Complex, Field, Node, TypedValue } from "./dsl.ts";
import { SepCodecError } from "./errors.ts";
import { LexicalError } from "./lexical.ts";
import { INPUT_NAMESPACES, XSI_NS } from "./namespaces.ts";

export function elementPath(el: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) names.push(e.name);
  return names.reverse().join("/");
}

const invalid = (el: XmlElement, message: string) => new SepCodecError("INVALID", message, elementPath(el));

/** Children in a 2030.5 namespace, grouped by local name (elements of other namespaces are extensions: ignored). */
function childrenByName(el: XmlElement): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  for (const c of el.children) {
    if (!INPUT_NAMESPACES.has(c.ns)) continue;
    const list = out.get(c.name);
    if (list) list.push(c);
    else out.set(c.name, [c]);
  }
  return out;
}

function disabled(el: XmlElement): boolean {
  const v = el.attrs["{}disabled"]?.trim();
  return v === "true" || v === "1";
}

function readLexical<T>(el: XmlElement, where: string, parse: (t: string) => T): T {
  try {
    return parse(where);
  } catch (err) {
    if (err instanceof LexicalError) throw invalid(el, err.message);
    throw err;
  }
}

function readNode(el: XmlElement, node: Node): unknown {
  if (node.kind === "lexical") return readLexical(el, el.text, node.parse);
  if (node.kind === "complex") return readComplex(el, node);
  const xsiType = el.attrs[`{${XSI_NS}}type`];
  if (!xsiType) throw invalid(el, "needs an xsi:type naming the resource it carries");
  const name = xsiType.slice(xsiType.indexOf(":") + 1).trim();
  const types = node.types();
  const type = Object.hasOwn(types, name) ? types[name] : undefined;
  if (!type) throw invalid(el, `xsi:type ${xsiType} is not a resource this codec knows`);
  return { type: name, value: readComplex(el, type) as Record<string, unknown> } satisfies TypedValue;
}

function readField(el: XmlElement, name: string, field: Field, children: Map<string, XmlElement[]>): unknown {
  if (field.attr) {
    const text = el.attrs[`{}${name}`];
    if (text === undefined) {
      if (field.occurs === "one") throw invalid(el, `missing required attribute ${name}`);
      return undefined;
    }
    return readLexical(el, text, (t) => (field.node as { parse(t: string): unknown }).parse(t));
  }
  const found = (children.get(name) ?? []).filter((c) => !(field.control && disabled(c)));
  if (field.occurs === "many") {
    if (found.length < (field.min ?? 0)) throw invalid(el, `needs at least ${field.min} ${name}`);
    if (field.max !== undefined && found.length > field.max) throw invalid(el, `has more than ${field.max} ${name}`);
    return found.length ? found.map((c) => readNode(c, field.node)) : undefined;
  }
  if (!found.length) {
    if (field.occurs === "one") throw invalid(el, `missing required element ${name}`);
    return undefined;
  }
  return readNode(found[0], field.node);
}

/** Reads one element as `type`; unknown children and attributes are ignored, absent optional ones left out. */
export function readComplex(el: XmlElement, type: Complex): Record<string, unknown> {
  const children = childrenByName(el);
  const out: Record<string, unknown> = {};
  for (const [name, field] of type.fields) {
    const v = readField(el, name, field, children);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
