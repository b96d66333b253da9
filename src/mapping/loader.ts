/**
 * Loads mapping tables from YAML. A table is data: the YAML core schema only (no custom tags, so no code can be
 * named in a table), alias expansion capped, duplicate keys refused, and every problem reported as file:line:field.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { MappingError, MappingErrors } from "./errors.ts";
import { GridTable, MappingTable } from "./schema.ts";
import { checkSemantics } from "./semantics.ts";
import { locator, zodErrors } from "./locate.ts";

interface Located {
  file: string;
  /** position of a field path in the file, for errors found after loading (adapter checks) */
  locate(path: (string | number)[]): { line: number; col: number };
}

export interface LoadedTable extends Located {
  table: MappingTable;
}

export interface LoadedGridTable extends Located {
  table: GridTable;
}

const MAX_TABLE_BYTES = 1024 * 1024;

export interface ParsedTables { device: LoadedTable[]; grid: LoadedGridTable[] }

/** Parses and checks every device table in a YAML text (one file may hold several documents separated by ---). */
export function parseTables(text: string, file: string): LoadedTable[] {
  return parseAllTables(text, file).device;
}

/** Parses every table, device and grid, in a YAML text. */
export function parseAllTables(text: string, file: string): ParsedTables {
  if (Buffer.byteLength(text) > MAX_TABLE_BYTES) {
    throw new MappingErrors([new MappingError(file, 1, 1, "", `file larger than ${MAX_TABLE_BYTES} bytes`)]);
  }
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, schema: "core", customTags: [], uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) throw new MappingErrors([new MappingError(file, 1, 1, "", "not a YAML document stream")]);
  const errors: MappingError[] = [];
  const tables: LoadedTable[] = [];
  const grid: LoadedGridTable[] = [];
  for (const doc of docs) {
    // warnings (an unresolved tag such as !!js/function) are refused too: a table is plain data or nothing
    if (doc.errors.length || doc.warnings.length) {
      for (const e of [...doc.errors, ...doc.warnings]) {
        const pos = lc.linePos(e.pos[0]);
        errors.push(new MappingError(file, pos.line, pos.col, "", e.message.split("\n")[0]));
      }
      continue;
    }
    if (doc.contents === null) continue;
    const locate = locator(doc, lc);
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: 50 });
    } catch (e) {
      errors.push(new MappingError(file, 1, 1, "", (e as Error).message));
      continue;
    }
    if (raw && typeof raw === "object" && (raw as { kind?: unknown }).kind === "grid") {
      const g = GridTable.safeParse(raw);
      if (g.success) grid.push({ table: g.data, file, locate });
      else errors.push(...zodErrors(file, g.error, locate));
      continue;
    }
    const parsed = MappingTable.safeParse(raw);
    if (!parsed.success) {
      errors.push(...zodErrors(file, parsed.error, locate));
      continue;
    }
    const semantic = checkSemantics(parsed.data).map(({ path, message }) => {
      const { line, col } = locate(path);
      return new MappingError(file, line, col, path.join("."), message);
    });
    if (semantic.length) {
      errors.push(...semantic);
      continue;
    }
    tables.push({ table: parsed.data, file, locate });
  }
  if (errors.length) throw new MappingErrors(errors);
  return { device: tables, grid };
}

export function loadTableFile(path: string, displayName = path): LoadedTable[] {
  return parseTables(readFileSync(path, "utf8"), displayName);
}

function loadAllFromFile(path: string, displayName: string): ParsedTables {
  return parseAllTables(readFileSync(path, "utf8"), displayName);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** Loads every device table below the directories (grid tables are skipped: see loadAllTableDirs). */
export function loadTableDirs(dirs: string[], baseDir = process.cwd()): Map<string, LoadedTable> {
  return loadAllTableDirs(dirs, baseDir).device;
}

/** Loads every table below the directories; all problems of all files are reported together. Duplicate ids are refused. */
export function loadAllTableDirs(dirs: string[], baseDir = process.cwd()): { device: Map<string, LoadedTable>; grid: Map<string, LoadedGridTable> } {
  const out = new Map<string, LoadedTable>();
  const grid = new Map<string, LoadedGridTable>();
  const errors: MappingError[] = [];
  for (const dir of dirs) {
    for (const file of yamlFiles(dir)) {
      const name = relative(baseDir, file) || file;
      try {
        const parsed = loadAllFromFile(file, name);
        for (const t of [...parsed.device, ...parsed.grid]) {
          const prior = out.get(t.table.table) ?? grid.get(t.table.table);
          if (prior) {
            const { line, col } = t.locate(["table"]);
            errors.push(new MappingError(name, line, col, "table", `duplicate table id ${t.table.table} (also in ${prior.file})`));
          } else if (t.table.kind === "grid") grid.set(t.table.table, t as LoadedGridTable);
          else out.set(t.table.table, t as LoadedTable);
        }
      } catch (e) {
        if (e instanceof MappingErrors) errors.push(...e.errors);
        else throw e;
      }
    }
  }
  if (errors.length) throw new MappingErrors(errors);
  return { device: out, grid };
}
