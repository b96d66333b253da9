/**
 * `npm run bench`: runs every bench/*.ts module (each exports `run()` returning its figures), and writes
 * bench/results/latest.json plus a short markdown table. `npm run bench -- mapping modbus` runs a subset.
 */
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const modules = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_")).sort()
  .filter((f) => !only.length || only.includes(basename(f, ".ts")));

const results: Record<string, unknown> = {};
for (const file of modules) {
  const name = basename(file, ".ts");
  process.stdout.write(`bench ${name} ... `);
  const started = Date.now();
  try {
    const mod = (await import(pathToFileURL(resolve(dir, file)).href)) as { run(): Promise<Record<string, unknown>> };
    results[name] = { ...(await mod.run()), wallSeconds: (Date.now() - started) / 1000 };
    process.stdout.write("done\n");
  } catch (e) {
    results[name] = { error: (e as Error).message };
    process.stdout.write(`failed: ${(e as Error).message}\n`);
  }
}

const meta = { at: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) };
mkdirSync(resolve(dir, "results"), { recursive: true });
writeFileSync(resolve(dir, "results/latest.json"), `${JSON.stringify({ meta, results }, null, 2)}\n`);

const flat = (prefix: string, v: unknown): [string, string][] =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? Object.entries(v).flatMap(([k, x]) => flat(prefix ? `${prefix}.${k}` : k, x))
    : [[prefix, typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : JSON.stringify(v)]];
const md = [`# Benchmarks (${meta.at}, ${meta.node}, ${meta.cpus} cores)`, "", "| benchmark | figure | value |", "|---|---|---|",
  ...Object.entries(results).flatMap(([name, r]) => flat("", r).map(([k, v]) => `| ${name} | ${k} | ${v} |`)), ""].join("\n");
writeFileSync(resolve(dir, "results/latest.md"), md);
process.stdout.write(`wrote bench/results/latest.json and latest.md\n`);
if (Object.values(results).some((r) => (r as { error?: string }).error)) process.exitCode = 1;
