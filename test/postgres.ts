/**
 * Starts a throw-away PostgreSQL server from Debian's binaries on 127.0.0.1 (own data dir, own port), as the
 * `postgres` user when the tests run as root (initdb refuses root). `.ci/run` installs the package.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import pg from "pg";
import { freePort, tempDir, until } from "./helpers.ts";

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/postgres`)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)");
  return `${root}/${versions[0]}/bin`;
}

export interface RunningPostgres { url: string; stop(): Promise<void> }

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = binDir();
  const tmp = tempDir("gridhub-pg-");
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim()) : undefined;
  const gid = asRoot ? Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim()) : undefined;
  if (asRoot) chownSync(tmp.dir, uid!, gid!);
  // initdb and postgres refuse to run as root: run them as the postgres user
  const as = asRoot ? { uid: uid!, gid: gid! } : {};
  const init = spawnSync(`${bin}/initdb`, ["-D", `${tmp.dir}/data`, "-A", "trust", "-U", "gridhub", "--no-sync", "-E", "UTF8"], { encoding: "utf8", cwd: tmp.dir, ...as });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const proc: ChildProcess = spawn(`${bin}/postgres`, ["-D", `${tmp.dir}/data`, "-h", "127.0.0.1", "-p", String(port), "-k", tmp.dir,
    "-c", "fsync=off", "-c", "max_connections=200"], { stdio: ["ignore", "ignore", "pipe"], cwd: tmp.dir, ...as });
  let log = "";
  proc.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const url = `postgres://gridhub@127.0.0.1:${port}/postgres`;
  try {
    await until(async () => {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        await c.end();
        return true;
      } catch {
        return false;
      }
    }, 20_000, "PostgreSQL to accept connections");
  } catch (e) {
    proc.kill("SIGKILL");
    tmp.cleanup();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return {
    url,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((ok) => proc.once("exit", ok));
        proc.kill("SIGINT"); // fast shutdown
        const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      }
      tmp.cleanup();
    },
  };
}

/** A fresh database on the server for one test. */
export async function freshDatabase(server: RunningPostgres, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name}`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}
