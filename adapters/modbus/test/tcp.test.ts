/** The adapter against the simulator over real Modbus TCP on 127.0.0.1. */
import { strict as assert } from "node:assert";
import type { PointRef, PointValue } from "gridhub/hub";
import { startSimulator, type ModbusSimulator } from "../src/simulator/index.ts";
import { eventually, ref, startAdapter, type Harness } from "./helpers.ts";

const UNIT = 7;

/** Register contents written out by hand (not with the codec under test). */
const holding: Record<string, number[]> = {
  100: [0xff38], // int16 -200
  101: [0xea60], // uint16 60000
  102: [0xfffe, 0x1dc0], // int32 -123456, big words
  104: [0x5678, 0x1234], // uint32 0x12345678, little word order
  106: [0xc03f, 0x0000], // float32 1.5 (0x3fc00000), big words, little bytes
  108: [0x0000, 0x10c0], // float32 -2.25 (0xc0100000), little words, little bytes
  110: [0xffff, 0xffff, 0xffff, 0xfffb], // int64 -5
  114: [0x0001, 0x0000, 0x0100, 0x0000], // uint64 2^40 + 1, little word order
  118: [0x4009, 0x21fb, 0x5444, 0x2d18], // float64 pi
  122: [0x4142, 0x4300, 0x0000, 0x0000], // string "ABC" in 4 registers
  126: [0xa005], // bitfield: bits 0, 2, 13, 15
  127: [3], // enum code 3
  128: [0x12fe], // high byte 0x12, low byte -2 as int8
  129: [1234], // int16 raw, scale factor in 130
  130: [0xfffe], // sunssf -2
  140: Array(16).fill(0), // write area
  150: [0x1234],
  200: [11], 202: [22], // 201 is not implemented
};

const cases: [name: string, type: PointRef["type"], address: Record<string, unknown>, expected: unknown][] = [
  ["int16", "int16", { table: "holding", register: 100 }, -200],
  ["uint16", "uint16", { table: "holding", register: 101 }, 60000],
  ["int32 big words", "int32", { table: "holding", register: 102 }, -123456],
  ["uint32 little words", "uint32", { table: "holding", register: 104, wordOrder: "little" }, 0x12345678],
  ["float32 big words, little bytes", "float32", { table: "holding", register: 106, byteOrder: "little" }, 1.5],
  ["float32 little words, little bytes", "float32", { table: "holding", register: 108, wordOrder: "little", byteOrder: "little" }, -2.25],
  ["int64", "int64", { table: "holding", register: 110 }, -5],
  ["uint64 little words", "uint64", { table: "holding", register: 114, wordOrder: "little" }, 2 ** 40 + 1],
  ["float64", "float64", { table: "holding", register: 118 }, Math.PI],
  ["string", "string", { table: "holding", register: 122, count: 4 }, "ABC"],
  ["bitfield", "bitfield", { table: "holding", register: 126 }, 0xa005],
  ["bit 2 as bool", "bool", { table: "holding", register: 126, bit: 2 }, true],
  ["bit 1 as bool", "bool", { table: "holding", register: 126, bit: 1 }, false],
  ["enum (raw code)", "enum", { table: "holding", register: 127 }, 3],
  ["uint8 high byte", "uint8", { table: "holding", register: 128, byte: "high" }, 0x12],
  ["int8 low byte", "int8", { table: "holding", register: 128 }, -2],
  ["int16 with a scale-factor register", "float32", { table: "holding", register: 129, format: "int16", sf: { register: 130 } }, 12.34],
  ["input uint16", "uint16", { table: "input", register: 0 }, 42],
  ["input float32", "float32", { table: "input", register: 1 }, 10.5],
  ["coil", "bool", { table: "coil", register: 2 }, true],
  ["discrete input", "bool", { table: "discrete", register: 0 }, false],
];

