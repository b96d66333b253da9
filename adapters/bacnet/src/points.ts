/** A hub PointRef checked and resolved into the BACnet addresses it names. */
import { AdapterError, type PointRef } from "gridhub/hub";
import type { BACNetObjectID } from "./lib.ts";
import { DeviceAddress, PointAddress } from "./config.ts";
import { formatObjectId, parseObjectId, parsePropertyId, propertyName } from "./names.ts";
import { normalizeAddress } from "./transport.ts";

export interface BacnetPoint {
  ref: PointRef;
  instance: number;
  /** the configured "host:port", when the binding gives one */
  address?: string;
  objectId: BACNetObjectID;
  propertyId: number;
  index?: number;
  /** "analog-value:3 present-value[9]", for messages */
  label: string;
}

const cache = new WeakMap<PointRef, BacnetPoint>();

/** @throws AdapterError CONFIG when the point's or the device's address is not a BACnet address */
export function resolvePoint(ref: PointRef): BacnetPoint {
  const hit = cache.get(ref);
  if (hit) return hit;
  const dev = DeviceAddress.safeParse(ref.deviceAddress);
  if (!dev.success) throw new AdapterError("CONFIG", `device ${ref.device}: bad BACnet device address: ${dev.error.issues.map((i) => i.message).join("; ")}`);
  const pt = PointAddress.safeParse(ref.address);
  if (!pt.success) throw new AdapterError("CONFIG", `${ref.device}/${ref.point}: bad BACnet point address: ${pt.error.issues.map((i) => i.message).join("; ")}`);
  const objectId = parseObjectId(pt.data.object);
  const propertyId = parsePropertyId(pt.data.property);
  const index = pt.data.index;
  const point: BacnetPoint = {
    ref, instance: dev.data.deviceInstance, objectId, propertyId, index,
    label: `${formatObjectId(objectId)} ${propertyName(propertyId)}${index === undefined ? "" : `[${index}]`}`,
    ...(dev.data.address ? { address: normalizeAddress(dev.data.address) } : {}),
  };
  cache.set(ref, point);
  return point;
}
