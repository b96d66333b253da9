/** The adapter against the simulator over Modbus RTU on a pseudo-terminal pair (socat). */
import { strict as assert } from "node:assert";
import { startSimulator, type ModbusSimulator } from "../src/simulator/index.ts";
import { ptyPair, ref, startAdapter, type Harness, type PtyPair } from "./helpers.ts";

describe("Modbus RTU (pty pair)", function () {
  let pty: PtyPair;
  let sim: ModbusSimulator;
  let h: Harness;
  let line: Record<string, unknown>;

  before(async () => {
    pty = await ptyPair();
    sim = await startSimulator({
      rtu: { path: pty.a, baudRate: 38400 },
      devices: [
        { kind: "sunspec-inverter", unitId: 1, phases: 1 },
        { kind: "registers", unitId: 2, holding: { 0: [0xff38, 0x4366, 0x8000, 0x4142, 0x4300] }, coils: { 0: [true, false] } },
      ],
    });
    line = { path: pty.b, baudRate: 38400 };
    h = await startAdapter({ timeoutMs: 300, retries: 1, retryDelayMs: 10 });
  });

  after(async () => {
    await h?.stop();
    await sim?.stop();
    await pty?.close();
  });

  it("reads typed registers and coils from one unit in one request per table", async () => {
    const dev = { ...line, unitId: 2 };
    const before = sim.requests.length;
    const values = await h.adapter.read([
      ref("regs", dev, "i16", { table: "holding", register: 0 }, "int16"),
      ref("regs", dev, "f32", { table: "holding", register: 1 }, "float32"),
      ref("regs", dev, "txt", { table: "holding", register: 3, count: 2 }, "string"),
      ref("regs", dev, "c0", { table: "coil", register: 0 }, "bool"),
      ref("regs", dev, "c1", { table: "coil", register: 1 }, "bool"),
    ]);
    assert.deepEqual(values.map((v) => v.value), [-200, 230.5, "ABC", true, false]);
    assert.equal(sim.requests.length - before, 2);
  });

  it("discovers the SunSpec inverter on the line and applies its scale factors", async () => {
    const inv = { ...line, unitId: 1 };
    const [w, hz, lim] = await h.adapter.read([
      ref("inv", inv, "w", { model: [101, 102, 103], point: "W" }),
      ref("inv", inv, "hz", { model: [101, 103], point: "Hz" }),
      ref("inv", inv, "lim", { model: 123, point: "WMaxLimPct" }),
    ]);
    assert.deepEqual([w.value, hz.value, lim.value], [4000, 50, 100]);
    const [r] = await h.adapter.write([{ ref: ref("inv", inv, "lim", { model: 123, point: "WMaxLimPct" }), value: 62.5 }]);
    assert.equal(r.quality, "good", r.error?.message);
    const at = sim.sunspec(1).address(123, "WMaxLimPct");
    assert.deepEqual(sim.unit(1).readWords("holding", at, 1), [625]);
  });

  it("keeps one request outstanding on the line: concurrent reads of two units all succeed", async () => {
    const reads = Array.from({ length: 8 }, (_, i) => h.adapter.read([
      i % 2 ? ref("regs", { ...line, unitId: 2 }, "i16", { table: "holding", register: 0 }, "int16")
        : ref("inv", { ...line, unitId: 1 }, "w", { model: 101, point: "W" }),
    ]));
    const values = (await Promise.all(reads)).flat();
    values.forEach((v) => assert.equal(v.quality, "good", v.error?.message));
    assert.deepEqual(values.map((v) => v.value), [4000, -200, 4000, -200, 4000, -200, 4000, -200]);
  });

  it("a unit that never answers times out; the others on the line keep working", async () => {
    const [dead, alive] = await h.adapter.read([
      ref("dead", { ...line, unitId: 9 }, "x", { table: "holding", register: 0 }, "uint16"),
      ref("regs", { ...line, unitId: 2 }, "i16", { table: "holding", register: 0 }, "int16"),
    ]);
    assert.equal(alive.value, -200);
    assert.equal(dead.error?.code, "TIMEOUT");
    assert.match(dead.error!.message, /no answer reading holding 0\+1 from unit 9 at rtu:\/\/.*\(2 attempts\)/);
  });

  it("reports exception responses over RTU", async () => {
    const [m] = await h.adapter.read([ref("regs", { ...line, unitId: 2 }, "gone", { table: "input", register: 7 }, "uint16")]);
    assert.equal(m.error?.code, "NOT_FOUND");
    assert.match(m.error!.message, /Modbus exception 2 \(illegal data address\) reading input 7\+1 from unit 2/);
  });

  it("refuses two devices that disagree on the settings of one serial line", async () => {
    const [v] = await h.adapter.read([ref("other-baud", { ...line, baudRate: 9600, unitId: 2 }, "x", { table: "holding", register: 0 }, "uint16")]);
    assert.equal(v.error?.code, "CONFIG");
    assert.match(v.error!.message, /disagree on the serial settings/);
  });
});
