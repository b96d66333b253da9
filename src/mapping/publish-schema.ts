/** Writes the JSON Schemas generated from the zod definitions, for editors (yaml-language-server, VS Code). */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { HubConfig } from "../config/schema.ts";
import { AnyTable } from "./schema.ts";

export const publishedSchemas = {
  "mappings/mapping-table.schema.json": { schema: AnyTable, title: "gridhub mapping table (device or grid)" },
  "config/gridhub-config.schema.json": { schema: HubConfig, title: "gridhub hub configuration" },
};

export function renderSchema(schema: z.ZodType, title: string): string {
  return `${JSON.stringify({ title, ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) }, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), "../../..");
  for (const [file, { schema, title }] of Object.entries(publishedSchemas)) {
    writeFileSync(resolve(root, file), renderSchema(schema, title));
    process.stdout.write(`wrote ${file}\n`);
  }
}
