/**
 * One-shot commands the CEM must take back later (standby in an emergency, off in a disaster, rapid charge before
 * a blackout). Before the first override of a device the points its command writes are read; giving the device
 * back sends, per point, the command whose table rule writes the old value again (setMode, on/off, ...). Several
 * owners may hold one device: the latest command holds, and the device is given back when the last owner lets go.
 */
import { evaluate } from "../mapping/engine.ts";
import type { EngValue } from "../mapping/values.ts";
import { makeMessage, type Command, type NeutralMessage } from "../model/index.ts";
import type { DeviceBook } from "./devices.ts";
import type { Batch } from "./tracker.ts";

interface Hold { owner: string; command: Command }

export interface Restore { commands: Command[]; unrestorable: string[] }

function candidates(value: EngValue): Command[] {
  const out: Command[] = [{ action: "setMode", mode: String(value) }, { action: "on" }, { action: "off" }, { action: "standby" },
    { action: "start" }, { action: "stop" }, { action: "emergencyMode", on: false }];
  if (typeof value === "number") out.push({ action: "setTemperature", setpoint: { value, unit: "degC" } }, { action: "dim", level: Math.max(0, Math.min(100, value)) });
  return out;
}

export class Overrides {
  private holds = new Map<string, Hold[]>();
  private restore = new Map<string, Restore>();

  constructor(private devices: DeviceBook, private source: string, private now: () => number) {}

  /** What a command would write on this device, by its table's first matching `set` rule. */
  writes(device: string, command: Command): Record<string, EngValue> {
    const table = this.devices.get(device)?.table;
    if (!table) return {};
    const msg = makeMessage("Command", { device, command }, { source: this.source, targets: [{ kind: "device", id: device }] }) as NeutralMessage;
    const out: Record<string, EngValue> = {};
    for (const ev of evaluate(table, msg, this.now())) {
      if (ev.kind !== "set") continue;
      for (const [p, plan] of Object.entries(ev.points)) if (plan.value !== undefined && !plan.error) out[p] = plan.value;
    }
    return out;
  }

  /** The commands that put these points back to `before` (one per point; none where no command can). */
  restoreFor(device: string, before: Record<string, EngValue | null | undefined>, after: Record<string, EngValue>): Restore {
    const commands: Command[] = [];
    const unrestorable: string[] = [];
    for (const [point, value] of Object.entries(after)) {
      const old = before[point];
      if (old === value) continue;
      if (old === null || old === undefined) {
        unrestorable.push(`${point} (its value before could not be read)`);
        continue;
      }
      const cmd = candidates(old).find((c) => this.writes(device, c)[point] === old);
      if (!cmd) unrestorable.push(`${point} (no command writes ${JSON.stringify(old)})`);
      else if (!commands.some((c) => JSON.stringify(c) === JSON.stringify(cmd))) commands.push(cmd);
    }
    return { commands, unrestorable };
  }

  async apply(batch: Batch, owner: string, device: string, command: Command): Promise<Restore> {
    const stack = this.holds.get(device) ?? [];
    if (!stack.length) {
      const after = this.writes(device, command);
      const read = await this.devices.read(device, Object.keys(after));
      const before = Object.fromEntries(Object.keys(after).map((p) => [p, read[p] ?? this.devices.live(device, p)]));
      this.restore.set(device, this.restoreFor(device, before, after));
    }
    this.holds.set(device, [...stack.filter((h) => h.owner !== owner), { owner, command }]);
    await batch.send({ kind: "device", id: device }, "Command", { device, command });
    return this.restore.get(device)!;
  }

  /** Lets go of every device `owner` holds; returns those given back. */
  async release(batch: Batch, owner: string): Promise<string[]> {
    const released: string[] = [];
    for (const [device, stack] of [...this.holds]) {
      const i = stack.findIndex((h) => h.owner === owner);
      if (i < 0) continue;
      const rest = stack.filter((h) => h.owner !== owner);
      if (rest.length) {
        this.holds.set(device, rest);
        if (i === stack.length - 1) await batch.send({ kind: "device", id: device }, "Command", { device, command: rest[rest.length - 1].command });
        continue;
      }
      this.holds.delete(device);
      for (const command of this.restore.get(device)?.commands ?? []) await batch.send({ kind: "device", id: device }, "Command", { device, command });
      this.restore.delete(device);
      released.push(device);
    }
    return released;
  }
}
