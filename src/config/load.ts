/** Reads the hub config: YAML core schema only, secrets by reference (${env:NAME}, ${file:path}), errors as file:line:field. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { MappingError, MappingErrors } from "../mapping/errors.ts";
import { locator, zodErrors } from "../mapping/locate.ts";
import { HubConfig } from "./schema.ts";

export class ConfigError extends MappingErrors {
  constructor(errors: MappingError[]) {
    super(errors);
    this.name = "ConfigError";
  }
}

const REF = /\$\{(env|file):([^}]+)\}/g;

/** Replaces secret references in every string, so that tokens and keys never need to be in the file. */
export function resolveRefs(value: unknown, baseDir: string, path: string[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(REF, (_, kind: string, ref: string) => {
      if (kind === "env") {
        const v = process.env[ref];
        if (v === undefined) throw new Error(`${path.join(".")}: environment variable ${ref} is not set`);
        return v;
      }
      try {
        return readFileSync(resolve(baseDir, ref), "utf8").trim();
      } catch (e) {
        throw new Error(`${path.join(".")}: cannot read ${ref}: ${(e as Error).message}`);
      }
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveRefs(v, baseDir, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, baseDir, [...path, k])]));
  }
  return value;
}

export function parseConfig(text: string, file: string, baseDir = dirname(resolve(file))): HubConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, schema: "core", customTags: [], uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length || doc.warnings.length) {
    throw new ConfigError([...doc.errors, ...doc.warnings].map((e) => {
      const p = lc.linePos(e.pos[0]);
      return new MappingError(file, p.line, p.col, "", e.message.split("\n")[0]);
    }));
  }
  const locate = locator(doc, lc);
  let raw: unknown;
  try {
    raw = resolveRefs(doc.toJS({ maxAliasCount: 50 }) ?? {}, baseDir);
  } catch (e) {
    throw new ConfigError([new MappingError(file, 1, 1, "", (e as Error).message)]);
  }
  const parsed = HubConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodErrors(file, parsed.error, locate));
  return parsed.data;
}

export function loadConfigFile(path: string): HubConfig {
  return parseConfig(readFileSync(path, "utf8"), path);
}