describe("Modbus TCP (loopback)", function () {
  let sim: ModbusSimulator;
  let h: Harness;
  let dev: Record<string, unknown>;
  const point = (name: string, type: PointRef["type"], address: Record<string, unknown>, access: PointRef["access"] = "rw") =>
    ref("dev", dev, name, address, type, access);
  const sent = () => sim.requests.length;

  before(async () => {
    sim = await startSimulator({
      tcp: { port: 0 },
      devices: [
        {
          kind: "registers", unitId: UNIT, holding,
          input: { 0: [42], 1: [0x4128, 0x0000] },
          coils: { 0: [true, false, true, false, false, false, false, true] },
          discrete: { 0: [false, true, false, true] },
        },
        { kind: "registers", unitId: 8, holding: { 0: [8] } },
      ],
    });
    dev = { host: "127.0.0.1", port: sim.port, unitId: UNIT };
    h = await startAdapter({ timeoutMs: 300, retries: 2, retryDelayMs: 20, reconnect: { initialMs: 50, maxMs: 200 } });
  });

  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  it("decodes every data type and byte order, all in one batch", async () => {
    const refs = cases.map(([name, type, address]) => point(name.replace(/\W+/g, "_"), type, address));
    const values = await h.adapter.read(refs);
    cases.forEach(([name, , , expected], i) => {
      assert.equal(values[i].quality, "good", `${name}: ${values[i].error?.message}`);
      assert.equal(values[i].value, expected, name);
    });
  });

  it("writes put the right words on the wire and read back", async () => {
    const writes: [PointRef["type"], Record<string, unknown>, number | string | boolean, number[]][] = [
      ["int16", { register: 140 }, -2, [0xfffe]],
      ["uint32", { register: 141, wordOrder: "little" }, 0x0a0b0c0d, [0x0c0d, 0x0a0b]],
      ["float32", { register: 143, byteOrder: "little" }, 230.5, [0x6643, 0x0080]],
      ["int64", { register: 145 }, -2, [0xffff, 0xffff, 0xffff, 0xfffe]],
      ["string", { register: 149, count: 1 }, "Hi", [0x4869]],
      ["float32", { register: 151, format: "int16", sf: { register: 130 } }, 12.5, [1250]],
      ["uint8", { register: 150, byte: "high" }, 0xab, [0xab34]],
    ];
    const refs = writes.map(([type, a], i) => point(`w${i}`, type, { table: "holding", ...a }));
    holding[151] = [0];
    sim.unit(UNIT).define("holding", 151, [0]);
    const results = await h.adapter.write(refs.map((r, i) => ({ ref: r, value: writes[i][2] })));
    results.forEach((r, i) => assert.equal(r.quality, "good", `${refs[i].point}: ${r.error?.message}`));
    writes.forEach(([, a, , words]) => assert.deepEqual(sim.unit(UNIT).readWords("holding", a.register as number, words.length), words));
    const back = await h.adapter.read(refs);
    back.forEach((v, i) => assert.equal(v.value, writes[i][2], refs[i].point));
  });

  it("writes adjacent registers in one FC16 request, in the order given", async () => {
    const before = sent();
    const a = point("a", "uint16", { table: "holding", register: 140 });
    const b = point("b", "uint16", { table: "holding", register: 141 });
    const c = point("c", "uint16", { table: "holding", register: 155 });
    const res = await h.adapter.write([{ ref: a, value: 1 }, { ref: b, value: 2 }, { ref: c, value: 3 }]);
    assert.ok(res.every((r) => r.quality === "good"));
    assert.deepEqual(sim.requests.slice(before).map((r) => [r.op, r.start, r.count]), [["write", 140, 2], ["write", 155, 1]]);
  });

  it("sets a bit of a register by read-modify-write, leaving the other bits", async () => {
    sim.unit(UNIT).define("holding", 156, [0b1000_0001]);
    const bit = point("flag", "bool", { table: "holding", register: 156, bit: 3 });
    const [r] = await h.adapter.write([{ ref: bit, value: true }]);
    assert.equal(r.quality, "good", r.error?.message);
    assert.deepEqual(sim.unit(UNIT).readWords("holding", 156, 1), [0b1000_1001]);
  });

  it("writes coils (FC5) and refuses to write inputs", async () => {
    const coil = point("coil0", "bool", { table: "coil", register: 1 });
    const input = point("in0", "uint16", { table: "input", register: 0 });
    const [c, i] = await h.adapter.write([{ ref: coil, value: true }, { ref: input, value: 1 }]);
    assert.equal(c.quality, "good", c.error?.message);
    assert.deepEqual(sim.unit(UNIT).readBits("coil", 1, 1), [true]);
    assert.equal(i.quality, "bad");
    assert.equal(i.error?.code, "NOT_WRITABLE");
    assert.match(i.error!.message, /input register, which Modbus cannot write/);
  });

  it("refuses a value the register cannot hold, and writes nothing", async () => {
    sim.unit(UNIT).define("holding", 157, [7]);
    const p = point("small", "uint16", { table: "holding", register: 157 });
    const before = sent();
    const [r] = await h.adapter.write([{ ref: p, value: 70000 }]);
    assert.equal(r.quality, "bad");
    assert.equal(r.error?.code, "OUT_OF_RANGE");
    assert.match(r.error!.message, /70000 is outside the uint16 range/);
    assert.equal(sent(), before);
    assert.deepEqual(sim.unit(UNIT).readWords("holding", 157, 1), [7]);
  });

  it("planner: one read for a register block where one read per point needs one each", async () => {
    const block = cases.slice(0, 17).map(([name, type, address]) => point(name.replace(/\W+/g, "_"), type, address));
    let before = sent();
    await h.adapter.read(block);
    const planned = sent() - before;
    before = sent();
    for (const p of block) await h.adapter.read([p]);
    const single = sent() - before;
    // 17 points over holding 100..130 (with the scale factor) fit one 31-register read
    assert.equal(planned, 1);
    assert.equal(single, 17);
  });

  it("an illegal data address is a clear, per-point error", async () => {
    const good = point("good", "int16", { table: "holding", register: 100 });
    const missing = point("missing", "uint16", { table: "holding", register: 5000 });
    const [g, m] = await h.adapter.read([good, missing]);
    assert.equal(g.quality, "good");
    assert.equal(m.quality, "bad");
    assert.equal(m.error?.code, "NOT_FOUND");
    assert.match(m.error!.message, /Modbus exception 2 \(illegal data address\) reading holding 5000\+1 from unit 7/);
  });

  it("a read refused for bridging an unimplemented register is split, and later reads do not bridge", async () => {
    const a = point("a200", "uint16", { table: "holding", register: 200 });
    const b = point("b202", "uint16", { table: "holding", register: 202 });
    const first = await h.adapter.read([a, b]);
    assert.deepEqual(first.map((v) => v.value), [11, 22]);
    const before = sent();
    const again = await h.adapter.read([a, b]);
    assert.deepEqual(again.map((v) => v.value), [11, 22]);
    assert.deepEqual(sim.requests.slice(before).map((r) => [r.start, r.count]), [[200, 1], [202, 1]]);
    assert.equal((h.adapter.healthDetail!().devices as Record<string, { gapless?: boolean }>).dev.gapless, true);
  });

  it("'server device busy' is retried, and reported clearly when it persists", async () => {
    const p = point("busy", "int16", { table: "holding", register: 100 });
    sim.failNext(UNIT, 6, 2);
    const [ok] = await h.adapter.read([p]);
    assert.equal(ok.quality, "good", ok.error?.message);
    sim.failNext(UNIT, 6, 3);
    const [bad] = await h.adapter.read([p]);
    assert.equal(bad.quality, "bad");
    assert.equal(bad.error?.code, "PROTOCOL_REJECT");
    assert.equal(bad.error?.retryable, true);
    assert.match(bad.error!.message, /Modbus exception 6 \(server device busy\) .*\(3 attempts\)/);
  });

  it("a silent unit times out without holding up another unit on the same connection", async () => {
    sim.setSilent(8, true);
    try {
      const other = ref("other", { ...dev, unitId: 8 }, "r0", { table: "holding", register: 0 }, "uint16");
      const mine = point("mine", "int16", { table: "holding", register: 100 });
      const timeouts = h.counters.timeouts;
      const [o, m] = await h.adapter.read([other, mine]);
      assert.equal(m.quality, "good", m.error?.message);
      assert.equal(o.quality, "bad");
      assert.equal(o.error?.code, "TIMEOUT");
      assert.match(o.error!.message, /no answer reading holding 0\+1 from unit 8 at tcp:\/\/127\.0\.0\.1:\d+ \(3 attempts\)/);
      assert.equal(h.counters.timeouts - timeouts, 3);
    } finally {
      sim.setSilent(8, false);
    }
  });

  it("an absent unit behind a TCP gateway (exception 11) is UNREACHABLE", async () => {
    const ghost = ref("ghost", { ...dev, unitId: 99 }, "r0", { table: "holding", register: 0 }, "uint16");
    const [g] = await h.adapter.read([ghost]);
    assert.equal(g.error?.code, "UNREACHABLE");
    assert.match(g.error!.message, /exception 11 \(gateway target device failed to respond\)/);
  });

  it("a device that drops the connection and comes back is reconnected", async () => {
    const p = point("alive", "int16", { table: "holding", register: 100 });
    assert.equal((await h.adapter.read([p]))[0].quality, "good");
    await sim.pauseTcp();
    const [down] = await h.adapter.read([p]);
    assert.equal(down.quality, "bad");
    assert.equal(down.error?.code, "UNREACHABLE");
    assert.equal(h.health.state, "down");
    await sim.resumeTcp();
    const reconnects = h.counters.reconnects;
    const back: PointValue = await eventually(async () => {
      const [v] = await h.adapter.read([p]);
      return v.quality === "good" ? v : undefined;
    });
    assert.equal(back.value, -200);
    assert.equal(h.counters.reconnects, reconnects + 1);
    assert.equal(h.health.state, "up");
  });

  it("recovers when the peer closes the socket but keeps listening", async () => {
    const p = point("alive", "int16", { table: "holding", register: 100 });
    assert.equal((await h.adapter.read([p]))[0].quality, "good");
    sim.dropConnections();
    const back = await eventually(async () => {
      const [v] = await h.adapter.read([p]);
      return v.quality === "good" ? v : undefined;
    });
    assert.equal(back.value, -200);
  });

  it("a bad point address is a CONFIG error for that point only", async () => {
    const good = point("good", "int16", { table: "holding", register: 100 });
    const noCount = point("text", "string", { table: "holding", register: 122 });
    const wrong = point("wrong", "int16", { table: "holding", register: 100, count: 2 });
    const [g, n, w] = await h.adapter.read([good, noCount, wrong]);
    assert.equal(g.quality, "good");
    assert.equal(n.error?.code, "CONFIG");
    assert.match(n.error!.message, /a string point needs count/);
    assert.match(w.error!.message, /count 2 does not match int16, which takes 1 register/);
  });
});
