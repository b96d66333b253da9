/** Modbus failures as the hub's typed errors: exception responses, timeouts, lost connections, bad frames. */
import { AdapterError, type AdapterErrorCode } from "gridhub/hub";

const exceptionNames: Record<number, string> = {
  1: "illegal function", 2: "illegal data address", 3: "illegal data value", 4: "server device failure",
  5: "acknowledge", 6: "server device busy", 8: "memory parity error", 10: "gateway path unavailable",
  11: "gateway target device failed to respond",
};

const exceptionCodes: Record<number, AdapterErrorCode> = {
  1: "UNSUPPORTED", 2: "NOT_FOUND", 3: "OUT_OF_RANGE", 4: "PROTOCOL_REJECT", 5: "PROTOCOL_REJECT",
  6: "PROTOCOL_REJECT", 8: "PROTOCOL_REJECT", 10: "UNREACHABLE", 11: "UNREACHABLE",
};

/** Worth another attempt: the device said "later" or did not answer in time. */
const retryableExceptions = new Set([5, 6, 11]);

export class ModbusError extends AdapterError {
  /** the Modbus exception code when the device answered with one */
  readonly exception?: number;
  constructor(code: AdapterErrorCode, message: string, retryable: boolean, exception?: number, cause?: unknown) {
    super(code, message, retryable, cause === undefined ? undefined : { cause });
    this.name = "ModbusError";
    if (exception !== undefined) this.exception = exception;
  }
}

function exceptionError(exception: number, what: string): ModbusError {
  const name = exceptionNames[exception] ?? "unknown exception";
  return new ModbusError(exceptionCodes[exception] ?? "PROTOCOL_REJECT", `Modbus exception ${exception} (${name})${what ? ` ${what}` : ""}`,
    retryableExceptions.has(exception), exception);
}

/** Errors from modbus-serial and the socket or serial port below it; `what` says which request failed. */
export function toModbusError(err: unknown, what = ""): ModbusError {
  if (err instanceof ModbusError) return err;
  const e = err as { modbusCode?: number; errno?: string; code?: string; message?: string };
  const at = what ? ` ${what}` : "";
  if (typeof e?.modbusCode === "number") return exceptionError(e.modbusCode, what);
  if (e?.errno === "ETIMEDOUT" || e?.message === "Timed out") return new ModbusError("TIMEOUT", `no answer${at}`, true, undefined, err);
  if (/CRC|length error|Data length/i.test(e?.message ?? "")) {
    return new ModbusError("PROTOCOL_REJECT", `malformed answer${at}: ${e.message}`, true, undefined, err);
  }
  return new ModbusError("UNREACHABLE", `${e?.message || e?.code || e?.errno || String(err)}${at}`, true, undefined, err);
}
