import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fixtures, tempDir, until } from "./helpers.ts";

const root = resolve(import.meta.dirname, "..");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", resolve(root, "src/cli/main.ts"), ...args], { encoding: "utf8", cwd: root });

describe("CLI", function () {
  this.timeout(30_000);

  it("prints help naming every command", () => {
    const r = cli("--help");
    assert.equal(r.status, 0);
    for (const c of ["start", "validate-mappings", "validate-config", "devices", "events", "send"]) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  });

  it("validate-mappings passes the repository's tables and fails a broken one with file:line:field", () => {
    const ok = cli("validate-mappings", "mappings");
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /table\(s\) valid/);
    const bad = cli("validate-mappings", resolve(fixtures, "bad-mappings"));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /broken\.yaml:5:59: points\.temp\.acess: unknown field acess/);
  });

  it("validate-config reports config errors with their line", () => {
    const tmp = tempDir();
    try {
      const file = resolve(tmp.dir, "bad.yaml");
      writeFileSync(file, "site: { id: demo }\napi:\n  port: 99999\n");
      const r = cli("validate-config", "--config", file);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /bad\.yaml:3:3: api\.port: /);
    } finally {
      tmp.cleanup();
    }
  });

  it("start runs a hub whose API answers; devices and events read it; send publishes; SIGTERM stops it", async () => {
    const tmp = tempDir();
    const file = resolve(tmp.dir, "hub.yaml");
    writeFileSync(file, [
      "site: { id: cli-test }", "log: { level: warn }", `store: { path: ${resolve(tmp.dir, "data/hub.db")} }`,
      "api: { port: 18931 }", `mappings: [${resolve(fixtures, "mappings")}]`,
      `adapters: { mem: { package: ${resolve(fixtures, "memory-adapter.ts")} } }`,
      "devices:", "  - { id: battery-1, adapter: mem, table: storage-battery/memory, address: { id: battery-1 } }", "",
    ].join("\n"));
    const hub = spawn(process.execPath, ["--import", "tsx", resolve(root, "src/cli/main.ts"), "start", "--config", file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let exited = false;
    hub.on("exit", () => (exited = true));
    try {
      await until(async () => (await fetch("http://127.0.0.1:18931/api/health").catch(() => undefined))?.ok === true, 20_000, "hub API");
      const devices = cli("devices", "--config", file, "--json");
      assert.equal(devices.status, 0, devices.stderr);
      assert.equal(JSON.parse(devices.stdout)[0].id, "battery-1");
      const msg = resolve(tmp.dir, "cmd.json");
      writeFileSync(msg, JSON.stringify({ type: "Command", targets: [{ kind: "device", id: "battery-1" }], body: { device: "battery-1", command: { action: "standby" } } }));
      const sent = cli("send", msg, "--config", file);
      assert.equal(sent.status, 0, sent.stderr);
      assert.match(sent.stdout, /"duplicate":false/);
      const events = cli("events", "--config", file);
      assert.equal(events.status, 0, events.stderr);
      assert.match(events.stdout, /0 event\(s\)/);
      hub.kill("SIGTERM");
      await until(() => exited, 10_000, "hub exit");
    } finally {
      if (!exited) hub.kill("SIGKILL");
      tmp.cleanup();
    }
  });
});
