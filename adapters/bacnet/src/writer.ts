/**
 * WriteProperty at the point's priority (the table's `priority:`, else the adapter's defaultPriority, else none:
 * the device then uses 16). Relinquish writes NULL at that same priority, so the slot we held is freed and every
 * other slot, an operator's included, stays as it was.
 */
import { AdapterError, badValue, goodValue, type PointRef, type PointValue, type PointWrite, type RawValue } from "gridhub/hub";
import type { Directory } from "./directory.ts";
import { BacnetError } from "./errors.ts";
import { resolvePoint } from "./points.ts";
import type { BacnetStack } from "./stack.ts";
import { encodeValue } from "./values.ts";

export class Writer {
  constructor(private readonly stack: BacnetStack, private readonly directory: Directory, private readonly defaultPriority?: number) {}

  write(writes: PointWrite[]): Promise<PointValue[]> {
    return Promise.all(writes.map((w) => this.writeOne(w.ref, w.value)));
  }

  relinquish(refs: PointRef[]): Promise<PointValue[]> {
    return Promise.all(refs.map((ref) => this.writeOne(ref, null)));
  }

  private async writeOne(ref: PointRef, value: RawValue): Promise<PointValue> {
    try {
      const point = resolvePoint(ref);
      if (ref.access === "r") throw new AdapterError("NOT_WRITABLE", `${ref.device}/${ref.point} is read-only in its table (access: r)`);
      if (point.address) this.directory.configure(point.instance, point.address);
      const priority = ref.priority ?? this.defaultPriority;
      let data;
      try {
        data = encodeValue(point.objectId.type, point.propertyId, ref.type, value);
      } catch (e) {
        throw new AdapterError((e as AdapterError).code, `${ref.device}/${ref.point} (${point.label}): ${(e as Error).message}`);
      }
      const device = await this.directory.resolve(point.instance);
      const what = `device ${point.instance} ${value === null ? "relinquish" : "write"} ${point.label}${priority ? ` @${priority}` : ""}`;
      try {
        await this.stack.writeProperty(device.address!, what, point.objectId, point.propertyId, data, priority, point.index);
        this.directory.succeeded(point.instance);
      } catch (e) {
        if (e instanceof BacnetError) this.directory.failed(point.instance, e);
        throw e;
      }
      return goodValue(ref, value);
    } catch (e) {
      if (!(e instanceof AdapterError)) throw e;
      return badValue(ref, e);
    }
  }
}
