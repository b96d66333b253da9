/** Loads adapter and simulator packages by name (or path) from the config. Core never imports an adapter statically. */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { AdapterModule } from "./contract.ts";

export interface SimulatorHandle {
  stop(): Promise<void>;
  info(): Record<string, unknown>;
}
export interface SimulatorModule {
  startSimulator(config: unknown, logger?: Logger): Promise<SimulatorHandle>;
}

export class AdapterLoadError extends Error {}

function specifier(spec: string, baseDir: string): string {
  return spec.startsWith(".") || spec.startsWith("/") ? pathToFileURL(resolve(baseDir, spec)).href : spec;
}

export async function loadAdapterModule(spec: string, baseDir: string): Promise<AdapterModule> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(specifier(spec, baseDir));
  } catch (e) {
    throw new AdapterLoadError(`cannot load adapter package ${spec}: ${(e as Error).message}`, { cause: e });
  }
  const m = (mod.default ?? mod.adapter) as AdapterModule | undefined;
  if (!m || typeof m.create !== "function" || !m.manifest?.protocol || !m.manifest.config) {
    throw new AdapterLoadError(`${spec} does not export an adapter module (default export from defineAdapter)`);
  }
  return m;
}

export async function loadSimulatorModule(spec: string, baseDir: string): Promise<SimulatorModule> {
  const target = spec.startsWith(".") || spec.startsWith("/") ? spec : `${spec}/simulator`;
  let mod: Record<string, unknown>;
  try {
    mod = await import(specifier(target, baseDir));
  } catch (e) {
    throw new AdapterLoadError(`cannot load simulator of ${spec}: ${(e as Error).message}`, { cause: e });
  }
  if (typeof mod.startSimulator !== "function") throw new AdapterLoadError(`${target} does not export startSimulator()`);
  return mod as unknown as SimulatorModule;
}
