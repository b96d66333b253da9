/**
 * The client's event rules on their own (no network): primacy and creationTime supersession where modes meet,
 * randomization, cancellation by status or absence, the Response sequence per responseRequired, and a restart that
 * resumes without publishing again.
 */
import assert from "node:assert/strict";
import type { BusPort } from "gridhub/hub";
import { makeMessage, type NeutralMessage } from "gridhub/model";
import { scopedStore, SqliteStore } from "gridhub/store";
import { pino } from "pino";
import type { DERControlValue, EndDeviceControlValue } from "../src/codec/index.ts";
import { EventBook, RESPONSE, type BookDeps } from "../src/client/events.ts";
import { Publisher } from "../src/client/publisher.ts";
import { GridMap } from "../src/mapping/table.ts";
import { parseAllTables } from "gridhub/mapping";
import { readFileSync } from "node:fs";
import { until } from "../../../test/helpers.ts";
import { repoRoot } from "./helpers.ts";
import { resolve } from "node:path";

const table = GridMap.parse(parseAllTables(readFileSync(resolve(repoRoot, "mappings/ieee2030-5/default.yaml"), "utf8"), "default.yaml").grid[0].table.map);
const now = () => Math.floor(Date.now() / 1000);
let n = 0;

function der(base: DERControlValue["DERControlBase"], o: { start?: number; duration?: number; created?: number; status?: number; rr?: string; randomizeStart?: number } = {}): DERControlValue {
  n++;
  return {
    mRID: (0xa000 + n).toString(16).toUpperCase().padStart(32, "0"), replyTo: "/rsps/1/rsp", responseRequired: o.rr ?? "03",
    creationTime: o.created ?? now(), EventStatus: { currentStatus: o.status ?? 0, dateTime: now(), potentiallySuperseded: false },
    interval: { start: o.start ?? now(), duration: o.duration ?? 60 }, DERControlBase: base,
    ...(o.randomizeStart ? { randomizeStart: o.randomizeStart } : {}),
  };
}

function harness(store = scopedStore(new SqliteStore({ path: ":memory:" }), "grid"), extra: Partial<BookDeps> = {}) {
  const published: NeutralMessage[] = [];
  const responses: { mRID: string; status: number }[] = [];
  const bus: BusPort = {
    publish: async (m) => {
      published.push(m as NeutralMessage);
      return { id: (m as NeutralMessage).id, duplicate: false, delivered: 0 };
    },
    subscribe: () => () => undefined,
  };
  const logger = pino({ level: "silent" });
  const deps: BookDeps = {
    store, logger, name: "grid", map: table, building: "site", commandDevices: ["pv-1"], randomize: true, random: () => 0.5,
    publisher: new Publisher({ bus, logger, name: "grid", targets: [{ kind: "all" }] }),
    serverNow: () => Date.now(), toLocal: (ms) => ms, url: (h) => new URL(h, "https://utility.test/").href, curve: () => undefined,
    respond: async (ev, status) => void (EventBook.wanted(ev, status) && responses.push({ mRID: ev.mRID, status })),
    ...extra,
  };
  return { book: new EventBook(deps), published, responses, store };
}

const statuses = (h: ReturnType<typeof harness>, mRID: string) => h.responses.filter((r) => r.mRID === mRID).map((r) => r.status);
const prog = (mRID: string, primacy: number, controls: (DERControlValue | EndDeviceControlValue)[]) => ({ mRID, primacy, controls });

