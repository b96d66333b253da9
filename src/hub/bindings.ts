/** Binds configured devices to adapters and mapping tables, checking every address with the adapter's own schema. */
import type { z } from "zod";
import type { HubConfig } from "../config/schema.ts";
import { MappingError } from "../mapping/errors.ts";
import { intervalMs } from "../mapping/interval.ts";
import type { LoadedTable } from "../mapping/loader.ts";
import type { AdapterModule, DeviceBinding } from "./contract.ts";
import type { PointRef } from "./points.ts";

export interface BoundDevice extends DeviceBinding {
  loaded?: LoadedTable;
  externallyControllable: boolean;
}

function issuesText(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join(".") || "(address)"}: ${i.message}`).join("; ");
}

/** Checks each table's point addresses once against the adapter that will drive them. */
export function checkTableAddresses(t: LoadedTable, mod: AdapterModule): MappingError[] {
  const schema = mod.manifest.pointAddress;
  if (!schema) return [];
  const out: MappingError[] = [];
  for (const [name, p] of Object.entries(t.table.points)) {
    const r = schema.safeParse(p.address);
    if (!r.success) {
      const { line, col } = t.locate(["points", name, "address"]);
      out.push(new MappingError(t.file, line, col, `points.${name}.address`, issuesText(r.error)));
    }
  }
  const usesRelinquish = Object.values(t.table.on ?? {}).some((rules) => (rules ?? []).some((r) => r.restore === "relinquish"));
  if (usesRelinquish && !mod.manifest.capabilities.relinquish) {
    out.push(new MappingError(t.file, 1, 1, "on", `restore: relinquish, but the ${mod.manifest.protocol} adapter cannot relinquish`));
  }
  return out;
}

export function bindDevices(
  cfg: HubConfig,
  tables: Map<string, LoadedTable>,
  modules: Map<string, AdapterModule>,
): { devices: BoundDevice[]; errors: string[] } {
  const errors: string[] = [];
  const devices: BoundDevice[] = [];
  const checked = new Set<string>();
  for (const [i, d] of cfg.devices.entries()) {
    const where = `devices[${i}] (${d.id})`;
    const mod = modules.get(d.adapter);
    if (!mod) {
      errors.push(`${where}: no enabled adapter named ${d.adapter}`);
      continue;
    }
    if (mod.manifest.role !== "southbound") {
      errors.push(`${where}: adapter ${d.adapter} is ${mod.manifest.role}; devices bind to southbound adapters`);
      continue;
    }
    const addr = mod.manifest.deviceAddress?.safeParse(d.address);
    if (addr && !addr.success) errors.push(`${where}.address: ${issuesText(addr.error)}`);
    let loaded: LoadedTable | undefined;
    if (d.table) {
      loaded = tables.get(d.table);
      if (!loaded) {
        errors.push(`${where}.table: no mapping table ${d.table} (known: ${[...tables.keys()].sort().join(", ") || "none"})`);
        continue;
      }
      if (loaded.table.protocol !== mod.manifest.protocol) {
        errors.push(`${where}.table: ${d.table} is for ${loaded.table.protocol}, adapter ${d.adapter} speaks ${mod.manifest.protocol}`);
        continue;
      }
      const key = `${d.table}@${d.adapter}`;
      if (!checked.has(key)) {
        checked.add(key);
        errors.push(...checkTableAddresses(loaded, mod).map((e) => e.message));
      }
    }
    const address = addr?.success ? (addr.data as Record<string, unknown>) : d.address;
    // adapters get addresses as their schema parsed them (defaults filled in), once, here
    const parsedAddress = (raw: Record<string, unknown>) => {
      const r = mod.manifest.pointAddress?.safeParse(raw);
      return r?.success ? (r.data as Record<string, unknown>) : raw;
    };
    const points: PointRef[] = Object.entries(loaded?.table.points ?? {}).map(([point, p]) => ({
      device: d.id, deviceAddress: address, point, address: parsedAddress(p.address), type: p.type, access: p.access,
      ...(p.priority !== undefined ? { priority: p.priority } : {}),
      ...(typeof p.subscribe === "object" ? { subscribe: {
        ...(p.subscribe.sampling ? { samplingMs: intervalMs(p.subscribe.sampling) } : {}),
        ...(p.subscribe.deadband !== undefined ? { deadband: p.subscribe.deadband } : {}),
      } } : {}),
    }));
    devices.push({
      id: d.id, adapter: d.adapter, ...(d.table ? { table: d.table } : {}), address, groups: d.groups,
      ...(d.deviceClass ?? loaded?.table.deviceClass ? { deviceClass: d.deviceClass ?? loaded?.table.deviceClass } : {}),
      points, loaded, externallyControllable: d.externallyControllable,
    });
  }
  const ids = new Set<string>();
  for (const d of devices) {
    if (ids.has(d.id)) errors.push(`devices: duplicate device id ${d.id}`);
    ids.add(d.id);
  }
  return { devices, errors };
}
