/**
 * The simulated device's objects: properties that read and write like a BACnet device's, with priority arrays
 * for commandable objects (present-value = the highest-priority non-NULL slot, else relinquish-default),
 * out-of-service inputs, status flags, and the errors a device returns (unknown property, write access denied,
 * value out of range, invalid data type).
 */
import {
  ApplicationTag as T, BACnetClient, EngineeringUnits, ErrorClass, ErrorCode, ObjectType as O, PropertyIdentifier as P,
  type BACNetAppData, type BACNetObjectID,
} from "../lib.ts";

export class SimError extends Error {
  constructor(readonly errorClass: ErrorClass, readonly errorCode: ErrorCode) {
    super(`${ErrorClass[errorClass]}/${ErrorCode[errorCode]}`);
  }
}

const propertyError = (code: ErrorCode) => new SimError(ErrorClass.PROPERTY, code);

export interface Property {
  read(index?: number): BACNetAppData[];
  /** absent: read-only; priority is 1-16 (16 when the request gave none) */
  write?(data: BACNetAppData[], priority: number, index?: number): void;
  array?: boolean;
}

export const value = (type: T, v: unknown): BACNetAppData => ({ type, value: v } as BACNetAppData);

/** read access to an array property: no index = all, 0 = length, 1..n = one element */
export function arrayRead(items: BACNetAppData[], index?: number): BACNetAppData[] {
  if (index === undefined) return items;
  if (index === 0) return [value(T.UNSIGNED_INTEGER, items.length)];
  if (index > items.length) throw propertyError(ErrorCode.INVALID_ARRAY_INDEX);
  return [items[index - 1]];
}

function single(data: BACNetAppData[], tag: T): unknown {
  if (data.length !== 1 || data[0].type !== tag) throw propertyError(ErrorCode.INVALID_DATA_TYPE);
  return data[0].value;
}

export class SimObject {
  constructor(readonly id: BACNetObjectID, readonly properties: Map<number, Property>) {}

  read(propertyId: number, index?: number): BACNetAppData[] {
    const p = this.properties.get(propertyId);
    if (!p) throw propertyError(ErrorCode.UNKNOWN_PROPERTY);
    if (index !== undefined && !p.array) throw propertyError(ErrorCode.PROPERTY_IS_NOT_AN_ARRAY);
    return p.read(index);
  }

  write(propertyId: number, data: BACNetAppData[], priority: number, index?: number): void {
    const p = this.properties.get(propertyId);
    if (!p) throw propertyError(ErrorCode.UNKNOWN_PROPERTY);
    if (!p.write) throw propertyError(ErrorCode.WRITE_ACCESS_DENIED);
    if (index !== undefined && !p.array) throw propertyError(ErrorCode.PROPERTY_IS_NOT_AN_ARRAY);
    p.write(data, priority, index);
  }
}

export type Kind = "analog" | "binary" | "multistate";

export interface PointSpec {
  /** e.g. analog-value:1 */
  id: BACNetObjectID;
  name: string;
  /** initial present-value (relinquish-default when commandable); binary: 0/1 */
  value: number;
  /** BACnet units code (analog) */
  units?: number;
  /** values only: outputs always have a priority array */
  commandable?: boolean;
  covIncrement?: number;
  /** multi-state: number of states */
  states?: number;
  min?: number;
  max?: number;
  description?: string;
}

const kindOf: Record<number, { kind: Kind; input: boolean; output: boolean }> = {
  [O.ANALOG_INPUT]: { kind: "analog", input: true, output: false },
  [O.ANALOG_OUTPUT]: { kind: "analog", input: false, output: true },
  [O.ANALOG_VALUE]: { kind: "analog", input: false, output: false },
  [O.BINARY_INPUT]: { kind: "binary", input: true, output: false },
  [O.BINARY_OUTPUT]: { kind: "binary", input: false, output: true },
  [O.BINARY_VALUE]: { kind: "binary", input: false, output: false },
  [O.MULTI_STATE_INPUT]: { kind: "multistate", input: true, output: false },
  [O.MULTI_STATE_OUTPUT]: { kind: "multistate", input: false, output: true },
  [O.MULTI_STATE_VALUE]: { kind: "multistate", input: false, output: false },
};

export function isPointType(type: number): boolean {
  return type in kindOf;
}

const tagOf: Record<Kind, T> = { analog: T.REAL, binary: T.ENUMERATED, multistate: T.UNSIGNED_INTEGER };

/** An analog, binary or multi-state input, output or value object. */
export class PointObject extends SimObject {
  readonly kind: Kind;
  /** 16 slots, index 0 = priority 1; undefined when not commandable */
  private readonly slots?: (number | null)[];
  private relinquishDefault: number;
  private current: number;
  outOfService = false;

