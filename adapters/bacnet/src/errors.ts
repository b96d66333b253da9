/** What went wrong in a BACnet exchange, classified from the library's errors, and its AdapterError. */
import { AdapterError, type AdapterErrorCode } from "gridhub/hub";
import { AbortReason, ErrorClass, ErrorCode, RejectReason } from "./lib.ts";

export type Failure =
  | { kind: "timeout" }
  | { kind: "closed" }
  | { kind: "error"; errorClass: number; errorCode: number }
  | { kind: "reject"; reason: number }
  | { kind: "abort"; reason: number }
  | { kind: "decode"; detail: string };

/** An AdapterError that keeps the BACnet failure behind it, so callers can split, fall back or retry. */
export class BacnetError extends AdapterError {
  constructor(code: AdapterErrorCode, message: string, retryable: boolean, readonly failure: Failure) {
    super(code, message, retryable);
  }
}

function nameIn(e: Record<string, string | number>, code: number): string {
  const key = Object.keys(e).find((k) => e[k] === code);
  return key ? key.toLowerCase().replace(/_/g, "-") : String(code);
}

/**
 * The library rejects with plain Errors: ERR_TIMEOUT, ERR_CLOSED, "BacnetError - Class:c - Code:n",
 * "BacnetAbort - Reason:r" (for Reject and Abort PDUs alike: `answeredBy` tells them apart) and INVALID_DECODING
 * or a RangeError when a response does not decode.
 */
export function classify(e: unknown, answeredBy?: "reject" | "abort"): Failure {
  const message = e instanceof Error ? e.message : String(e);
  if (message === "ERR_TIMEOUT") return { kind: "timeout" };
  if (message === "ERR_CLOSED") return { kind: "closed" };
  const err = /BacnetError - Class:(\d+) - Code:(\d+)/.exec(message);
  if (err) return { kind: "error", errorClass: Number(err[1]), errorCode: Number(err[2]) };
  const abort = /BacnetAbort - Reason:(\d+)/.exec(message);
  if (abort) return { kind: answeredBy ?? "abort", reason: Number(abort[1]) };
  return { kind: "decode", detail: message };
}

const E = ErrorCode;
const notFound = new Set<number>([E.UNKNOWN_OBJECT, E.UNKNOWN_PROPERTY, E.INVALID_ARRAY_INDEX, E.UNKNOWN_DEVICE]);
const unsupported = new Set<number>([E.OPTIONAL_FUNCTIONALITY_NOT_SUPPORTED, E.NOT_COV_PROPERTY, E.REJECT_UNRECOGNIZED_SERVICE,
  E.UNSUPPORTED_OBJECT_TYPE, E.DATATYPE_NOT_SUPPORTED]);
const outOfRange = new Set<number>([E.VALUE_OUT_OF_RANGE, E.INVALID_DATA_TYPE, E.PARAMETER_OUT_OF_RANGE, E.VALUE_TOO_LONG]);

function errorCode(f: Extract<Failure, { kind: "error" }>): [AdapterErrorCode, boolean] {
  if (f.errorClass === ErrorClass.SECURITY || f.errorCode === E.READ_ACCESS_DENIED || f.errorCode === E.PASSWORD_FAILURE) return ["AUTH", false];
  if (f.errorCode === E.WRITE_ACCESS_DENIED) return ["NOT_WRITABLE", false];
  if (notFound.has(f.errorCode)) return ["NOT_FOUND", false];
  if (outOfRange.has(f.errorCode)) return ["OUT_OF_RANGE", false];
  if (unsupported.has(f.errorCode)) return ["UNSUPPORTED", false];
  const busy = f.errorClass === ErrorClass.RESOURCES || f.errorCode === E.DEVICE_BUSY || f.errorCode === E.BUSY;
  return ["PROTOCOL_REJECT", busy];
}

export function describe(f: Failure): string {
  switch (f.kind) {
    case "timeout": return "no answer (APDU timeout)";
    case "closed": return "the BACnet client is closed";
    case "error": return `error ${nameIn(ErrorClass as never, f.errorClass)}/${nameIn(ErrorCode as never, f.errorCode)}`;
    case "reject": return `rejected: ${nameIn(RejectReason as never, f.reason)}`;
    case "abort": return `aborted: ${nameIn(AbortReason as never, f.reason)}`;
    case "decode": return `malformed response (${f.detail})`;
  }
}

/** `what` names the exchange, e.g. "device 1001 (127.0.0.1:47901) read analog-value:3 present-value". */
export function toAdapterError(f: Failure, what: string): BacnetError {
  const msg = `${what}: ${describe(f)}`;
  switch (f.kind) {
    case "timeout": return new BacnetError("TIMEOUT", msg, true, f);
    case "closed": return new BacnetError("UNREACHABLE", msg, false, f);
    case "error": {
      const [code, retryable] = errorCode(f);
      return new BacnetError(code, msg, retryable, f);
    }
    case "reject":
      return new BacnetError(f.reason === RejectReason.UNRECOGNIZED_SERVICE ? "UNSUPPORTED" : "PROTOCOL_REJECT", msg, false, f);
    case "abort": {
      const retryable = f.reason === AbortReason.OUT_OF_RESOURCES || f.reason === AbortReason.PREEMPTED_BY_HIGHER_PRIORITY_TASK;
      return new BacnetError("PROTOCOL_REJECT", msg, retryable, f);
    }
    case "decode": return new BacnetError("PROTOCOL_REJECT", msg, false, f);
  }
}

/** Aborts that mean "the answer does not fit": ask for less at a time. */
export function isTooLong(f: Failure): boolean {
  return f.kind === "abort" && (f.reason === AbortReason.SEGMENTATION_NOT_SUPPORTED || f.reason === AbortReason.BUFFER_OVERFLOW
    || f.reason === AbortReason.APDU_TOO_LONG);
}