describe("ieee2030-5 client event rules", () => {
  it("publishes a control as a LoadGenerationManagement with origin = mRID and answers received", async () => {
    const h = harness();
    const c = der({ opModMaxLimW: 5000 }, { start: now() + 30 });
    await h.book.sync("der", [prog("P1", 1, [c])], true);
    assert.equal(h.published.length, 1);
    const m = h.published[0];
    assert.equal(m.type, "LoadGenerationManagement");
    assert.deepEqual(m.origin, { protocol: "ieee2030-5", ref: c.mRID });
    assert.equal(m.type === "LoadGenerationManagement" && m.body.slots[0].relative, 50);
    assert.equal(m.validity?.start, new Date((now() + 30) * 1000).toISOString());
    assert.deepEqual(statuses(h, c.mRID), [RESPONSE.received]);
    assert.equal(h.book.get(c.mRID)?.state, "scheduled");
    await h.book.stop();
  });

  it("at equal primacy the newer control supersedes an overlapping one with a shared mode, and withdraws its messages", async () => {
    const h = harness();
    const old = der({ opModMaxLimW: 5000 }, { created: now() - 100 });
    await h.book.sync("der", [prog("P1", 1, [old])], true);
    const newer = der({ opModMaxLimW: 3000 }, { created: now() - 10 });
    await h.book.sync("der", [prog("P1", 1, [old, newer])], true);
    assert.equal(h.book.get(old.mRID)?.state, "superseded");
    assert.equal(h.book.get(newer.mRID)?.state, "active");
    assert.deepEqual(statuses(h, old.mRID), [RESPONSE.received, RESPONSE.superseded]);
    const withdrawn = h.published.filter((m) => m.origin?.ref === old.mRID);
    assert.equal(withdrawn.length, 2, "published, then withdrawn under the same origin");
    assert.ok(Date.parse(withdrawn[1].validity!.end!) <= Date.now());
    await h.book.stop();
  });

  it("a lower primacy value wins whatever the creation time; controls without a shared mode both run", async () => {
    const h = harness();
    const utility = der({ opModMaxLimW: 6000 }, { created: now() - 100 });
    const other = der({ opModMaxLimW: 2000 }, { created: now() - 5 });
    const pf = der({ opModFixedPFInjectW: { displacement: 95, excitation: false, multiplier: -2 } }, { created: now() });
    await h.book.sync("der", [prog("P1", 1, [utility]), prog("P2", 2, [other, pf])], true);
    assert.equal(h.book.get(utility.mRID)?.state, "active");
    assert.equal(h.book.get(other.mRID)?.state, "superseded", "primacy 2 loses to primacy 1 although newer");
    assert.equal(h.book.get(pf.mRID)?.state, "active", "no mode in common with the limit");
    const cmd = h.published.find((m) => m.origin?.ref === pf.mRID);
    assert.ok(cmd && cmd.type === "Command");
    assert.deepEqual(cmd.body, { device: "pv-1", command: { action: "setVarMode", mode: "fixed-pf-inject", value: { value: 95, unit: "%" } } });
    assert.deepEqual(cmd.targets, [{ kind: "device", id: "pv-1" }]);
    await h.book.stop();
  });

  it("applies randomizeStart once and keeps it", async () => {
    const h = harness();
    const c = der({ opModMaxLimW: 5000 }, { start: now() + 100, randomizeStart: 60 });
    await h.book.sync("der", [prog("P1", 1, [c])], true);
    assert.equal(h.book.get(c.mRID)?.start, now() + 130, "random() 0.5 of 60 s");
    await h.book.sync("der", [prog("P1", 1, [c])], true);
    assert.equal(h.published.length, 1, "seen again: nothing new");
    await h.book.stop();
  });

  it("cancels on the server's cancelled status and when the server stops listing a control", async () => {
    const h = harness();
    const a = der({ opModMaxLimW: 5000 });
    const b = der({ opModConnect: false }, { start: now() + 10 });
    await h.book.sync("der", [prog("P1", 0, [a, b])], true);
    assert.equal(h.published.find((m) => m.origin?.ref === b.mRID)?.type, "Emergency", "disconnect at primacy 0: an emergency");
    await h.book.sync("der", [prog("P1", 0, [{ ...a, EventStatus: { ...a.EventStatus, currentStatus: 2 } }])], true);
    assert.equal(h.book.get(a.mRID)?.state, "cancelled");
    assert.equal(h.book.get(b.mRID)?.state, "cancelled", "no longer listed");
    assert.deepEqual(statuses(h, a.mRID), [RESPONSE.received, RESPONSE.cancelled]);
    assert.deepEqual(statuses(h, b.mRID), [RESPONSE.received, RESPONSE.cancelled]);
    await h.book.stop();
  });

  it("leaves controls alone that ended, were cancelled before it saw them, or name another device category", async () => {
    // this EndDevice: a photovoltaic system (bit 21)
    const h = harness(undefined, { deviceCategory: 1 << 21 });
    const over = der({ opModMaxLimW: 5000 }, { start: now() - 120, duration: 60 });
    const cancelled = der({ opModMaxLimW: 5000 }, { status: 2 });
    const forEv = { ...der({ opModMaxLimW: 5000 }), deviceCategory: (1 << 16).toString(16).padStart(8, "0") };
    const forPv = { ...der({ opModMaxLimW: 5000 }), deviceCategory: ((1 << 16) | (1 << 21)).toString(16).padStart(8, "0") };
    await h.book.sync("der", [prog("P1", 1, [over, cancelled, forEv])], true);
    assert.equal(h.published.length, 0);
    assert.equal(h.responses.length, 0, "a device of another category SHALL NOT respond");
    await h.book.sync("der", [prog("P1", 1, [forPv])], true);
    assert.equal(h.published.length, 1, "a control for EVs and PV systems concerns it");
    await h.book.stop();
  });

  it("answers started on the first device success, completed at the end, as responseRequired asks", async () => {
    const h = harness();
    const c = der({ opModMaxLimW: 5000 }, { duration: 1 });
    const quiet = der({ opModTargetW: { multiplier: 3, value: 2 } }, { duration: 1, rr: "00" });
    await h.book.sync("der", [prog("P1", 1, [c]), prog("P2", 1, [quiet])], true);
    const id = h.published.find((m) => m.origin?.ref === c.mRID)!.id;
    h.book.onResult(makeMessage("Result", { of: "LoadGenerationManagement", outcome: "unsuccessful", reason: "offline", at: new Date().toISOString() },
      { source: "device:b", correlationId: id }));
    h.book.onResult(makeMessage("Result", { of: "LoadGenerationManagement", outcome: "successful", at: new Date().toISOString() },
      { source: "device:a", correlationId: id }));
    await until(() => h.book.get(c.mRID)?.state === "completed", 4000, "completion");
    assert.deepEqual(statuses(h, c.mRID), [RESPONSE.received, RESPONSE.started, RESPONSE.completed]);
    assert.deepEqual(h.book.get(c.mRID)?.problems, ["device:b: offline"]);
    await until(() => h.book.get(quiet.mRID)?.state === "completed", 4000, "completion");
    assert.deepEqual(statuses(h, quiet.mRID), [], "responseRequired 00: no responses");
    await h.book.stop();
  });

  it("after a restart resumes its events from the store without publishing them again", async () => {
    const store = scopedStore(new SqliteStore({ path: ":memory:" }), "grid");
    const first = harness(store);
    const c = der({ opModMaxLimW: 4000 }, { duration: 2 });
    await first.book.sync("der", [prog("P1", 1, [c])], true);
    await first.book.stop();
    const second = harness(store);
    await second.book.load();
    assert.equal(second.book.get(c.mRID)?.state, "active");
    await second.book.sync("der", [prog("P1", 1, [c])], true);
    assert.equal(second.published.length, 0);
    await until(() => second.book.get(c.mRID)?.state === "completed", 4000, "completion after the restart");
    assert.deepEqual(statuses(second, c.mRID), [RESPONSE.notApplicable], "no device acted on it");
    await second.book.stop();
  });
});