  constructor(readonly spec: PointSpec) {
    super(spec.id, new Map());
    const k = kindOf[spec.id.type];
    if (!k) throw new Error(`object type ${spec.id.type} is not an analog, binary or multi-state object`);
    this.kind = k.kind;
    this.current = spec.value;
    this.relinquishDefault = spec.value;
    if (k.output || spec.commandable) this.slots = new Array(16).fill(null);
    const tag = tagOf[this.kind];
    const p = this.properties;
    p.set(P.OBJECT_IDENTIFIER, { read: () => [value(T.OBJECTIDENTIFIER, spec.id)] });
    p.set(P.OBJECT_NAME, { read: () => [value(T.CHARACTER_STRING, spec.name)] });
    p.set(P.OBJECT_TYPE, { read: () => [value(T.ENUMERATED, spec.id.type)] });
    p.set(P.PRESENT_VALUE, {
      read: () => [value(tag, this.presentValue)],
      write: (data, priority) => this.writePresentValue(data, priority, k.input),
    });
    p.set(P.STATUS_FLAGS, { read: () => [value(T.BIT_STRING, this.statusFlags())] });
    p.set(P.EVENT_STATE, { read: () => [value(T.ENUMERATED, 0)] });
    p.set(P.OUT_OF_SERVICE, {
      read: () => [value(T.BOOLEAN, this.outOfService)],
      write: (data) => void (this.outOfService = single(data, T.BOOLEAN) as boolean),
    });
    if (spec.description) p.set(P.DESCRIPTION, { read: () => [value(T.CHARACTER_STRING, spec.description)] });
    if (this.kind === "analog") {
      p.set(P.UNITS, { read: () => [value(T.ENUMERATED, spec.units ?? EngineeringUnits.NO_UNITS)] });
      p.set(P.COV_INCREMENT, {
        read: () => [value(T.REAL, this.covIncrement)],
        write: (data) => {
          const v = single(data, T.REAL) as number;
          if (!(v >= 0)) throw propertyError(ErrorCode.VALUE_OUT_OF_RANGE);
          spec.covIncrement = v;
        },
      });
    }
    if (this.kind === "multistate") p.set(P.NUMBER_OF_STATES, { read: () => [value(T.UNSIGNED_INTEGER, spec.states ?? 2)] });
    if (this.kind === "binary" && k.input !== k.output) p.set(P.POLARITY, { read: () => [value(T.ENUMERATED, 0)] });
    if (this.slots) {
      const slots = this.slots;
      p.set(P.PRIORITY_ARRAY, {
        array: true,
        read: (index) => arrayRead(slots.map((s) => (s === null ? value(T.NULL, null) : value(tag, s))), index),
      });
      p.set(P.RELINQUISH_DEFAULT, {
        read: () => [value(tag, this.relinquishDefault)],
        write: (data) => void (this.relinquishDefault = this.checked(data)),
      });
    }
  }

  get commandable(): boolean {
    return this.slots !== undefined;
  }

  get covIncrement(): number {
    return this.spec.covIncrement ?? 0;
  }

  get presentValue(): number {
    if (this.slots) return this.slots.find((s) => s !== null) ?? this.relinquishDefault;
    return this.current;
  }

  /** the priority array as plain values (index 0 = priority 1) */
  priorityArray(): (number | null)[] | undefined {
    return this.slots ? [...this.slots] : undefined;
  }

  statusFlags() {
    // in-alarm, fault, overridden, out-of-service
    return BACnetClient.createBitstring(this.outOfService ? [3] : []);
  }

  /** what the device's own logic measures (inputs) or computes; not a BACnet write */
  sense(v: number): void {
    // out of service, the present value is decoupled from the process
    if (!this.outOfService) this.current = v;
  }

  /** a WriteProperty on present-value */
  private writePresentValue(data: BACNetAppData[], priority: number, input: boolean) {
    if (input && !this.outOfService) throw propertyError(ErrorCode.WRITE_ACCESS_DENIED);
    if (this.slots) {
      const relinquish = data.length === 1 && data[0].type === T.NULL;
      this.slots[priority - 1] = relinquish ? null : this.checked(data);
      return;
    }
    this.current = this.checked(data);
  }

  /** the value a write carries, refused unless it has the object's datatype and range */
  private checked(data: BACNetAppData[]): number {
    const v = single(data, tagOf[this.kind]) as number;
    const bad = this.kind === "binary" ? v !== 0 && v !== 1
      : this.kind === "multistate" ? !(v >= 1 && v <= (this.spec.states ?? 2))
        : !Number.isFinite(v) || (this.spec.min !== undefined && v < this.spec.min) || (this.spec.max !== undefined && v > this.spec.max);
    if (bad) throw propertyError(ErrorCode.VALUE_OUT_OF_RANGE);
    return v;
  }
}
