/** Typed errors at the adapter door; codes map onto protocol status codes and API responses. */
export type AdapterErrorCode =
  | "TIMEOUT" | "UNREACHABLE" | "AUTH" | "NOT_WRITABLE" | "OUT_OF_RANGE" | "PROTOCOL_REJECT" | "CONFIG" | "NOT_FOUND" | "UNSUPPORTED";

export class AdapterError extends Error {
  constructor(readonly code: AdapterErrorCode, message: string, readonly retryable = false, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AdapterError";
  }
  toJSON() {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}
