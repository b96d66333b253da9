/** The 2030.5 namespace, the older one the EPRI client writes (accepted on input), and the media type. */
export const SEP_NS = "urn:ieee:std:2030.5:ns";
export const LEGACY_NS = "http://ieee.org/2030.5";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
export const INPUT_NAMESPACES: ReadonlySet<string> = new Set([SEP_NS, LEGACY_NS]);
export const MEDIA_TYPE = "application/sep+xml";
/** schemaVer written on every root element (the schema release in /work/shared/schemas/ieee-2030.5) */
export const SCHEMA_VERSION = "2.2";
