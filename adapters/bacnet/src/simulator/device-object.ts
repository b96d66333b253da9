/** The Device object of a simulated device: identity, capabilities and the object-list. */
import {
  ApplicationTag as T, BACnetClient, ObjectType as O, PropertyIdentifier as P, Segmentation, ServicesSupported as S,
  type BACNetObjectID,
} from "../lib.ts";
import { arrayRead, SimObject, value, type Property } from "./objects.ts";

export interface DeviceIdentity {
  instance: number;
  name: string;
  vendorName: string;
  vendorId: number;
  modelName: string;
  maxApdu: number;
  segmentation: Segmentation;
  /** confirmed services the device executes, besides ReadProperty and WriteProperty */
  services: { readPropertyMultiple: boolean; cov: boolean };
}

export class DeviceObject extends SimObject {
  constructor(identity: DeviceIdentity, objectList: () => BACNetObjectID[]) {
    const id = { type: O.DEVICE, instance: identity.instance };
    const services = [S.READ_PROPERTY, S.WRITE_PROPERTY, S.WHO_IS, S.I_AM,
      ...(identity.services.readPropertyMultiple ? [S.READ_PROPERTY_MULTIPLE] : []),
      ...(identity.services.cov ? [S.SUBSCRIBE_COV] : [])];
    const constant = (type: T, v: unknown): Property => ({ read: () => [value(type, v)] });
    super(id, new Map<number, Property>([
      [P.OBJECT_IDENTIFIER, constant(T.OBJECTIDENTIFIER, id)],
      [P.OBJECT_NAME, constant(T.CHARACTER_STRING, identity.name)],
      [P.OBJECT_TYPE, constant(T.ENUMERATED, O.DEVICE)],
      [P.SYSTEM_STATUS, constant(T.ENUMERATED, 0)],
      [P.VENDOR_NAME, constant(T.CHARACTER_STRING, identity.vendorName)],
      [P.VENDOR_IDENTIFIER, constant(T.UNSIGNED_INTEGER, identity.vendorId)],
      [P.MODEL_NAME, constant(T.CHARACTER_STRING, identity.modelName)],
      [P.FIRMWARE_REVISION, constant(T.CHARACTER_STRING, "1.0")],
      [P.APPLICATION_SOFTWARE_VERSION, constant(T.CHARACTER_STRING, "gridhub-simulator")],
      [P.PROTOCOL_VERSION, constant(T.UNSIGNED_INTEGER, 1)],
      [P.PROTOCOL_REVISION, constant(T.UNSIGNED_INTEGER, 14)],
      [P.PROTOCOL_SERVICES_SUPPORTED, constant(T.BIT_STRING, BACnetClient.createBitstring(services))],
      [P.MAX_APDU_LENGTH_ACCEPTED, constant(T.UNSIGNED_INTEGER, identity.maxApdu)],
      [P.SEGMENTATION_SUPPORTED, constant(T.ENUMERATED, identity.segmentation)],
      [P.APDU_TIMEOUT, constant(T.UNSIGNED_INTEGER, 3000)],
      [P.NUMBER_OF_APDU_RETRIES, constant(T.UNSIGNED_INTEGER, 3)],
      [P.DATABASE_REVISION, constant(T.UNSIGNED_INTEGER, 1)],
      [P.OBJECT_LIST, { array: true, read: (index) => arrayRead(objectList().map((o) => value(T.OBJECTIDENTIFIER, o)), index) }],
    ]));
  }
}
