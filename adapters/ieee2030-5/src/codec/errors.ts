/** Why the codec refused a document (or a value to serialize). */
export type SepCodecErrorKind =
  /** larger than the configured limit; nothing was parsed */
  | "TOO_LARGE"
  /** a DOCTYPE (and so any entity declaration) */
  | "FORBIDDEN_DTD"
  /** not well-formed XML, or not UTF-8 */
  | "MALFORMED"
  /** well-formed, but the root is not a 2030.5 resource this codec knows (or not the one expected) */
  | "UNKNOWN_RESOURCE"
  /** a required element or attribute is missing, or a value is outside its XSD type */
  | "INVALID"
  /** serialize() was given a value that would not validate */
  | "UNSERIALIZABLE";

export class SepCodecError extends Error {
  constructor(readonly kind: SepCodecErrorKind, message: string, readonly path?: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${message}` : message, options);
    this.name = "SepCodecError";
  }
}
