/** mbpoll (libmodbus) as an independent Modbus master against the simulator, over TCP and RTU. */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startSimulator, type ModbusSimulator } from "../src/simulator/index.ts";
import { ptyPair, type PtyPair } from "./helpers.ts";

const run = promisify(execFile);

/** Register values from mbpoll's "[address]: value" lines. */
async function mbpoll(args: string[]): Promise<number[]> {
  const { stdout } = await run("mbpoll", ["-0", "-1", "-o", "2", ...args], { timeout: 10_000 });
  return [...stdout.matchAll(/^\[\d+\]:\s+(-?\w+)/gm)].map((m) => Number(m[1]));
}

describe("simulator against mbpoll", function () {
  let sim: ModbusSimulator;
  let pty: PtyPair;

  before(async () => {
    pty = await ptyPair();
    sim = await startSimulator({
      tcp: { port: 0 },
      rtu: { path: pty.a, baudRate: 19200 },
      devices: [{ kind: "sunspec-inverter", unitId: 1 }, { kind: "sunspec-meter", unitId: 2, w: 800 }],
    });
  });

  after(async () => {
    await sim?.stop();
    await pty?.close();
  });

  it("serves the SunSpec marker and the common model over TCP", async () => {
    const words = await mbpoll(["-m", "tcp", "-p", String(sim.port), "-a", "1", "-r", "40000", "-c", "4", "-t", "4:hex", "127.0.0.1"]);
    assert.deepEqual(words, [0x5375, 0x6e53, 1, 66]);
  });

  it("takes a power limit written by another master, and limits the output", async () => {
    const img = sim.sunspec(1);
    const at = img.address(123, "WMaxLimPct");
    await run("mbpoll", ["-0", "-1", "-m", "tcp", "-p", String(sim.port), "-a", "1", "-r", String(at), "127.0.0.1", "--", "600"], { timeout: 10_000 });
    await run("mbpoll", ["-0", "-1", "-m", "tcp", "-p", String(sim.port), "-a", "1", "-r", String(img.address(123, "WMaxLim_Ena")), "127.0.0.1", "--", "1"], { timeout: 10_000 });
    assert.equal(img.get(123, "WMaxLimPct"), 60);
    const [w] = await mbpoll(["-m", "tcp", "-p", String(sim.port), "-a", "1", "-r", String(img.address(103, "W")), "127.0.0.1"]);
    assert.equal(w, 3000);
  });

  it("answers over RTU on the serial line", async () => {
    const at = sim.sunspec(2).address(203, "W");
    const [w] = await mbpoll(["-m", "rtu", "-b", "19200", "-P", "none", "-a", "2", "-r", String(at), pty.b]);
    assert.equal(w, 800);
  });
});
