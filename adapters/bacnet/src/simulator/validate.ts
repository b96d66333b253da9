/**
 * Decides whether a simulated device rejects a confirmed request, and why (the Reject PDU's reason), before the
 * library sees it: the library silently drops what it cannot decode, where a device answers with a Reject.
 */
import { ConfirmedServiceChoice as C, RejectReason, services } from "../lib.ts";

type Decoder = { decode(buffer: Buffer, offset: number, length: number): { len: number } | undefined };

export interface Capabilities {
  readPropertyMultiple: boolean;
  cov: boolean;
}

/** "ok", or where the tag structure of `buf[start, end)` breaks: a tag running past the end, or a stray closing tag */
export function tagStructure(buf: Buffer, start: number, end: number): "ok" | "truncated" | "invalid" {
  let at = start;
  let depth = 0;
  while (at < end) {
    const octet = buf[at++];
    if ((octet & 0xf0) === 0xf0) at++;
    const context = (octet & 0x08) !== 0;
    let length = octet & 0x07;
    if (context && length === 6) {
      depth++;
      continue;
    }
    if (context && length === 7) {
      if (--depth < 0) return "invalid";
      continue;
    }
    // an application boolean carries its value in the length field
    if (!context && octet >> 4 === 1) continue;
    if (length === 5) {
      if (at >= end) return "truncated";
      length = buf[at++];
      if (length === 254) {
        if (at + 2 > end) return "truncated";
        length = buf.readUInt16BE(at);
        at += 2;
      } else if (length === 255) {
        if (at + 4 > end) return "truncated";
        length = buf.readUInt32BE(at);
        at += 4;
      }
    }
    at += length;
  }
  if (at > end) return "truncated";
  return depth === 0 ? "ok" : "truncated";
}

/** the reason to reject the request whose parameters are `buf[bodyOffset, end)`, or undefined to serve it */
export function rejectReason(service: number, buf: Buffer, bodyOffset: number, can: Capabilities): RejectReason | undefined {
  const decoders: Partial<Record<number, Decoder>> = {
    [C.READ_PROPERTY]: services.ReadProperty,
    [C.WRITE_PROPERTY]: services.WriteProperty,
    ...(can.readPropertyMultiple ? { [C.READ_PROPERTY_MULTIPLE]: services.ReadPropertyMultiple } : {}),
    ...(can.cov ? { [C.SUBSCRIBE_COV]: services.SubscribeCov } : {}),
  };
  const decoder = decoders[service];
  if (!decoder) return RejectReason.UNRECOGNIZED_SERVICE;
  const length = buf.length - bodyOffset;
  if (length <= 0) return RejectReason.MISSING_REQUIRED_PARAMETER;
  const structure = tagStructure(buf, bodyOffset, buf.length);
  if (structure === "invalid") return RejectReason.INVALID_TAG;
  if (structure === "truncated") return RejectReason.MISSING_REQUIRED_PARAMETER;
  let decoded: { len: number } | undefined;
  try {
    decoded = decoder.decode(buf, bodyOffset, length);
  } catch {
    return RejectReason.INVALID_TAG;
  }
  if (!decoded || decoded.len > length) return RejectReason.MISSING_REQUIRED_PARAMETER;
  if (decoded.len < length) return RejectReason.TOO_MANY_ARGUMENTS;
  return undefined;
}
