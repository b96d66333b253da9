/**
 * Builds and sends a simulated device's answers with the library's encoders: Simple/Complex-ACK, Error, Reject,
 * Abort, I-Am. A Complex-ACK longer than the requester's and the device's max APDU is sent segmented (window of
 * one: each segment waits for its Segment-ACK) when both sides support it, and aborted with
 * segmentation-not-supported when one does not, as a device does.
 */
import type { Logger } from "pino";
import {
  AbortReason, BvlcResultPurpose as B, NpduControlPriority, PduConReqBit, PduSegAckBit, PduType, UnconfirmedServiceChoice,
  apdu, bvlc, npdu, services, type EncodeBuffer,
} from "../lib.ts";
import type { UdpTransport } from "../transport.ts";

/** octets for the max-APDU-length-accepted codes 0-5 */
const maxApduOctets = [50, 128, 206, 480, 1024, 1476];
/** segments for the max-segments-accepted codes (high nibble); 0 = unspecified, 7 = more than 64 */
const maxSegmentsOf = [Infinity, 2, 4, 8, 16, 32, 64, Infinity];
const SEGMENT_TIMEOUT_MS = 1000;
const SEGMENT_RETRIES = 2;

export interface Request {
  invokeId: number;
  /** the max-APDU code the requester sent */
  maxApdu: number;
  /** the max-segments code (high nibble of the octet) */
  maxSegments: number;
  /** the first APDU octet (segmented-response-accepted flag) */
  type: number;
}

interface Outgoing {
  to: string;
  invokeId: number;
  segments: Buffer[];
  next: number;
  tries: number;
  timer?: NodeJS.Timeout;
}

export class Responder {
  private readonly outgoing = new Map<string, Outgoing>();

  constructor(private readonly transport: UdpTransport, private readonly maxApdu: number, private readonly canSegment: boolean,
    private readonly log: Logger) {}

  /** a whole frame: BVLL header, NPDU, and the APDU `build` writes */
  private frame(func: B, build: (b: EncodeBuffer) => void): { buffer: Buffer; length: number } {
    const b: EncodeBuffer = { buffer: Buffer.alloc(1500), offset: 4 };
    npdu.encode(b, NpduControlPriority.NORMAL_MESSAGE);
    build(b);
    bvlc.encode(b.buffer, func, b.offset);
    return { buffer: b.buffer, length: b.offset };
  }

  private send(to: string | undefined, func: B, build: (b: EncodeBuffer) => void) {
    const f = this.frame(func, build);
    this.transport.send(f.buffer, f.length, to);
  }

  simpleAck(to: string, invokeId: number, service: number): void {
    this.send(to, B.ORIGINAL_UNICAST_NPDU, (b) => apdu.encodeSimpleAck(b, PduType.SIMPLE_ACK, service, invokeId));
  }

  error(to: string, invokeId: number, service: number, errorClass: number, errorCode: number): void {
    this.send(to, B.ORIGINAL_UNICAST_NPDU, (b) => {
      apdu.encodeError(b, PduType.ERROR, service, invokeId);
      services.ErrorService.encode(b, errorClass, errorCode);
    });
  }

  reject(to: string, invokeId: number, reason: number): void {
    this.send(to, B.ORIGINAL_UNICAST_NPDU, (b) => apdu.encodeAbort(b, PduType.REJECT, invokeId, reason));
  }

  abort(to: string, invokeId: number, reason: number): void {
    // sent by the server: SRV bit set
    this.send(to, B.ORIGINAL_UNICAST_NPDU, (b) => apdu.encodeAbort(b, PduType.ABORT | 1, invokeId, reason));
  }

