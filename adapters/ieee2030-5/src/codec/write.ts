/** The generic writer: a value -> elements in xs:sequence order, attributes on the start tag, values checked. */
import { LexicalError, XmlWriter } from "gridhub/xml";
import type { Complex, Node, TypedValue } from "./dsl.ts";

/** The start tag's attributes; errors name the element (and the attribute). */
function attrsOf(w: XmlWriter, element: string, type: Complex, value: Record<string, unknown>): string {
  let out = "";
  for (const [name, field] of type.fields) {
    if (!field.attr) continue;
    const v = value[name];
    if (v === undefined) {
      if (field.occurs === "one") w.fail(`missing required attribute ${name}`, element);
      continue;
    }
    let text: string;
    try {
      text = (field.node as { format(v: unknown): string }).format(v);
    } catch (err) {
      if (err instanceof LexicalError) w.fail(`attribute ${name}: ${err.message}`, element);
      throw err;
    }
    out += w.attr(name, text);
  }
  return out;
}

function writeNode(w: XmlWriter, name: string, node: Node, value: unknown) {
  if (node.kind === "lexical") {
    w.leaf(name, value, (v) => node.format(v));
    return;
  }
  if (node.kind === "complex") {
    writeComplex(w, name, node, value);
    return;
  }
  const t = value as TypedValue;
  const types = node.types();
  const type = t && typeof t.type === "string" && Object.hasOwn(types, t.type) ? types[t.type] : undefined;
  if (!type) w.fail(`${String(t?.type)} is not a resource type`, name);
  writeComplex(w, name, type, t.value, w.attr("xsi:type", t.type));
}

/** Writes `value` as element `name` of `type`; `extraAttrs` (pre-escaped) go on its start tag. */
export function writeComplex(w: XmlWriter, name: string, type: Complex, value: unknown, extraAttrs = "") {
  if (typeof value !== "object" || value === null || Array.isArray(value)) w.fail(`expected a ${type.name} object`, name);
  const v = value as Record<string, unknown>;
  w.start(name, extraAttrs + attrsOf(w, name, type, v));
  for (const [field, def] of type.fields) {
    if (def.attr) continue;
    const fv = v[field];
    if (fv === undefined) {
      if (def.occurs === "one") w.fail(`missing required element ${field}`, field);
      continue;
    }
    if (def.occurs === "many") {
      const list = def.min ? w.nonEmpty(fv as unknown[], field) : w.list(fv as unknown[], field);
      if (def.max !== undefined && list.length > def.max) w.fail(`at most ${def.max} allowed`, field);
      for (const item of list) writeNode(w, field, def.node, item);
    } else {
      writeNode(w, field, def.node, fv);
    }
  }
  w.end();
}
