/**
 * Loads mapping tables from YAML. A table is data: the YAML core schema only (no custom tags, so no code can be
 * named in a table), alias expansion capped, duplicate keys refused, and every problem reported as file:line:field.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { MappingError, MappingErrors } from "./errors.ts";
import { MappingTable } from "./schema.ts";
import { checkSemantics } from "./semantics.ts";
import { locator, zodErrors } from "./locate.ts";

export interface LoadedTable {
  table: MappingTable;
  file: string;
  /** position of a field path in the file, for errors found after loading (adapter address checks) */
  locate(path: (string | number)[]): { line: number; col: number };
}

const MAX_TABLE_BYTES = 1024 * 1024;

/** Parses and checks every table in a YAML text (one file may hold several documents separated by ---). */
export function parseTables(text: string, file: string): LoadedTable[] {
  if (Buffer.byteLength(text) > MAX_TABLE_BYTES) {
    throw new MappingErrors([new MappingError(file, 1, 1, "", `file larger than ${MAX_TABLE_BYTES} bytes`)]);
  }
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, schema: "core", customTags: [], uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) throw new MappingErrors([new MappingError(file, 1, 1, "", "not a YAML document stream")]);
  const errors: MappingError[] = [];
  const tables: LoadedTable[] = [];
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
  return tables;
}

export function loadTableFile(path: string, displayName = path): LoadedTable[] {
  return parseTables(readFileSync(path, "utf8"), displayName);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** Loads every table below the directories; all problems of all files are reported together. Duplicate ids are refused. */
export function loadTableDirs(dirs: string[], baseDir = process.cwd()): Map<string, LoadedTable> {
  const out = new Map<string, LoadedTable>();
  const errors: MappingError[] = [];
  for (const dir of dirs) {
    for (const file of yamlFiles(dir)) {
      const name = relative(baseDir, file) || file;
      try {
        for (const t of loadTableFile(file, name)) {
          const prior = out.get(t.table.table);
          if (prior) {
            const { line, col } = t.locate(["table"]);
            errors.push(new MappingError(name, line, col, "table", `duplicate table id ${t.table.table} (also in ${prior.file})`));
          } else out.set(t.table.table, t);
        }
      } catch (e) {
        if (e instanceof MappingErrors) errors.push(...e.errors);
        else throw e;
      }
    }
  }
  if (errors.length) throw new MappingErrors(errors);
  return out;
}
