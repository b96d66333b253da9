/**
 * Who-Is / I-Am discovery over every configured path (broadcast, directed, BBMD), per configured instance
 * range, then a scan of each device that answers: its identity, its object-list (read whole, which a device
 * may segment; or element by element when it cannot), and a typed point for each analog, binary and
 * multi-state input, output and value object, with its units.
 */
import type { DataType } from "gridhub/hub";
import type { DiscoveredDevice, DiscoverProgress } from "gridhub/hub";
import type { EngineeringUnit } from "gridhub/model";
import type { Directory } from "./directory.ts";
import { BacnetError, isTooLong } from "./errors.ts";
import { ObjectType as O, PropertyIdentifier as P, type BACNetObjectID } from "./lib.ts";
import { formatObjectId, propertyName } from "./names.ts";
import { keyOf, type Outcome, type Reader, type Target } from "./reader.ts";
import type { IAm, WhoIsRange } from "./stack.ts";
import { describeUnit } from "./units.ts";

export interface DiscoveredPoint {
  object: string;
  name?: string;
  type: DataType;
  access: "r" | "rw";
  /** the hub's unit, when it has one for the object's units */
  unit?: EngineeringUnit;
  /** the standard's name of the object's units, e.g. degrees-celsius */
  bacnetUnits?: string;
  /** has a priority array: writes take a priority and can be relinquished */
  commandable?: boolean;
  /** multi-state objects: states are numbered 1..states */
  states?: number;
}

const kinds: Record<number, { type: DataType; access: "r" | "rw"; commandable?: true; units?: true; states?: true }> = {
  [O.ANALOG_INPUT]: { type: "float32", access: "r", units: true },
  [O.ANALOG_OUTPUT]: { type: "float32", access: "rw", commandable: true, units: true },
  [O.ANALOG_VALUE]: { type: "float32", access: "rw", units: true },
  [O.BINARY_INPUT]: { type: "bool", access: "r" },
  [O.BINARY_OUTPUT]: { type: "bool", access: "rw", commandable: true },
  [O.BINARY_VALUE]: { type: "bool", access: "rw" },
  [O.MULTI_STATE_INPUT]: { type: "uint32", access: "r", states: true },
  [O.MULTI_STATE_OUTPUT]: { type: "uint32", access: "rw", commandable: true, states: true },
  [O.MULTI_STATE_VALUE]: { type: "uint32", access: "rw", states: true },
};

const target = (objectId: BACNetObjectID, propertyId: number, index?: number): Target =>
  ({ objectId, propertyId, index, label: `${formatObjectId(objectId)} ${propertyName(propertyId)}${index === undefined ? "" : `[${index}]`}` });

function value(outcomes: Map<string, Outcome>, t: Target): unknown {
  const o = outcomes.get(keyOf(t));
  return o && "data" in o && o.data.length === 1 ? o.data[0].value : undefined;
}

export class Discovery {
  constructor(private readonly directory: Directory, private readonly reader: Reader, private readonly ranges: WhoIsRange[]) {}

