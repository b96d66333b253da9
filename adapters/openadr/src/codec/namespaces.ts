/** XML namespaces of OpenADR 2.0b (oadr_20b.xsd and its imports). Parsing matches on these URIs, never on prefixes. */
export const NS = {
  oadr: "http://openadr.org/oadr-2.0b/2012/07",
  pyld: "http://docs.oasis-open.org/ns/energyinterop/201110/payloads",
  ei: "http://docs.oasis-open.org/ns/energyinterop/201110",
  emix: "http://docs.oasis-open.org/ns/emix/2011/06",
  power: "http://docs.oasis-open.org/ns/emix/2011/06/power",
  scale: "http://docs.oasis-open.org/ns/emix/2011/06/siscale",
  xcal: "urn:ietf:params:xml:ns:icalendar-2.0",
  strm: "urn:ietf:params:xml:ns:icalendar-2.0:stream",
  gml: "http://www.opengis.net/gml/3.2",
} as const;

export type NsPrefix = keyof typeof NS;

/** The namespace declarations written on every serialized oadrPayload (the prefixes above). */
export const XMLNS_DECLARATIONS: string = Object.entries(NS)
  .map(([prefix, uri]) => ` xmlns:${prefix}="${uri}"`)
  .join("");
