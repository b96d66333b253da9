/**
 * Reads points, batched per device: one ReadPropertyMultiple carries as many properties as fit the device's
 * max APDU (estimated per property, learned down when the device aborts a longer answer). A device that rejects
 * ReadPropertyMultiple is read one ReadProperty at a time from then on. One bad point never fails the batch;
 * a device that stops answering fails its remaining requests at once instead of timing out on each.
 */
import { AdapterError, badValue, goodValue, type PointRef, type PointValue } from "gridhub/hub";
import { ApplicationTag, ASN1_ARRAY_ALL, ErrorCode, PropertyIdentifier as P, RejectReason, type BACNetAppData } from "./lib.ts";
import { BacnetError, isTooLong, toAdapterError } from "./errors.ts";
import type { DeviceState, Directory } from "./directory.ts";
import { formatObjectId } from "./names.ts";
import { resolvePoint, type BacnetPoint } from "./points.ts";
import type { BacnetStack } from "./stack.ts";
import { decodeValue, ValueError } from "./values.ts";

export interface ReaderOptions {
  readPropertyMultiple: boolean;
  maxPropertiesPerRequest: number;
}

/** a property to read: what points address, and what discovery asks for */
export type Target = Pick<BacnetPoint, "objectId" | "propertyId" | "index" | "label">;

/** one property read on behalf of one or more targets */
interface Item {
  point: Target;
  key: string;
}

export type Outcome = { data: BACNetAppData[] } | { error: AdapterError };

export const keyOf = (p: Target) => `${p.objectId.type}:${p.objectId.instance}:${p.propertyId}:${p.index ?? ""}`;

const stringProps = new Set<number>([P.OBJECT_NAME, P.DESCRIPTION, P.MODEL_NAME, P.VENDOR_NAME, P.LOCATION, P.FIRMWARE_REVISION,
  P.APPLICATION_SOFTWARE_VERSION, P.ACTIVE_TEXT, P.INACTIVE_TEXT, P.PROFILE_NAME, P.DEVICE_TYPE]);
const arrayProps = new Set<number>([P.OBJECT_LIST, P.PRIORITY_ARRAY, P.STATE_TEXT, P.STRUCTURED_OBJECT_LIST, P.PROPERTY_LIST]);

/** Octets a property's result may take in a ReadPropertyMultiple answer; Infinity for whole arrays of unknown length. */
function estimate(p: Target): number {
  const head = 4 + (p.index === undefined ? 0 : 5) + 2;
  if (p.index === undefined && arrayProps.has(p.propertyId)) return p.propertyId === P.PRIORITY_ARRAY ? head + 16 * 10 : Infinity;
  if (stringProps.has(p.propertyId)) return head + 68;
  return head + 10;
}

/**
 * Whether a property can go into a ReadPropertyMultiple: not a whole array of unknown length (the answer may need
 * segmenting), and not array index 0 (the library's request encoder drops index 0, asking for the whole array).
 */
function batchable(t: Target): boolean {
  return estimate(t) !== Infinity && t.index !== 0;
}

export class Reader {
  constructor(private readonly stack: BacnetStack, private readonly directory: Directory, private readonly options: ReaderOptions) {}

  async read(refs: PointRef[]): Promise<PointValue[]> {
    const out: PointValue[] = new Array(refs.length);
    const byDevice = new Map<number, { point: BacnetPoint; at: number }[]>();
    refs.forEach((ref, at) => {
      try {
        const point = resolvePoint(ref);
        if (point.address) this.directory.configure(point.instance, point.address);
        const list = byDevice.get(point.instance) ?? [];
        list.push({ point, at });
        byDevice.set(point.instance, list);
      } catch (e) {
        out[at] = badValue(ref, e as AdapterError);
      }
    });
    await Promise.all([...byDevice].map(async ([instance, points]) => {
      const outcomes = await this.readDevice(instance, points.map((p) => p.point));
      for (const { point, at } of points) out[at] = toPointValue(point, outcomes.get(keyOf(point))!);
    }));
    return out;
  }

