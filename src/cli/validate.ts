import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError, loadConfigFile } from "../config/load.ts";
import { MappingErrors } from "../mapping/errors.ts";
import { loadTableDirs, loadTableFile, type LoadedTable } from "../mapping/loader.ts";
import { bindDevices } from "../hub/bindings.ts";
import { loadAdapterModule } from "../hub/registry.ts";
import type { AdapterModule } from "../hub/contract.ts";

function fail(lines: string[]): never {
  process.stderr.write(`${lines.join("\n")}\n`);
  process.exit(1);
}

export async function validateMappingsCommand(paths: string[]) {
  try {
    const tables: LoadedTable[] = [];
    for (const p of paths) {
      if (statSync(p).isDirectory()) tables.push(...loadTableDirs([p]).values());
      else tables.push(...loadTableFile(p));
    }
    for (const t of tables) process.stdout.write(`ok  ${t.table.table}  (${t.file})\n`);
    process.stdout.write(`${tables.length} table(s) valid\n`);
  } catch (e) {
    if (e instanceof MappingErrors) fail([e.message, `${e.errors.length} problem(s)`]);
    throw e;
  }
}

export async function validateConfigCommand(configPath: string) {
  const file = resolve(configPath);
  const baseDir = dirname(file);
  try {
    const cfg = loadConfigFile(file);
    const tables = loadTableDirs(cfg.mappings.map((d) => resolve(baseDir, d)), baseDir);
    const modules = new Map<string, AdapterModule>();
    const problems: string[] = [];
    for (const [name, a] of Object.entries(cfg.adapters)) {
      if (!a.enabled) continue;
      const mod = await loadAdapterModule(a.package, baseDir);
      const c = mod.manifest.config.safeParse(a.config);
      if (!c.success) problems.push(...c.error.issues.map((i) => `adapters.${name}.config.${i.path.join(".")}: ${i.message}`));
      modules.set(name, mod);
    }
    problems.push(...bindDevices(cfg, tables, modules).errors);
    if (problems.length) fail([...problems, `${problems.length} problem(s)`]);
    process.stdout.write(`config ok: ${Object.keys(cfg.adapters).length} adapter(s), ${cfg.devices.length} device(s), ${tables.size} table(s)\n`);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof MappingErrors) fail([e.message]);
    throw e;
  }
}
