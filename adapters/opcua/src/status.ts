/** OPC UA status codes and client failures -> the hub's typed adapter errors. */
import type { StatusCode } from "node-opcua";
import { AdapterError, type AdapterErrorCode } from "gridhub/hub";

const byName: Record<string, [AdapterErrorCode, boolean]> = {
  BadNotWritable: ["NOT_WRITABLE", false],
  BadWriteNotSupported: ["NOT_WRITABLE", false],
  BadUserAccessDenied: ["AUTH", false],
  BadIdentityTokenInvalid: ["AUTH", false],
  BadIdentityTokenRejected: ["AUTH", false],
  BadSecurityChecksFailed: ["AUTH", false],
  BadSecurityPolicyRejected: ["AUTH", false],
  BadSecurityModeRejected: ["AUTH", false],
  BadCertificateUntrusted: ["AUTH", false],
  BadCertificateInvalid: ["AUTH", false],
  BadCertificateTimeInvalid: ["AUTH", false],
  BadCertificateUriInvalid: ["AUTH", false],
  BadCertificateHostNameInvalid: ["AUTH", false],
  BadCertificateRevoked: ["AUTH", false],
  BadCertificateUseNotAllowed: ["AUTH", false],
  BadNodeIdUnknown: ["NOT_FOUND", false],
  BadNodeIdInvalid: ["NOT_FOUND", false],
  BadNoMatch: ["NOT_FOUND", false],
  BadBrowseNameInvalid: ["NOT_FOUND", false],
  BadAttributeIdInvalid: ["NOT_FOUND", false],
  BadOutOfRange: ["OUT_OF_RANGE", false],
  BadTypeMismatch: ["PROTOCOL_REJECT", false],
  BadNotReadable: ["PROTOCOL_REJECT", false],
  BadTimeout: ["TIMEOUT", true],
  BadRequestTimeout: ["TIMEOUT", true],
  BadTooManyOperations: ["PROTOCOL_REJECT", true],
  BadConnectionClosed: ["UNREACHABLE", true],
  BadServerNotConnected: ["UNREACHABLE", true],
  BadSecureChannelClosed: ["UNREACHABLE", true],
  BadSessionClosed: ["UNREACHABLE", true],
  BadSessionIdInvalid: ["UNREACHABLE", true],
  BadCommunicationError: ["UNREACHABLE", true],
};

/** A bad status for one operation, named after the point or node it concerns. */
export function statusError(subject: string, status: StatusCode): AdapterError {
  const [code, retryable] = byName[status.name] ?? ["PROTOCOL_REJECT", false];
  const why = status.description ? ` (${status.description.replace(/\.$/, "")})` : "";
  return new AdapterError(code, `${subject}: ${status.name}${why}`, retryable);
}

/** A failed connect, session or service call: status names in node-opcua's messages, then socket errors. */
export function failureError(subject: string, e: unknown): AdapterError {
  if (e instanceof AdapterError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split("\n")[0];
  const named = /\b(Bad[A-Za-z]+)\b/.exec(message)?.[1];
  if (named && byName[named]) {
    const [code, retryable] = byName[named];
    return new AdapterError(code, `${subject}: ${first}`, retryable, { cause: e });
  }
  if (/rejected by server|certificate/i.test(message)) return new AdapterError("AUTH", `${subject}: ${first}`, false, { cause: e });
  return new AdapterError("UNREACHABLE", `${subject}: ${first}`, true, { cause: e });
}
