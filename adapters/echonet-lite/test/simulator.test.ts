import { strict as assert } from "node:assert";
import { Controller } from "../src/controller.ts";
import { ESV } from "../src/protocol/constants.ts";
import { decodeFrame, encodeFrame, type Frame } from "../src/protocol/frame.ts";
import { startSimulator, type EchonetSimulator } from "../src/simulator/index.ts";
import { freePort, log, rawPeer, waitFor } from "./helpers.ts";

let PORT = 0;
const state = (sim: EchonetSimulator, key: string) => (sim.info().objects as Record<string, Record<string, number>>)[key];
const e = (...b: number[]) => Buffer.from(b);

describe("ECHONET Lite simulator physics", () => {
  let sim: EchonetSimulator;
  let ctl: Controller;
  const notes: Frame[] = [];
  const at = (host: string, eoj: number) => ({ address: host, port: PORT, eoj });

  before(async () => {
    PORT = await freePort();
    ctl = new Controller({ bind: { address: "127.0.0.1", port: 0 }, policy: { timeoutMs: 300, retries: 1, maxProperties: 16 }, logger: log });
    ctl.onNotification((f) => notes.push(f));
    await ctl.start();
    sim = await startSimulator({
      port: PORT, tickMs: 50, multicast: { enabled: false }, notify: [{ host: "127.0.0.1", port: ctl.address().port }],
      // noon local time, 1 real second = 100 simulated seconds
      clock: { start: "2026-06-21T03:00:00Z", speed: 100, utcOffsetHours: 9 },
      site: { baseLoadW: 400 },
      nodes: [
        { address: "127.0.0.60", objects: [{ eoj: "0x027D01", params: { capacityWh: 1000, socPercent: 20, minSocPercent: 10, maxDischargeW: 3000 } }] },
        { address: "127.0.0.61", objects: [{ eoj: "0x027901", params: { ratedW: 4000 } }, { eoj: "0x028801" }, { eoj: "0x026B01" }] },
      ],
    }, log);
  });
  after(async () => {
    await ctl?.stop();
    await sim?.stop();
  });

  it("discharges the battery down to its floor, then stands by", async () => {
    await ctl.set(at("127.0.0.60", 0x027d01), [{ epc: 0xda, edt: e(0x43) }]);
    const b = await waitFor(() => {
      const s = state(sim, `127.0.0.60:${PORT}/0x027D01`);
      return s.remainingPercent === 10 && s.instantaneousPowerW === 0 && s;
    }, "battery at its 10 % floor", 5000);
    assert.equal(b.workingStatus, 0x44, "working status falls back to standby");
    assert.equal(b.operationMode, 0x43, "the mode set stays as set");
    assert.ok(b.cumulativeDischargeWh >= 99 && b.cumulativeDischargeWh <= 101, `discharged ${b.cumulativeDischargeWh} Wh`);
  });

  it("generates PV at noon and obeys the output restriction", async () => {
    const pv = `127.0.0.61:${PORT}/0x027901`;
    assert.ok(state(sim, pv).generationW > 3900, `noon output ${state(sim, pv).generationW} W`);
    await ctl.set(at("127.0.0.61", 0x027901), [{ epc: 0xa0, edt: e(50) }]);
    const s = await waitFor(() => state(sim, pv).generationW === 2000 && state(sim, pv), "PV capped at 50 %");
    assert.equal(s.restraintStatus, 0x41, "restrained by output control");
  });

  it("meters the site's net power: base load plus water heater minus PV", async () => {
    await ctl.set(at("127.0.0.61", 0x026b01), [{ epc: 0xb0, edt: e(0x42) }]);
    const meter = await waitFor(() => {
      const m = state(sim, `127.0.0.61:${PORT}/0x028801`);
      return m.instantaneousPowerW === 400 + 1500 - 2000 && m;
    }, "meter reading -100 W");
    assert.equal(meter.instantaneousPowerW, -100);
    assert.equal(state(sim, `127.0.0.61:${PORT}/0x026B01`).heatingStatus, 0x41);
    await ctl.set(at("127.0.0.61", 0x026b01), [{ epc: 0xb0, edt: e(0x43) }]);
    await waitFor(() => state(sim, `127.0.0.61:${PORT}/0x026B01`).instantaneousPowerW === 0, "heater stopped");
  });

  it("announces its boot and changes by unicast to configured controllers when multicast is off", () => {
    const boot = notes.filter((f) => f.seoj === 0x0ef001 && f.props[0].epc === 0xd5);
    assert.equal(boot.length, 2, "one instance list notification per node");
    assert.ok(notes.some((f) => f.seoj === 0x027d01 && f.props.some((p) => p.epc === 0xcf && p.edt[0] === 0x43)), "working status went discharging");
  });

  it("answers to a configured reply port instead of the source port", async () => {
    const asker = await rawPeer("127.0.0.1", 0);
    const listener = await rawPeer("127.0.0.1", 0);
    const other = await startSimulator({ port: 0, replyPort: listener.socket.address().port, nodes: [{ address: "127.0.0.63", objects: [{ eoj: "0x029001" }] }] }, log);
    try {
      const get = encodeFrame({ tid: 9, seoj: 0x05ff01, deoj: 0x029001, esv: ESV.Get, props: [{ epc: 0xb0, edt: Buffer.alloc(0) }] });
      await asker.send(get, other.nodes[0].endpoint.port, "127.0.0.63");
      const res = decodeFrame((await waitFor(() => listener.received[0], "answer on the reply port")).buf);
      assert.deepEqual([res.tid, res.esv, res.props[0].edt[0]], [9, ESV.Get_Res, 100]);
      assert.equal(asker.received.length, 0);
    } finally {
      await other.stop();
      await asker.close();
      await listener.close();
    }
  });

  it("refuses configurations it cannot run, saying why", async () => {
    await assert.rejects(startSimulator({ nodes: [{ address: "127.0.0.62", objects: [{ eoj: "0x03C501" }] }] }, log), /no class 0x03C501/);
    await assert.rejects(startSimulator({ nodes: [{ address: "127.0.0.62", objects: [{ eoj: "battery" }] }] }, log), /nodes\.0\.objects\.0\.eoj: not an EOJ/);
    await assert.rejects(startSimulator({ fleet: { count: 3, firstAddress: "10.0.0.1", objects: [{ eoj: "0x027D01" }] } }, log), /consecutive loopback/);
    await assert.rejects(startSimulator({ port: PORT }, log), /give `nodes` or a `fleet`/);
  });
});
