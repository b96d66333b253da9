/** OpenADR 2.0b XML codec: typed messages <-> schema-valid, namespace-correct XML. */
export { parse, serialize, PAYLOAD_TYPES, type ParseOptions } from "./codec.ts";
export {
  OadrCodecError,
  OadrResponseCode,
  RESPONSE_CODE_BY_KIND,
  type OadrCodecErrorKind,
  type OadrResponseCodeValue,
} from "./errors.ts";
export { NS } from "./namespaces.ts";
export { DEFAULT_MAX_BYTES } from "./codec.ts";
export * from "./types.ts";
