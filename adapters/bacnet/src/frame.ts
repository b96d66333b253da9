/**
 * Reads the headers of a BACnet/IP frame (BVLL, NPDU, first APDU octets) without decoding the service: enough
 * to match responses to requests, to route BVLL messages in the simulated BBMD, and to find the invoke id of a
 * request that has to be rejected.
 */
import { BvlcResultPurpose as B, NpduControlBit, PduConReqBit, PduType, bvlc, npdu } from "./lib.ts";

export interface ApduHeader {
  /** offset of the APDU in the frame */
  offset: number;
  pduType: PduType;
  /** the low nibble of the first octet (segmentation flags) */
  flags: number;
  invokeId?: number;
  service?: number;
  /** the service parameters start here (confirmed and unconfirmed requests, acks) */
  bodyOffset?: number;
}

export interface FrameInfo {
  bvlcFunction: number;
  /** B/IP address of the originator of a Forwarded-NPDU ("a.b.c.d:port") */
  forwardedFrom?: string;
  /** offset of the NPDU, for the BVLL functions that carry one */
  npduOffset?: number;
  /** absent for BVLL-only messages and network-layer messages */
  apdu?: ApduHeader;
}

const carriesNpdu = new Set<number>([B.FORWARDED_NPDU, B.DISTRIBUTE_BROADCAST_TO_NETWORK, B.ORIGINAL_UNICAST_NPDU, B.ORIGINAL_BROADCAST_NPDU]);

function readApdu(buf: Buffer, offset: number): ApduHeader | undefined {
  if (offset >= buf.length) return undefined;
  const first = buf[offset];
  const pduType = (first & 0xf0) as PduType;
  const flags = first & 0x0f;
  const at = (i: number) => (offset + i < buf.length ? buf[offset + i] : undefined);
  const segmented = (flags & PduConReqBit.SEGMENTED_MESSAGE) !== 0;
  switch (pduType) {
    case PduType.CONFIRMED_REQUEST: {
      const s = segmented ? 5 : 3;
      return { offset, pduType, flags, invokeId: at(2), service: at(s), bodyOffset: offset + s + 1 };
    }
    case PduType.UNCONFIRMED_REQUEST:
      return { offset, pduType, flags, service: at(1), bodyOffset: offset + 2 };
    case PduType.COMPLEX_ACK: {
      const s = segmented ? 4 : 2;
      return { offset, pduType, flags, invokeId: at(1), service: at(s), bodyOffset: offset + s + 1 };
    }
    case PduType.SIMPLE_ACK:
    case PduType.ERROR:
      return { offset, pduType, flags, invokeId: at(1), service: at(2), bodyOffset: offset + 3 };
    case PduType.SEGMENT_ACK:
    case PduType.REJECT:
    case PduType.ABORT:
      return { offset, pduType, flags, invokeId: at(1) };
    default:
      return undefined;
  }
}

/** undefined when the frame is not a well-formed BACnet/IP frame (wrong type octet, length, NPDU version) */
export function inspectFrame(buf: Buffer): FrameInfo | undefined {
  const head = bvlc.decode(buf, 0);
  if (!head) return undefined;
  const info: FrameInfo = { bvlcFunction: head.func };
  if (head.originatingIP) info.forwardedFrom = head.originatingIP.includes(":") ? head.originatingIP : `${head.originatingIP}:47808`;
  if (!carriesNpdu.has(head.func)) return info;
  if (head.len + 2 > buf.length) return undefined;
  const net = npdu.decode(buf, head.len);
  if (!net) return undefined;
  info.npduOffset = head.len;
  if (net.funct & NpduControlBit.NETWORK_LAYER_MESSAGE) return info;
  const apduHeader = readApdu(buf, head.len + net.len);
  if (apduHeader) info.apdu = apduHeader;
  return info;
}

/** True for the PDU types that answer a confirmed request. */
export function isResponse(t: PduType): boolean {
  return t === PduType.SIMPLE_ACK || t === PduType.COMPLEX_ACK || t === PduType.ERROR || t === PduType.REJECT || t === PduType.ABORT;
}
