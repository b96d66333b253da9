import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { PostgresStore } from "../src/store/postgres.ts";
import { SqliteStore } from "../src/store/sqlite.ts";
import { scopedStore, type Store } from "../src/store/types.ts";
import { fixtures, tempDir } from "./helpers.ts";
import { freshDatabase, startPostgres, type RunningPostgres } from "./postgres.ts";

/** The same suite against each implementation: `open` gives a store on a persistent location, `reopen` the same one. */
interface Backend { name: string; setup(): Promise<void>; teardown(): Promise<void>; open(): Promise<Store> }

let tmp: ReturnType<typeof tempDir>;
let server: RunningPostgres;
let dbUrl = "";
let dbCount = 0;
const backends: Backend[] = [
  {
    name: "SQLite (WAL)",
    setup: async () => void (tmp = tempDir()),
    teardown: async () => tmp.cleanup(),
    open: async () => new SqliteStore({ path: resolve(tmp.dir, "s.db") }),
  },
  {
    name: "PostgreSQL (real server on 127.0.0.1)",
    setup: async () => void (dbUrl = await freshDatabase(server, `t${++dbCount}`)),
    teardown: async () => {},
    open: () => PostgresStore.open({ url: dbUrl }),
  },
];

describe("store", () => {
  before(async function () {
    this.timeout(60_000);
    server = await startPostgres();
  });
  after(async () => server?.stop());

  for (const backend of backends) describe(`${backend.name}`, () => {
    beforeEach(() => backend.setup());
    afterEach(() => backend.teardown());

    it("keeps documents, events, devices, telemetry and audit across a close and reopen", async () => {
      let s = await backend.open();
      await s.putDoc("ven", "registration", "current", { venID: "ven-1", registrationID: "r-9" });
      await s.upsertEvent({ id: "e1", source: "ven", protocol: "openadr", ref: "evt-1", modification: 2, state: "far", start: "2026-11-21T12:00:00Z", payload: { a: 1 }, updated: "2026-11-21T10:00:00Z" });
      await s.upsertDevice({ id: "ahu-1", adapter: "bacnet", address: { deviceInstance: 1 }, groups: ["hvac"], discovered: false });
      await s.appendTelemetry([{ device: "ahu-1", point: "sp", ts: "2026-11-21T10:00:00Z", value: 21.5 }, { device: "ahu-1", point: "sp", ts: "2026-11-21T10:01:00Z", value: 22 }]);
      await s.audit({ actor: "ven-1", action: "event.optIn", outcome: "ok", detail: { eventID: "evt-1" } });
      await s.close();
      s = await backend.open();
      assert.deepEqual(await s.getDoc("ven", "registration", "current"), { venID: "ven-1", registrationID: "r-9" });
      assert.equal((await s.getEvent("e1"))?.modification, 2);
      assert.deepEqual((await s.listEvents({ states: ["far"] })).map((e) => e.ref), ["evt-1"]);
      assert.deepEqual((await s.getDevice("ahu-1"))?.groups, ["hvac"]);
      assert.deepEqual((await s.queryTelemetry({ device: "ahu-1", from: "2026-11-21T10:00:30Z" })).map((r) => r.value), [22]);
      assert.equal((await s.queryAudit({ actor: "ven-1" }))[0].detail?.eventID, "evt-1");
      await s.close();
    });

    it("store-and-forward: in order per channel, idempotent on id, acked items leave, failures counted", async () => {
      const s = await backend.open();
      assert.equal(await s.enqueue("a", "1", { v: 1 }), true);
      assert.equal(await s.enqueue("b", "x", { v: "x" }), true);
      assert.equal(await s.enqueue("a", "2", { v: 2 }), true);
      assert.equal(await s.enqueue("a", "1", { v: "again" }), false, "same id twice is a no-op");
      assert.deepEqual((await s.pending("a")).map((i) => i.payload), [{ v: 1 }, { v: 2 }]);
      await s.failed("a", "1", "VTN down");
      const [first] = await s.pending("a", 1);
      assert.equal(first.attempts, 1);
      assert.equal(first.lastError, "VTN down");
      await s.ack("a", "1");
      assert.deepEqual((await s.pending("a")).map((i) => i.id), ["2"]);
      assert.equal(await s.queueDepth(), 2);
      await s.close();
    });

    it("hands each queued item to exactly one taker, even with competing connections", async () => {
      const a = await backend.open();
      const b = await backend.open();
      for (let i = 0; i < 200; i++) await a.enqueue("poll:ven-1", `p-${i}`, { i });
      const taken: number[] = [];
      const worker = async (s: Store) => {
        for (let item = await s.take("poll:ven-1"); item; item = await s.take("poll:ven-1")) taken.push((item.payload as { i: number }).i);
      };
      await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
      assert.deepEqual([...taken].sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i));
      assert.equal(await a.take("poll:ven-1"), undefined);
      await a.close();
      await b.close();
    });

    it("scopes documents and queues per adapter", async () => {
      const s = await backend.open();
      const a = scopedStore(s, "ven-a");
      const b = scopedStore(s, "ven-b");
      await a.putDoc("c", "1", "A");
      await b.putDoc("c", "1", "B");
      await a.enqueue("q", "1", "A");
      await a.upsertEvent({ id: "e", source: "spoofed", protocol: "openadr", ref: "e", modification: 0, state: "far", payload: {}, updated: "2026-01-01T00:00:00Z" });
      assert.equal(await a.getDoc("c", "1"), "A");
      assert.equal(await b.getDoc("c", "1"), "B");
      assert.deepEqual(await b.pending("q"), []);
      assert.equal((await a.getEvent("e"))?.source, "ven-a", "an adapter cannot write events in another's name");
      assert.equal(await b.getEvent("e"), undefined);
      await s.close();
    });

  });
});

describe("store: SQLite crash safety", () => {
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it("loses nothing that was acknowledged when the writing process is killed (SIGKILL mid-write)", async function () {
    this.timeout(60_000);
    const path = resolve(tmp.dir, "crash.db");
    const child = spawn(process.execPath, ["--import", "tsx", resolve(fixtures, "store-writer.ts"), path], { stdio: ["ignore", "pipe", "inherit"] });
    let acked = -1;
    let buf = "";
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const l of lines) acked = Number(l.split(" ")[1]);
        if (acked >= 300 && !child.killed) child.kill("SIGKILL");
      });
      child.on("exit", (_code, signal) => (signal === "SIGKILL" ? done() : fail(new Error(`writer exited without being killed (${signal})`))));
    });
    assert.ok(acked >= 300);
    const s = new SqliteStore({ path });
    const queued = new Set((await s.pending("reports", 1_000_000)).map((i) => i.id));
    for (let n = 0; n <= acked; n++) {
      assert.ok(queued.has(`r-${n}`), `report r-${n} was acknowledged but is missing`);
      assert.deepEqual(await s.getDoc("ven", "events", `e-${n}`), { n });
      assert.ok(await s.getEvent(`evt-${n}`), `event evt-${n} missing`);
    }
    await s.close();
  });
});