  /** outcome per property key (see keyOf) */
  async readDevice(instance: number, points: Target[]): Promise<Map<string, Outcome>> {
    const outcomes = new Map<string, Outcome>();
    const items = new Map<string, Item>();
    for (const point of points) items.set(keyOf(point), { point, key: keyOf(point) });
    let device: DeviceState;
    try {
      device = await this.directory.resolve(instance);
    } catch (e) {
      this.directory.failed(instance, e as AdapterError);
      for (const key of items.keys()) outcomes.set(key, { error: e as AdapterError });
      return outcomes;
    }
    const queue = this.options.readPropertyMultiple && device.rpm ? this.chunk(device, [...items.values()]) : [...items.values()].map((i) => [i]);
    while (queue.length) {
      const chunk = queue.shift()!;
      try {
        const useRpm = this.options.readPropertyMultiple && device.rpm && (chunk.length > 1 || batchable(chunk[0].point));
        if (useRpm) await this.readMultiple(device, chunk, outcomes);
        else await this.readSingle(device, chunk[0], outcomes);
        this.directory.succeeded(instance);
      } catch (e) {
        if (!(e instanceof BacnetError)) throw e;
        const f = e.failure;
        if (f.kind === "timeout" || f.kind === "closed") {
          // the device is gone: do not wait out a timeout per remaining request
          this.directory.failed(instance, e);
          for (const item of [chunk, ...queue].flat()) outcomes.set(item.key, { error: e });
          return outcomes;
        }
        this.directory.succeeded(instance);
        if (refusesRpm(e)) {
          device.rpm = false;
          queue.splice(0, queue.length, ...[chunk, ...queue].flat().map((i) => [i]));
        } else if (isTooLong(f) && chunk.length > 1) {
          const half = Math.ceil(chunk.length / 2);
          device.batchLimit = Math.min(device.batchLimit ?? Infinity, half);
          queue.unshift(chunk.slice(0, half), chunk.slice(half));
        } else if (chunk.length > 1) {
          // the device refused the request as a whole: ask property by property to learn which one
          queue.unshift(...chunk.map((i) => [i]));
        } else {
          outcomes.set(chunk[0].key, { error: e });
        }
      }
    }
    return outcomes;
  }

  private chunk(device: DeviceState, items: Item[]): Item[][] {
    const budget = device.maxApdu - 3;
    const limit = Math.min(this.options.maxPropertiesPerRequest, device.batchLimit ?? Infinity);
    const chunks: Item[][] = [];
    let current: Item[] = [];
    let size = 0;
    let objects = new Set<string>();
    for (const item of items) {
      if (!batchable(item.point)) {
        chunks.push([item]);
        continue;
      }
      const object = formatObjectId(item.point.objectId);
      const cost = estimate(item.point) + (objects.has(object) ? 0 : 7);
      if (current.length && (size + cost > budget || current.length >= limit)) {
        chunks.push(current);
        current = [];
        size = 0;
        objects = new Set();
      }
      current.push(item);
      size += cost;
      objects.add(object);
    }
    if (current.length) chunks.push(current);
    return chunks;
  }

  private async readMultiple(device: DeviceState, chunk: Item[], outcomes: Map<string, Outcome>) {
    const specs = new Map<string, { objectId: Target["objectId"]; properties: { id: number; index: number }[] }>();
    for (const { point } of chunk) {
      const object = formatObjectId(point.objectId);
      const spec = specs.get(object) ?? { objectId: point.objectId, properties: [] };
      spec.properties.push({ id: point.propertyId, index: point.index ?? ASN1_ARRAY_ALL });
      specs.set(object, spec);
    }
    const what = `device ${device.instance} ReadPropertyMultiple (${chunk.length} properties)`;
    const results = await this.stack.readPropertyMultiple(device.address!, what, [...specs.values()]);
    const got = new Map<string, BACNetAppData[]>();
    for (const r of results) {
      for (const v of r.values) {
        const index = v.index === ASN1_ARRAY_ALL ? "" : v.index;
        got.set(`${r.objectId.type}:${r.objectId.instance}:${v.id}:${index}`, v.value);
      }
    }
    for (const { key, point } of chunk) {
      const data = got.get(key);
      if (!data) {
        outcomes.set(key, { error: new AdapterError("PROTOCOL_REJECT", `device ${device.instance} left ${point.label} out of its ReadPropertyMultiple answer`) });
        continue;
      }
      const err = data.length === 1 && data[0].type === ApplicationTag.ERROR ? data[0].value as { errorClass: number; errorCode: number } : undefined;
      outcomes.set(key, err
        ? { error: toAdapterError({ kind: "error", errorClass: err.errorClass, errorCode: err.errorCode }, `device ${device.instance} read ${point.label}`) }
        : { data });
    }
  }

  private async readSingle(device: DeviceState, item: Item, outcomes: Map<string, Outcome>) {
    const { point } = item;
    // a whole array may come back segmented: that read must not overlap others (see Scheduler)
    const exclusive = estimate(point) === Infinity;
    const data = await this.stack.readProperty(device.address!, `device ${device.instance} read ${point.label}`,
      point.objectId, point.propertyId, point.index, exclusive);
    outcomes.set(item.key, { data });
  }
}

function refusesRpm(e: BacnetError): boolean {
  const f = e.failure;
  return (f.kind === "reject" && f.reason === RejectReason.UNRECOGNIZED_SERVICE)
    || (f.kind === "error" && (f.errorCode === ErrorCode.REJECT_UNRECOGNIZED_SERVICE || f.errorCode === ErrorCode.SERVICE_REQUEST_DENIED));
}

function toPointValue(point: BacnetPoint, outcome: Outcome): PointValue {
  if ("error" in outcome) return badValue(point.ref, outcome.error);
  try {
    return goodValue(point.ref, decodeValue(outcome.data, point.ref.type));
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    return badValue(point.ref, new AdapterError(e.code, `${point.ref.device}/${point.ref.point} (${point.label}): ${e.message}`));
  }
}
