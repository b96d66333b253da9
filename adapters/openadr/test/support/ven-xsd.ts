/** Validates many payloads against oadr_20b.xsd with one xmllint run (package libxml2-utils). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCHEMA_DIR } from "../fixtures/xmllint.ts";

/** Returns the xmllint complaints, one entry per invalid document (empty when all validate). */
export function invalidPayloads(docs: { name: string; xml: string }[]): string[] {
  if (!docs.length) return [];
  const dir = mkdtempSync(join(tmpdir(), "gridhub-ven-xsd-"));
  try {
    const files = docs.map((d, i) => {
      const f = join(dir, `${String(i).padStart(4, "0")}-${d.name}.xml`);
      writeFileSync(f, d.xml);
      return f;
    });
    const r = spawnSync("xmllint", ["--nonet", "--noout", "--schema", "oadr_20b.xsd", ...files], { cwd: SCHEMA_DIR, encoding: "utf8", timeout: 60_000 });
    if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
    return files.flatMap((f, i) => {
      const lines = r.stderr.split("\n").filter((l) => l.startsWith(f) && !l.endsWith(" validates"));
      return lines.length ? [`${docs[i]!.name}: ${lines.join("\n")}\n${docs[i]!.xml}`] : [];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
