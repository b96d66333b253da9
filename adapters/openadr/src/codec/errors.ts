/** OpenADR 2.0b application-layer response codes (eiResponse/responseCode). */
export const OadrResponseCode = {
  OK: 200,
  OUT_OF_SEQUENCE: 450,
  NOT_ALLOWED: 451,
  INVALID_ID: 452,
  NOT_RECOGNIZED: 453,
  INVALID_DATA: 454,
  COMPLIANCE_ERROR: 459,
  SIGNAL_NOT_SUPPORTED: 460,
  REPORT_NOT_SUPPORTED: 461,
  TARGET_MISMATCH: 462,
  NOT_REGISTERED_OR_AUTHORIZED: 463,
  DEPLOYMENT_ERROR_OR_OTHER_ERROR: 469,
} as const;

export type OadrResponseCodeValue = (typeof OadrResponseCode)[keyof typeof OadrResponseCode];

/** Why the codec refused a payload (or a message to serialize). */
export type OadrCodecErrorKind =
  /** Body larger than the configured limit; nothing was parsed. */
  | "TOO_LARGE"
  /** DOCTYPE (and so any entity declaration): the XXE and entity-expansion defence. */
  | "FORBIDDEN_DTD"
  /** Not well-formed XML, or bytes that are not UTF-8. */
  | "MALFORMED"
  /** Well-formed, but the root is not oadrPayload in the OpenADR 2.0b namespace. */
  | "NOT_OADR"
  /** oadrSignedObject carries no payload this codec knows. */
  | "UNKNOWN_PAYLOAD"
  /** A required element is missing or a value is outside its XSD type. */
  | "INVALID"
  /** serialize() was given a message that would not validate against the schema. */
  | "UNSERIALIZABLE";

/** The response code a VEN/VTN should answer with for each kind (it may choose otherwise). */
export const RESPONSE_CODE_BY_KIND: Readonly<Record<OadrCodecErrorKind, OadrResponseCodeValue>> = {
  TOO_LARGE: OadrResponseCode.NOT_ALLOWED,
  FORBIDDEN_DTD: OadrResponseCode.NOT_ALLOWED,
  MALFORMED: OadrResponseCode.INVALID_DATA,
  NOT_OADR: OadrResponseCode.NOT_RECOGNIZED,
  UNKNOWN_PAYLOAD: OadrResponseCode.NOT_RECOGNIZED,
  INVALID: OadrResponseCode.INVALID_DATA,
  UNSERIALIZABLE: OadrResponseCode.DEPLOYMENT_ERROR_OR_OTHER_ERROR,
};

export class OadrCodecError extends Error {
  /** Suggested OpenADR response code for the eiResponse sent back to the peer. */
  readonly responseCode: OadrResponseCodeValue;

  constructor(
    readonly kind: OadrCodecErrorKind,
    message: string,
    /** Element path (local names from the payload element down) for INVALID/UNSERIALIZABLE. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${message}` : message, options);
    this.name = "OadrCodecError";
    this.responseCode = RESPONSE_CODE_BY_KIND[kind];
  }

  toJSON() {
    return { kind: this.kind, responseCode: this.responseCode, message: this.message, path: this.path };
  }
}