  async *run(opts: { timeoutMs: number; onProgress?: (p: DiscoverProgress) => void }): AsyncIterable<DiscoveredDevice> {
    const ranges = this.ranges.length ? this.ranges : [{}];
    const inRange = (i: number) => ranges.some((r) => r.low === undefined || r.high === undefined || (i >= r.low && i <= r.high));
    const seen = new Set<number>();
    const ready: DiscoveredDevice[] = [];
    let scanning = 0;
    let done = 0;
    let listening = true;
    let wake: (() => void) | undefined;
    const notify = () => wake?.();
    const onIAm = (iam: IAm) => {
      if (!listening || seen.has(iam.instance) || !inRange(iam.instance)) return;
      seen.add(iam.instance);
      scanning++;
      opts.onProgress?.({ done, found: seen.size, message: `device ${iam.instance} at ${iam.address}` });
      this.scan(iam)
        .catch((e: Error) => ({ address: { deviceInstance: iam.instance, address: iam.address }, info: { error: e.message } }))
        .then((d) => ready.push(d))
        .finally(() => {
          scanning--;
          done++;
          opts.onProgress?.({ done, total: seen.size, found: seen.size });
          notify();
        });
    };
    this.directory.on("iAm", onIAm);
    const timer = setTimeout(() => {
      listening = false;
      notify();
    }, opts.timeoutMs);
    try {
      for (const r of ranges) this.directory.whoIs(r);
      while (listening || scanning > 0 || ready.length) {
        if (ready.length) {
          yield ready.shift()!;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      clearTimeout(timer);
      this.directory.off("iAm", onIAm);
    }
  }

  private async scan(iam: IAm): Promise<DiscoveredDevice> {
    const dev: BACNetObjectID = { type: O.DEVICE, instance: iam.instance };
    const identity = [target(dev, P.OBJECT_NAME), target(dev, P.VENDOR_NAME), target(dev, P.MODEL_NAME)];
    const id = await this.reader.readDevice(iam.instance, identity);
    const [name, vendorName, modelName] = identity.map((t) => value(id, t));
    const info: Record<string, unknown> = { name, vendorName, modelName, vendorId: iam.vendorId, maxApdu: iam.maxApdu, segmentation: iam.segmentation };
    try {
      const objects = await this.objectList(iam.instance, dev);
      info.objects = objects.length;
      info.points = await this.describe(iam.instance, objects.filter((o) => kinds[o.type]));
    } catch (e) {
      info.error = (e as Error).message;
    }
    return { address: { deviceInstance: iam.instance, address: iam.address }, info };
  }

  /** the whole object-list; element by element when the device cannot send it in one answer */
  private async objectList(instance: number, dev: BACNetObjectID): Promise<BACNetObjectID[]> {
    const whole = target(dev, P.OBJECT_LIST);
    const first = (await this.reader.readDevice(instance, [whole])).get(keyOf(whole))!;
    if ("data" in first) return first.data.map((d) => d.value as BACNetObjectID);
    if (!(first.error instanceof BacnetError) || !isTooLong(first.error.failure)) throw first.error;
    const lengthT = target(dev, P.OBJECT_LIST, 0);
    const length = value(await this.reader.readDevice(instance, [lengthT]), lengthT);
    if (typeof length !== "number") throw new Error(`device ${instance} did not give the length of its object-list`);
    const elements = Array.from({ length }, (_, i) => target(dev, P.OBJECT_LIST, i + 1));
    const got = await this.reader.readDevice(instance, elements);
    return elements.map((t) => value(got, t)).filter((v): v is BACNetObjectID => typeof v === "object" && v !== null);
  }

  private async describe(instance: number, objects: BACNetObjectID[]): Promise<DiscoveredPoint[]> {
    const wanted = objects.flatMap((o) => {
      const k = kinds[o.type];
      return [
        target(o, P.OBJECT_NAME),
        ...(k.units ? [target(o, P.UNITS)] : []),
        ...(k.states ? [target(o, P.NUMBER_OF_STATES)] : []),
        // values are commandable when they have a priority array, which relinquish-default goes with
        ...(k.commandable ? [] : k.access === "rw" ? [target(o, P.RELINQUISH_DEFAULT)] : []),
      ];
    });
    const got = await this.reader.readDevice(instance, wanted);
    return objects.map((o) => {
      const k = kinds[o.type];
      const p: DiscoveredPoint = { object: formatObjectId(o), type: k.type, access: k.access };
      const name = value(got, target(o, P.OBJECT_NAME));
      if (typeof name === "string") p.name = name;
      const units = value(got, target(o, P.UNITS));
      if (typeof units === "number") {
        const u = describeUnit(units);
        p.bacnetUnits = u.name;
        if (u.hub) p.unit = u.hub;
      }
      const states = value(got, target(o, P.NUMBER_OF_STATES));
      if (typeof states === "number") p.states = states;
      if (k.commandable) p.commandable = true;
      else if (k.access === "rw") p.commandable = value(got, target(o, P.RELINQUISH_DEFAULT)) !== undefined;
      return p;
    });
  }
}