  /** I-Am to one peer, or broadcast on the device's segment when `to` is undefined */
  iAm(to: string | undefined, instance: number, segmentation: number, vendorId: number): void {
    this.send(to, to ? B.ORIGINAL_UNICAST_NPDU : B.ORIGINAL_BROADCAST_NPDU, (b) => {
      apdu.encodeUnconfirmedServiceRequest(b, PduType.UNCONFIRMED_REQUEST, UnconfirmedServiceChoice.I_AM);
      services.IAm.encode(b, instance, this.maxApdu, segmentation, vendorId);
    });
  }

  complexAck(to: string, req: Request, service: number, encodeBody: (b: EncodeBuffer) => void): void {
    const body: EncodeBuffer = { buffer: Buffer.alloc(65536), offset: 0 };
    encodeBody(body);
    const data = body.buffer.subarray(0, body.offset);
    const limit = Math.min(this.maxApdu, maxApduOctets[req.maxApdu] ?? 50);
    if (data.length + 3 <= limit) {
      this.send(to, B.ORIGINAL_UNICAST_NPDU, (b) => {
        apdu.encodeComplexAck(b, PduType.COMPLEX_ACK, service, req.invokeId);
        b.offset += data.copy(b.buffer, b.offset);
      });
      return;
    }
    const accepted = (req.type & PduConReqBit.SEGMENTED_RESPONSE_ACCEPTED) !== 0;
    if (!this.canSegment || !accepted) return this.abort(to, req.invokeId, AbortReason.SEGMENTATION_NOT_SUPPORTED);
    const size = limit - 5;
    const count = Math.ceil(data.length / size);
    if (count > 255 || count > maxSegmentsOf[req.maxSegments >> 4]) return this.abort(to, req.invokeId, AbortReason.BUFFER_OVERFLOW);
    const segments = Array.from({ length: count }, (_, k) => this.frame(B.ORIGINAL_UNICAST_NPDU, (b) => {
      const more = k < count - 1 ? PduConReqBit.MORE_FOLLOWS : 0;
      apdu.encodeComplexAck(b, PduType.COMPLEX_ACK | PduConReqBit.SEGMENTED_MESSAGE | more, service, req.invokeId, k, 1);
      b.offset += data.copy(b.buffer, b.offset, k * size, Math.min(data.length, (k + 1) * size));
    })).map((f) => f.buffer.subarray(0, f.length));
    const out: Outgoing = { to, invokeId: req.invokeId, segments, next: 0, tries: 0 };
    this.outgoing.set(`${to}/${req.invokeId}`, out);
    this.sendSegment(out);
  }

  private sendSegment(out: Outgoing) {
    clearTimeout(out.timer);
    const seg = out.segments[out.next];
    this.transport.send(seg, seg.length, out.to);
    out.timer = setTimeout(() => {
      if (++out.tries > SEGMENT_RETRIES) {
        this.outgoing.delete(`${out.to}/${out.invokeId}`);
        this.log.warn({ to: out.to, invokeId: out.invokeId }, "segmented answer abandoned: no Segment-ACK");
        return this.abort(out.to, out.invokeId, AbortReason.TSM_TIMEOUT);
      }
      this.sendSegment(out);
    }, SEGMENT_TIMEOUT_MS);
  }

  /** a Segment-ACK from a requester: send the segment after the one acknowledged (a NAK asks for the same) */
  onSegmentAck(from: string, frame: Buffer, offset: number): void {
    const flags = frame[offset] & 0x0f;
    const invokeId = frame[offset + 1];
    const seq = frame[offset + 2];
    const out = this.outgoing.get(`${from}/${invokeId}`);
    if (!out || (flags & PduSegAckBit.SERVER) !== 0 || seq === undefined) return;
    out.tries = 0;
    out.next = seq + 1;
    if (out.next >= out.segments.length) {
      clearTimeout(out.timer);
      this.outgoing.delete(`${from}/${invokeId}`);
      return;
    }
    this.sendSegment(out);
  }

  close(): void {
    for (const out of this.outgoing.values()) clearTimeout(out.timer);
    this.outgoing.clear();
  }
}
