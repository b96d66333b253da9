/** parse() and serialize(): oadrPayload/oadrSignedObject framing and dispatch to the service-family modules. */
import { OadrCodecError } from "./errors.ts";
import { eventCodecs } from "./event.ts";
import type { PayloadCodec, PayloadCodecs } from "./family.ts";
import { NS, XMLNS_DECLARATIONS } from "./namespaces.ts";
import { optCodecs } from "./opt.ts";
import { pollCodecs } from "./poll.ts";
import { first, invalid } from "./read.ts";
import { registrationCodecs } from "./registration.ts";
import { reportCodecs } from "./report.ts";
import type { OadrMessage, OadrMessageType } from "./types.ts";
import { parseXml, XmlError, XmlWriteError, XmlWriter, type XmlElement } from "gridhub/xml";

/** Default body limit: far above any real OpenADR payload, far below what would strain the hub. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

function parseTree(xml: string | Uint8Array, maxBytes: number): XmlElement {
  try {
    return parseXml(xml, maxBytes);
  } catch (e) {
    if (e instanceof XmlError) throw new OadrCodecError(e.kind, e.message, undefined, { cause: e });
    throw e;
  }
}

export interface ParseOptions {
  /** Largest body accepted, in bytes (UTF-8); checked before any parsing. Default 1 MiB. */
  maxBytes?: number;
}

const CODECS: PayloadCodecs<OadrMessageType> = {
  ...registrationCodecs,
  ...eventCodecs,
  ...reportCodecs,
  ...optCodecs,
  ...pollCodecs,
};

/** Every payload name the codec reads and writes. */
export const PAYLOAD_TYPES = Object.keys(CODECS) as readonly OadrMessageType[];

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function codecFor(type: unknown): PayloadCodec<OadrMessageType> | undefined {
  return typeof type === "string" && Object.hasOwn(CODECS, type)
    ? (CODECS[type as OadrMessageType] as PayloadCodec<OadrMessageType>)
    : undefined;
}

/**
 * Parses an OpenADR 2.0b payload (oadrPayload/oadrSignedObject/<payload>). Elements are matched by
 * namespace URI, whatever the prefixes; elements the model does not know are ignored.
 * @throws OadrCodecError (kind and suggested responseCode say why); nothing else is affected.
 */
export function parse(xml: string | Uint8Array, options: ParseOptions = {}): OadrMessage {
  const root = parseTree(xml, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (root.ns !== NS.oadr || root.name !== "oadrPayload") {
    throw new OadrCodecError("NOT_OADR", `root element is {${root.ns}}${root.name}, expected {${NS.oadr}}oadrPayload`);
  }
  const signed = first(root, NS.oadr, "oadrSignedObject");
  if (!signed) throw invalid(root, "missing required element oadrSignedObject");
  for (const el of signed.children) {
    const codec = el.ns === NS.oadr ? codecFor(el.name) : undefined;
    if (codec) return codec.read(el);
  }
  const found = signed.children.map((c) => `{${c.ns}}${c.name}`).join(", ") || "nothing";
  throw new OadrCodecError("UNKNOWN_PAYLOAD", `oadrSignedObject holds no known OpenADR 2.0b payload (found ${found})`);
}

/**
 * Serializes a message as a complete, schema-valid oadrPayload document (UTF-8 declaration, all
 * namespaces declared on the root, elements in xs:sequence order).
 * @throws OadrCodecError of kind UNSERIALIZABLE when a value would not validate.
 */
export function serialize(msg: OadrMessage): string {
  const codec = codecFor(msg?.type);
  if (!codec) throw new OadrCodecError("UNSERIALIZABLE", `unknown payload type "${String(msg?.type)}"`);
  const w = new XmlWriter();
  w.start("oadr:oadrPayload", XMLNS_DECLARATIONS)
    .start("oadr:oadrSignedObject")
    .start(`oadr:${msg.type}`, ' ei:schemaVersion="2.0b"');
  try {
    codec.write(w, msg);
  } catch (e) {
    if (e instanceof XmlWriteError) throw new OadrCodecError("UNSERIALIZABLE", e.detail, e.path, { cause: e });
    throw e;
  }
  w.end().end().end();
  return XML_DECLARATION + w.toString();
}
