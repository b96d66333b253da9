/** The adapter against the simulator over real UDP on loopback: discovery, reads, writes, COV, failures, BBMD. */
import assert from "node:assert/strict";
import type { PointValue } from "gridhub/hub";
import { ObjectType as O, PropertyIdentifier as P } from "../src/lib.ts";
import { startSimulator, type BacnetSimulator } from "../src/simulator/index.ts";
import type { DiscoveredPoint } from "../src/discovery.ts";
import { apduOf, libraryClient, log, rawPeer, ref, startAdapter, waitFor } from "./helpers.ts";

const spares = (n: number) => Array.from({ length: n }, (_, i) => ({ object: `analog-value:${100 + i}`, name: `Spare ${i}`, value: i }));

interface Served { readProperty: number; readPropertyMultiple: number; writeProperty: number; subscribeCov: number; rejected: number }

describe("BACnet adapter (loopback)", function () {
  let sim: BacnetSimulator;
  const addr = (instance: number) => sim.device(instance).address;
  const dev = (instance: number) => ({ deviceInstance: instance, address: addr(instance) });
  const served = (instance: number) => ({ ...sim.device(instance).served }) as Served;

  before(async () => {
    sim = await startSimulator({
      bbmd: {},
      devices: [
        { instance: 2001, preset: "ahu" },
        { instance: 2002, preset: "chiller", objects: spares(300), maxApdu: 480, segmentation: "none" },
        { instance: 2003, preset: "vav", services: { readPropertyMultiple: false } },
        { instance: 2004, preset: "lighting", services: { cov: false } },
        { instance: 2005, preset: "vav", objects: spares(300) },
      ],
    }, log);
  });
  after(async () => {
    await sim?.stop();
  });

  it("discovers devices by directed Who-Is within the configured ranges, with typed points and units", async () => {
    const { adapter } = await startAdapter({
      discovery: { targets: [2001, 2002, 2003, 2004, 2005].map(addr), ranges: [{ low: 2001, high: 2002 }, { low: 2005, high: 2005 }] } as never,
    });
    try {
      const found = new Map<number, Record<string, unknown>>();
      const progress: number[] = [];
      for await (const d of adapter.discover({ timeoutMs: 800, onProgress: (p) => progress.push(p.found) })) {
        found.set(d.address.deviceInstance as number, { ...d.info, address: d.address.address });
      }
      assert.deepEqual([...found.keys()].sort(), [2001, 2002, 2005]);
      const ahu = found.get(2001)!;
      assert.equal(ahu.address, addr(2001));
      assert.equal(ahu.modelName, "gridhub-sim AHU");
      const points = ahu.points as DiscoveredPoint[];
      const byObject = (o: string) => points.find((p) => p.object === o);
      assert.deepEqual(byObject("analog-value:1"), {
        object: "analog-value:1", name: "Zone Cooling Setpoint", type: "float32", access: "rw", unit: "degC", bacnetUnits: "degrees-celsius", commandable: true,
      });
      assert.deepEqual(byObject("analog-input:3"), { object: "analog-input:3", name: "Supply Fan Power", type: "float32", access: "r", unit: "kW", bacnetUnits: "kilowatts" });
      assert.deepEqual(byObject("binary-output:1"), { object: "binary-output:1", name: "Supply Fan Command", type: "bool", access: "rw", commandable: true });
      assert.equal(byObject("multi-state-value:1")?.states, 3);
      // 480-octet device without segmentation: object-list read element by element; the other one segmented
      assert.equal(found.get(2002)!.objects, 1 + 6 + 300);
      assert.equal((found.get(2002)!.points as DiscoveredPoint[]).length, 6 + 300);
      assert.equal(found.get(2005)!.objects, 1 + 5 + 300);
      assert.ok(progress.length >= 3);
    } finally {
      await adapter.stop();
    }
  });

  it("reads many points of one device in few ReadPropertyMultiple requests sized to its max APDU", async () => {
    const { adapter } = await startAdapter();
    try {
      const refs = Array.from({ length: 100 }, (_, i) => ref("vav", dev(2005), `spare_${i}`, { object: `analog-value:${100 + i}` }));
      const before = served(2005);
      const values = await adapter.read(refs);
      assert.deepEqual(values.map((v) => v.value), Array.from({ length: 100 }, (_, i) => i));
      const after = served(2005);
      assert.equal(after.readProperty, before.readProperty);
      assert.equal(after.readPropertyMultiple - before.readPropertyMultiple, 2, "100 properties fit two 1476-octet answers");
    } finally {
      await adapter.stop();
    }
  });

  it("splits a request whose answer the device cannot send, and remembers the smaller size", async () => {
    const { adapter } = await startAdapter();
    try {
      // a configured address and no I-Am: the adapter assumes 1476 octets, the device takes 480 and cannot segment
      const refs = Array.from({ length: 60 }, (_, i) => ref("ch", dev(2002), `s${i}`, { object: `analog-value:${100 + i}` }));
      const values = await adapter.read(refs);
      assert.ok(values.every((v, i) => v.quality === "good" && v.value === i));
      const before = served(2002).readPropertyMultiple;
      await adapter.read(refs);
      const second = served(2002).readPropertyMultiple - before;
      assert.ok(second <= 4 && second >= 2, `second read took ${second} requests, without aborts`);
    } finally {
      await adapter.stop();
    }
  });

  it("falls back to one ReadProperty per point on a device that rejects ReadPropertyMultiple", async () => {
    const { adapter } = await startAdapter({ maxPropertiesPerRequest: 2 });
    try {
      // three batches of at most two: all of them fall back, not only the refused one
      const objects = ["analog-input:1", "analog-input:2", "analog-value:1", "analog-value:2", "analog-output:1"];
      const refs = objects.map((o) => ref("vav", dev(2003), o, { object: o }));
      const before = served(2003);
      assert.deepEqual((await adapter.read(refs)).map((v) => v.value), [23.4, 240, 23.5, 400, 60]);
      await adapter.read(refs);
      const after = served(2003);
      assert.equal(after.rejected - before.rejected, 1, "ReadPropertyMultiple is tried once");
      assert.equal(after.readProperty - before.readProperty, 10);
    } finally {
      await adapter.stop();
    }
  });

  it("batches per device across a mixed read; one bad point never fails the batch", async () => {
    const { adapter } = await startAdapter();
    try {
      const values = await adapter.read([
        ref("ahu", dev(2001), "sp", { object: "analog-value:1" }),
        ref("ahu", dev(2001), "nothing", { object: "analog-value:77" }),
        ref("ahu", dev(2001), "fan", { object: "binary-output:1" }, "bool"),
        ref("ahu", dev(2001), "mode", { object: "multi-state-value:1" }, "enum"),
        ref("ahu", dev(2001), "units", { object: "analog-value:1", property: "units" }, "enum"),
        ref("ahu", dev(2001), "typo", { object: "analog-valve:1" }),
        ref("ch", dev(2002), "chw_sp", { object: "analog-value:1" }),
        ref("ahu", dev(2001), "whole_array", { object: "analog-value:1", property: "priority-array" }),
      ]);
      const by = Object.fromEntries(values.map((v) => [v.point, v]));
      assert.equal(by.sp.value, 23);
      assert.equal(by.fan.value, true);
      assert.equal(by.mode.value, 1);
      assert.equal(by.units.value, 62);
      assert.equal(by.chw_sp.value, 6.5);
      assert.equal(by.nothing.error?.code, "NOT_FOUND");
      assert.match(by.nothing.error!.message, /analog-value:77 present-value: error object\/unknown-object/);
      assert.equal(by.typo.error?.code, "CONFIG");
      assert.match(by.typo.error!.message, /unknown object type "analog-valve"/);
      assert.equal(by.whole_array.error?.code, "PROTOCOL_REJECT");
      assert.match(by.whole_array.error!.message, /16 values; address one element with index/);
    } finally {
      await adapter.stop();
    }
  });

  it("writes at the point's priority and relinquishes only that slot, leaving an operator's higher priority", async () => {
    const { adapter } = await startAdapter({ defaultPriority: 12 });
    const lib = await libraryClient();
    const slot = async (i: number) => (await lib.client.readProperty({ address: addr(2001) }, { type: O.ANALOG_VALUE, instance: 2 }, P.PRIORITY_ARRAY,
      { arrayIndex: i })).values[0].value;
    try {
      const limit = ref("ahu", dev(2001), "fan_limit", { object: "analog-value:2" }, "float32", { priority: 9 });
      sim.device(2001).localWrite("analog-value:2", 90, 8);
      assert.equal((await adapter.write([{ ref: limit, value: 70 }]))[0].quality, "good");
      assert.deepEqual([await slot(8), await slot(9)], [90, 70]);
      assert.equal(sim.device(2001).point("analog-value:2").presentValue, 90, "priority 8 outranks our 9");
      const unprioritised = { ...limit, point: "fan_limit_default", priority: undefined };
      await adapter.write([{ ref: unprioritised, value: 60 }]);
      assert.equal(await slot(12), 60);
      const relinquished = await adapter.relinquish([limit, unprioritised]);
      assert.deepEqual(relinquished.map((v) => [v.quality, v.value]), [["good", null], ["good", null]]);
      assert.deepEqual([await slot(8), await slot(9), await slot(12)], [90, null, null]);
      sim.device(2001).localWrite("analog-value:2", null, 8);
      assert.equal(sim.device(2001).point("analog-value:2").presentValue, 100);
    } finally {
      lib.close();
      await adapter.stop();
    }
  });

  it("refuses writes that cannot be made: read-only points, wrong types, values the device refuses", async () => {
    const { adapter } = await startAdapter();
    try {
      const before = served(2001).writeProperty;
      const results = await adapter.write([
        { ref: ref("ahu", dev(2001), "zone", { object: "analog-input:1" }, "float32", { access: "r" }), value: 20 },
        { ref: ref("ahu", dev(2001), "sp", { object: "analog-value:1" }, "float32", { priority: 9 }), value: "warm" },
        { ref: ref("ahu", dev(2001), "fan", { object: "binary-output:1" }, "bool", { priority: 9 }), value: 3 },
        { ref: ref("ahu", dev(2001), "sp_high", { object: "analog-value:1" }, "float32", { priority: 9 }), value: 45 },
        { ref: ref("ahu", dev(2001), "zone_rw", { object: "analog-input:1" }), value: 20 },
      ]);
      assert.deepEqual(results.map((v) => v.error?.code), ["NOT_WRITABLE", "OUT_OF_RANGE", "OUT_OF_RANGE", "OUT_OF_RANGE", "NOT_WRITABLE"]);
      assert.match(results[3].error!.message, /value-out-of-range/);
      assert.equal(served(2001).writeProperty - before, 2, "only the values that could be encoded were sent");
      assert.equal(sim.device(2001).point("analog-value:1").presentValue, 23);
    } finally {
      await adapter.stop();
    }
  });

  it("follows points by COV, renews the subscription, and polls objects whose device refuses COV", async () => {
    const { adapter } = await startAdapter({ cov: { lifetimeSeconds: 1, pollIntervalMs: 150 } as never });
    const seen: PointValue[] = [];
    try {
      const unsubscribe = await adapter.subscribe([
        ref("ahu", dev(2001), "mode", { object: "multi-state-value:1" }, "enum"),
        ref("light", dev(2004), "level", { object: "analog-output:1" }),
      ], (vs) => seen.push(...vs));
      await waitFor(() => seen.some((v) => v.point === "mode") && seen.some((v) => v.point === "level"), "initial values");
      assert.deepEqual(adapter.healthDetail().cov, { cov: 1, polled: 1 });
      const subs = () => (sim.device(2001).info().covSubscriptions as { object: string; renewals: number }[]).filter((s) => s.object === "multi-state-value:1");
      await waitFor(() => subs()[0]?.renewals >= 2, "two renewals (the lifetime has run out twice over)");
      sim.device(2001).localWrite("multi-state-value:1", 3, 16);
      sim.device(2004).localWrite("analog-output:1", 40, 16);
      await waitFor(() => seen.some((v) => v.point === "mode" && v.value === 3), "a COV notification after renewals");
      await waitFor(() => seen.some((v) => v.point === "level" && v.value === 40), "the polled change");
      unsubscribe();
      await waitFor(() => subs().length === 0, "the subscription cancelled");
      sim.device(2001).localWrite("multi-state-value:1", 1, 16);
      sim.device(2004).localWrite("analog-output:1", null, 16);
    } finally {
      await adapter.stop();
    }
  });

  it("acknowledges confirmed COV notifications", async () => {
    const { adapter } = await startAdapter({ cov: { confirmed: true } as never });
    const seen: PointValue[] = [];
    const ahu = sim.device(2001);
    const before = { ...ahu.notifications };
    try {
      await adapter.subscribe([ref("ahu", dev(2001), "zone", { object: "analog-input:2" })], (vs) => seen.push(...vs));
      ahu.sense("analog-input:2", 15);
      await waitFor(() => seen.some((v) => v.value === 15), "the confirmed notification");
      await waitFor(() => ahu.notifications.acknowledged - before.acknowledged === 2, "both notifications acknowledged");
      assert.equal(ahu.notifications.confirmed - before.confirmed, 2);
      ahu.sense("analog-input:2", 14);
    } finally {
      await adapter.stop();
    }
  });

  it("times out on a silent device without holding up another, and reports it degraded", async () => {
    const silent = await rawPeer();
    const { adapter, ctx } = await startAdapter();
    try {
      const values = await adapter.read([
        ref("ghost", { deviceInstance: 2999, address: silent.address }, "a", { object: "analog-value:1" }),
        ref("ghost", { deviceInstance: 2999, address: silent.address }, "b", { object: "analog-value:2" }),
        ref("ahu", dev(2001), "sp", { object: "analog-value:1" }),
      ]);
      assert.deepEqual(values.map((v) => v.error?.code ?? v.value), ["TIMEOUT", "TIMEOUT", 23]);
      assert.match(values[0].error!.message, new RegExp(`device 2999 ReadPropertyMultiple \\(2 properties\\) at ${silent.address}: no answer`));
      assert.equal(silent.received.length, 1, "one request for the device, not one per point");
      assert.equal(ctx.health.at(-1)?.state, "degraded");
      assert.equal(ctx.counts.timeouts, 2);
    } finally {
      await adapter.stop();
      await silent.close();
    }
  });

  it("reports a device that disappears, and recovers reads and COV when it returns", async () => {
    const { adapter, ctx } = await startAdapter({ cov: { lifetimeSeconds: 300, pollIntervalMs: 60000 } as never });
    const ahu = sim.device(2001);
    const sp = ref("ahu", dev(2001), "occupancy", { object: "multi-state-value:1" }, "enum");
    const seen: PointValue[] = [];
    try {
      await adapter.subscribe([sp], (vs) => seen.push(...vs));
      await waitFor(() => seen.length > 0, "the initial notification");
      await ahu.stop();
      const gone = await adapter.read([sp]);
      assert.equal(gone[0].error?.code, "TIMEOUT");
      assert.equal(ctx.health.at(-1)?.state, "degraded");
      await ahu.start();
      const back = await adapter.read([sp]);
      assert.equal(back[0].value, 1);
      assert.equal(ctx.health.at(-1)?.state, "up");
      assert.equal(ctx.counts.reconnects, 1);
      await waitFor(() => (ahu.info().covSubscriptions as unknown[]).length === 1, "the subscription re-established");
      ahu.localWrite("multi-state-value:1", 2, 16);
      await waitFor(() => seen.some((v) => v.value === 2), "a notification from the returned device");
      ahu.localWrite("multi-state-value:1", null, 16);
    } finally {
      await adapter.stop();
      if (!ahu.running) await ahu.start();
    }
  });

  it("rejects malformed answers, drops stray frames, and keeps working", async () => {
    const rogue = await rawPeer();
    const { adapter } = await startAdapter();
    try {
      const local = adapter.healthDetail().local as string;
      rogue.socket.on("message", (frame) => {
        const invokeId = apduOf(frame)[2];
        // a Complex-ACK for the request that breaks off inside its first tag
        void rogue.send(Buffer.from([0x81, 0x0a, 0x00, 0x0a, 0x01, 0x00, 0x30, invokeId, 0x0e, 0x0c]), local);
      });
      const stray = await rawPeer();
      await stray.send("81 0a 00 07 01 00 20", local);
      await stray.send("81 0a 00 04", local);
      await stray.send("810a0008010040010001", local);
      await stray.send("81 0a 00 09 01 00 20 05 0f", local);
      const bad = await adapter.read([ref("rogue", { deviceInstance: 2998, address: rogue.address }, "x", { object: "analog-value:1" })]);
      assert.equal(bad[0].error?.code, "PROTOCOL_REJECT");
      assert.match(bad[0].error!.message, /malformed response/);
      await stray.close();
      const drops = adapter.healthDetail().droppedFrames as Record<string, number>;
      assert.ok(drops.malformed >= 2, JSON.stringify(drops));
      assert.ok(drops["unmatched-response"] >= 1, JSON.stringify(drops));
      const good = await adapter.read([ref("ahu", dev(2001), "sp", { object: "analog-value:1" })]);
      assert.equal(good[0].value, 23);
    } finally {
      await adapter.stop();
      await rogue.close();
    }
  });

  it("registers as a foreign device with the BBMD, renews it, and finds devices through it", async () => {
    const bbmd = sim.bbmd!.address;
    const { adapter, ctx } = await startAdapter({ foreignDevice: { bbmd, ttlSeconds: 2 } });
    try {
      const local = adapter.healthDetail().local as string;
      assert.equal((adapter.healthDetail().foreignDevice as { registered: boolean }).registered, true);
      assert.equal(ctx.health.at(-1)?.state, "up");
      await waitFor(() => (sim.bbmd!.table().find((e) => e.address === local)?.registrations ?? 0) >= 2, "a re-registration");
      // no address configured and no directed target: Who-Is goes through the BBMD
      const values = await adapter.read([ref("ahu", { deviceInstance: 2001 }, "sp", { object: "analog-value:1" })]);
      assert.equal(values[0].value, 23);
      const found: number[] = [];
      for await (const d of adapter.discover({ timeoutMs: 400 })) found.push(d.address.deviceInstance as number);
      assert.deepEqual(found.sort(), [2001, 2002, 2003, 2004, 2005]);
    } finally {
      await adapter.stop();
    }
  });

  it("reports a BBMD that refuses the registration, and a device no Who-Is reaches", async () => {
    const refusing = await startSimulator({ bbmd: { acceptForeignDevices: false }, devices: [{ instance: 2100 }] }, log);
    const { adapter, ctx } = await startAdapter({ foreignDevice: { bbmd: refusing.bbmd!.address, ttlSeconds: 60 } });
    try {
      assert.equal(ctx.health.at(-1)?.state, "degraded");
      assert.match(ctx.health.at(-1)!.error!, /not registered with BBMD .*refused/);
      const values = await adapter.read([ref("x", { deviceInstance: 2100 }, "v", { object: "analog-value:1" })]);
      assert.equal(values[0].error?.code, "UNREACHABLE");
      assert.match(values[0].error!.message, /did not answer Who-Is .*no Who-Is path configured/);
    } finally {
      await adapter.stop();
      await refusing.stop();
    }
  });
});
