/**
 * parse() and serialize() for application/sep+xml documents. Input: either 2030.5 namespace (the 2023 URN or the
 * older http://ieee.org/2030.5 the EPRI client writes), any prefixes, unknown content ignored, DOCTYPE refused, size
 * bounded. Output: default namespace urn:ieee:std:2030.5:ns, schemaVer on the root, elements in schema order.
 */
import { parseXml, XmlError, XmlWriteError, XmlWriter } from "gridhub/xml";
import { SepCodecError } from "./errors.ts";
import { INPUT_NAMESPACES, SCHEMA_VERSION, SEP_NS, XSI_NS } from "./namespaces.ts";
import { readComplex } from "./read.ts";
import { RESOURCES, type ResourceName, type SepDocument, type SepResource } from "./resources.ts";
import { writeComplex } from "./write.ts";

export const DEFAULT_MAX_BYTES = 256 * 1024;
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function isResourceName(name: unknown): name is ResourceName {
  return typeof name === "string" && Object.hasOwn(RESOURCES, name);
}

/**
 * Parses a document. With `expect`, a root of another type is refused (UNKNOWN_RESOURCE) — servers use it to take
 * only the resource a URI accepts.
 * @throws SepCodecError; nothing else is affected.
 */
export function parse(xml: string | Uint8Array, options: { maxBytes?: number } = {}): SepDocument {
  let root;
  try {
    root = parseXml(xml, options.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (e) {
    if (e instanceof XmlError) throw new SepCodecError(e.kind, e.message, undefined, { cause: e });
    throw e;
  }
  if (!INPUT_NAMESPACES.has(root.ns) || !isResourceName(root.name)) {
    throw new SepCodecError("UNKNOWN_RESOURCE", `root element {${root.ns}}${root.name} is not a 2030.5 resource this codec knows`);
  }
  return { type: root.name, value: readComplex(root, RESOURCES[root.name]) } as SepDocument;
}

/** Parses a document that must be one of `types` (the first matching), refusing any other root. */
export function parseAs<K extends ResourceName>(xml: string | Uint8Array, types: readonly K[], options: { maxBytes?: number } = {}):
  { type: K; value: SepResource<K> } {
  const doc = parse(xml, options);
  if (!(types as readonly string[]).includes(doc.type)) {
    throw new SepCodecError("UNKNOWN_RESOURCE", `expected ${types.join(" or ")}, got ${doc.type}`);
  }
  return doc as unknown as { type: K; value: SepResource<K> };
}

/**
 * Serializes a resource as a complete document.
 * @throws SepCodecError of kind UNSERIALIZABLE (with the element path) when a value would not validate.
 */
export function serialize<K extends ResourceName>(type: K, value: SepResource<K>): string {
  if (!isResourceName(type)) throw new SepCodecError("UNSERIALIZABLE", `unknown resource type "${String(type)}"`);
  const w = new XmlWriter();
  const ns = ` xmlns="${SEP_NS}"${type === "Notification" ? ` xmlns:xsi="${XSI_NS}"` : ""} schemaVer="${SCHEMA_VERSION}"`;
  try {
    writeComplex(w, type, RESOURCES[type], value, ns);
  } catch (e) {
    if (e instanceof XmlWriteError) throw new SepCodecError("UNSERIALIZABLE", e.detail, e.path, { cause: e });
    throw e;
  }
  return XML_DECLARATION + w.toString();
}
