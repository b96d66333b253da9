/**
 * Certificates for the VTN benchmark: the test PKI (certs/make-test-pki.sh) plus one client certificate per simulated
 * VEN, so that every VEN has its own fingerprint and venID as in the field. They share one key and are signed by
 * the test intermediate with `openssl ca -infiles` (one process per half, in parallel). Generating 10 000 takes
 * about a minute, so the set is kept in the system temp directory and reused by later runs.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "..");
const DIR = resolve(tmpdir(), "gridhub-bench-openadr-pki-v1");

export interface BenchPki {
  file(name: string): string;
  /** PEM certificates of the simulated VENs (all with the key `ven.key`). */
  vens: string[];
  /** seconds spent generating (0 when reused) */
  generatedSeconds: number;
}

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
}

/** Signs `count` copies of the CSR in its own CA database (serials from `firstSerial`). */
function signBatch(part: string, count: number, firstSerial: number): Promise<void> {
  mkdirSync(resolve(part, "new"), { recursive: true });
  writeFileSync(resolve(part, "index.txt"), "");
  writeFileSync(resolve(part, "serial"), `${firstSerial.toString(16).padStart(6, "0")}\n`);
  writeFileSync(resolve(part, "ca.cnf"), [
    "[ca]", "default_ca = d", "[d]", `dir = ${part}`, `database = ${part}/index.txt`, `new_certs_dir = ${part}/new`,
    `serial = ${part}/serial`, "default_md = sha256", "policy = p", "unique_subject = no", "default_days = 365",
    "[p]", "commonName = supplied",
    "[ext]", "basicConstraints = critical, CA:false", "keyUsage = critical, digitalSignature, keyAgreement", "extendedKeyUsage = clientAuth", "",
  ].join("\n"));
  const args = ["ca", "-batch", "-config", resolve(part, "ca.cnf"), "-extensions", "ext", "-cert", resolve(DIR, "inter/ca.pem"),
    "-keyfile", resolve(DIR, "inter/ca.key"), "-notext", "-infiles", ...Array.from({ length: count }, () => resolve(DIR, "ven.csr"))];
  return new Promise((ok, fail) => {
    const p = spawn("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.on("exit", (code) => (code === 0 ? ok() : fail(new Error(`openssl ca failed: ${err}`))));
  });
}

function certsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".pem")).sort().map((f) => readFileSync(resolve(dir, f), "utf8"));
}

export async function benchPki(count: number): Promise<BenchPki> {
  const file = (name: string) => resolve(DIR, name);
  const have = () => [...certsIn(file("a/new")), ...certsIn(file("b/new"))];
  let generatedSeconds = 0;
  if (!existsSync(file("ven.csr")) || have().length < count) {
    const started = Date.now();
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    run("bash", [resolve(REPO, "certs/make-test-pki.sh"), DIR], DIR);
    run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ven.key"], DIR);
    run("openssl", ["req", "-new", "-key", "ven.key", "-subj", "/O=gridhub test/CN=bench-ven", "-out", "ven.csr"], DIR);
    const half = Math.ceil(count / 2);
    await Promise.all([signBatch(file("a"), half, 0x100000), count > half ? signBatch(file("b"), count - half, 0x200000) : undefined]);
    generatedSeconds = (Date.now() - started) / 1000;
  }
  return { file, vens: have().slice(0, count), generatedSeconds };
}
