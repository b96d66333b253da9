/**
 * The one door to @bacnet-js/client. The package is CommonJS: its default export is the client class, and the
 * codec modules the simulator and the frame inspector need (APDU/NPDU/BVLC headers, service encoders)
 * are only reachable by their dist paths, so they are imported here and nowhere else.
 */
import bacnetModule from "@bacnet-js/client";
import * as apdu from "@bacnet-js/client/dist/lib/apdu.js";
import * as npdu from "@bacnet-js/client/dist/lib/npdu.js";
import * as bvlc from "@bacnet-js/client/dist/lib/bvlc.js";
import * as services from "@bacnet-js/client/dist/lib/services/index.js";

type ClientClass = typeof bacnetModule.default;
// CommonJS interop differs between loaders: some hand over module.exports, some its `default` (__esModule)
const loaded = bacnetModule as unknown as ClientClass | { default: ClientClass };
export const BACnetClient: ClientClass = "default" in loaded ? loaded.default : loaded;
export type BACnetClient = InstanceType<typeof BACnetClient>;
export { apdu, npdu, bvlc, services };
export {
  ApplicationTag, ObjectType, PropertyIdentifier, EngineeringUnits, ErrorClass, ErrorCode, AbortReason, RejectReason,
  PduType, PduConReqBit, PduSegAckBit, BvlcResultPurpose, BvlcResultFormat, NpduControlBit, NpduControlPriority,
  ConfirmedServiceChoice, UnconfirmedServiceChoice, Segmentation,
  ASN1_ARRAY_ALL, ASN1_MAX_INSTANCE, ServicesSupported,
} from "@bacnet-js/client";
export type {
  BACNetAppData, BACNetObjectID, BACNetReadAccessSpecification, EncodeBuffer, DecodeAcknowledgeMultipleResult,
} from "@bacnet-js/client";
