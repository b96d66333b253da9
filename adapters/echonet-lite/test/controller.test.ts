import { strict as assert } from "node:assert";
import { AdapterError } from "gridhub/hub";
import { Controller } from "../src/controller.ts";
import { ESV } from "../src/protocol/constants.ts";
import { decodeFrame, encodeFrame, type Frame } from "../src/protocol/frame.ts";
import { startSimulator, type EchonetSimulator } from "../src/simulator/index.ts";
import { freePort, log, rawPeer, waitFor, type RawPeer } from "./helpers.ts";

let PORT = 0;
const MULTICAST = { group: "224.0.23.0", interface: "127.0.0.1", ttl: 1, loopback: true };
const POLICY = { timeoutMs: 300, retries: 1, maxProperties: 16 };
const e = (...bytes: number[]) => Buffer.from(bytes);
const empty = Buffer.alloc(0);

describe("ECHONET Lite controller over UDP (loopback, multicast 224.0.23.0)", () => {
  let sim: EchonetSimulator;
  let ctl: Controller;
  const notes: { frame: Frame; from: { address: string; port: number } }[] = [];
  let home = { address: "127.0.0.20", port: 0, eoj: 0x027d01 };

  before(async () => {
    PORT = await freePort();
    home = { ...home, port: PORT };
    sim = await startSimulator({
      port: PORT, tickMs: 100,
      fleet: { count: 5, firstAddress: "127.0.0.11", objects: [{ eoj: "0x027D01" }] },
      nodes: [{ address: "127.0.0.20", objects: [{ eoj: "0x027D01", params: { socPercent: 80 } }, { eoj: "0x027901" }, { eoj: "0x028801" }] }],
    }, log);
    ctl = new Controller({ bind: { address: "127.0.0.1", port: PORT }, multicast: MULTICAST, policy: POLICY, logger: log });
    ctl.onNotification((frame, from) => notes.push({ frame, from }));
    await ctl.start();
  });
  after(async () => {
    await ctl?.stop();
    await sim?.stop();
  });

  it("discovers every node by multicast and reads each object's property maps", async () => {
    const found = await ctl.discover({ timeoutMs: 400, targets: [], port: PORT });
    const ids = found.map((o) => `${o.address}/${o.eoj.toString(16)}`).sort();
    assert.deepEqual(ids, [
      "127.0.0.11/27d01", "127.0.0.12/27d01", "127.0.0.13/27d01", "127.0.0.14/27d01", "127.0.0.15/27d01",
      "127.0.0.20/27901", "127.0.0.20/27d01", "127.0.0.20/28801",
    ]);
    const battery = found.find((o) => o.address === "127.0.0.20" && o.eoj === 0x027d01)!;
    assert.ok(battery.maps!.get.has(0xe4) && battery.maps!.set.has(0xda) && battery.maps!.inf.has(0xda));
    assert.equal(battery.maps!.set.has(0xe4), false);
    assert.equal(battery.manufacturer, "FFFFFF");
  });

  it("discovers by unicast targets where multicast is off", async () => {
    const plain = new Controller({ bind: { address: "127.0.0.1", port: 0 }, policy: POLICY, logger: log });
    await plain.start();
    try {
      const found = await plain.discover({ timeoutMs: 300, targets: [{ address: "127.0.0.12", port: PORT }, { address: "127.0.0.20", port: PORT }], port: PORT });
      assert.deepEqual(found.map((o) => `${o.address}/${o.eoj.toString(16)}`).sort(), ["127.0.0.12/27d01", "127.0.0.20/27901", "127.0.0.20/27d01", "127.0.0.20/28801"]);
    } finally {
      await plain.stop();
    }
  });

  it("reads several properties in one Get", async () => {
    const before = (sim.info().requests as Record<string, number>).Get ?? 0;
    const got = await ctl.get(home, [0xe4, 0xda, 0xd3, 0xd0, 0x80]);
    assert.deepEqual(got.get(0xe4), e(80));
    assert.deepEqual(got.get(0xda), e(0x44));
    assert.deepEqual(got.get(0xd0), e(0x00, 0x00, 0x27, 0x10));
    assert.deepEqual(got.get(0x80), e(0x30));
    assert.equal((sim.info().requests as Record<string, number>).Get, before + 1);
  });

  it("gets Get_SNA with the readable values when one property is unknown", async () => {
    const res = await ctl.request(home, ESV.Get, [{ epc: 0xe4, edt: empty }, { epc: 0x99, edt: empty }]);
    assert.equal(res.esv, ESV.Get_SNA);
    const got = await ctl.get(home, [0xe4, 0x99]);
    assert.deepEqual(got.get(0xe4), e(80));
    assert.equal(got.get(0x99), null);
  });

  it("writes with SetC, is told which properties were refused (SetC_SNA), and the refused ones change nothing", async () => {
    const ok = await ctl.set(home, [{ epc: 0xec, edt: e(0, 0, 0x07, 0xd0) }, { epc: 0xda, edt: e(0x43) }]);
    assert.deepEqual([...ok], [[0xec, true], [0xda, true]]);
    const res = await ctl.request(home, ESV.SetC, [{ epc: 0xda, edt: e(0x45) }, { epc: 0xe4, edt: e(10) }, { epc: 0xeb, edt: e(0, 0, 0x03, 0xe8) }]);
    assert.equal(res.esv, ESV.SetC_SNA);
    // refused properties come back with the requested data, accepted ones with PDC 0
    assert.deepEqual(res.props.map((p) => [p.epc, p.edt.toString("hex")]), [[0xda, "45"], [0xe4, "0a"], [0xeb, ""]]);
    const now = await ctl.get(home, [0xda, 0xeb]);
    assert.deepEqual(now.get(0xda), e(0x43));
    assert.deepEqual(now.get(0xeb), e(0, 0, 0x03, 0xe8));
  });

  it("answers SetGet with both blocks", async () => {
    const res = await ctl.request(home, ESV.SetGet, [{ epc: 0xda, edt: e(0x44) }], [{ epc: 0xda, edt: empty }, { epc: 0xe4, edt: empty }]);
    assert.equal(res.esv, ESV.SetGet_Res);
    assert.deepEqual(res.props, [{ epc: 0xda, edt: empty }]);
    assert.deepEqual(res.getProps!.map((p) => p.epc), [0xda, 0xe4]);
    assert.deepEqual(res.getProps![0].edt, e(0x44));
  });

  it("hands announcements (INF) of changed properties to listeners", async () => {
    notes.length = 0;
    await ctl.set(home, [{ epc: 0xda, edt: e(0x42) }]);
    const inf = await waitFor(() => notes.find((n) => n.frame.seoj === 0x027d01 && n.from.address === "127.0.0.20" && n.frame.props.some((p) => p.epc === 0xda)), "INF of 0xDA");
    assert.equal(inf.frame.esv, ESV.INF);
    assert.deepEqual(inf.frame.props.find((p) => p.epc === 0xda)!.edt, e(0x42));
    await ctl.set(home, [{ epc: 0xda, edt: e(0x44) }]);
  });

  describe("with raw peers", () => {
    let peer: RawPeer;
    before(async () => {
      peer = await rawPeer("127.0.0.30", PORT);
    });
    after(() => peer?.close());
    beforeEach(() => {
      peer.received.length = 0;
    });

    it("acknowledges INFC with INFC_Res and passes it on", async () => {
      notes.length = 0;
      await peer.send(encodeFrame({ tid: 0x0777, seoj: 0x027d01, deoj: 0x05ff01, esv: ESV.INFC, props: [{ epc: 0xcf, edt: e(0x43) }] }), PORT);
      const ack = decodeFrame((await waitFor(() => peer.received[0], "INFC_Res")).buf);
      assert.deepEqual(ack, { tid: 0x0777, seoj: 0x05ff01, deoj: 0x027d01, esv: ESV.INFC_Res, props: [{ epc: 0xcf, edt: empty }] });
      await waitFor(() => notes.find((n) => n.frame.esv === ESV.INFC), "INFC notification");
    });

    it("retries a silent node with the same TID, then times out", async () => {
      const silent = { address: "127.0.0.30", port: PORT, eoj: 0x027d01 };
      await assert.rejects(ctl.get(silent, [0xe4]), (err: AdapterError) => err.code === "TIMEOUT" && err.retryable && /2 attempts/.test(err.message));
      assert.equal(peer.received.length, 2);
      const [a, b] = peer.received.map((r) => decodeFrame(r.buf));
      assert.equal(a.tid, b.tid);
    });

    it("ignores answers with another TID or from another object", async () => {
      const silent = { address: "127.0.0.30", port: PORT, eoj: 0x027d01 };
      const before = ctl.stats.unmatched;
      peer.socket.on("message", function answer(buf) {
        const req = decodeFrame(buf);
        peer.socket.off("message", answer);
        const wrong = [
          { tid: (req.tid + 1) & 0xffff, seoj: 0x027d01 },
          { tid: req.tid, seoj: 0x027d02 },
        ];
        for (const w of wrong) void peer.send(encodeFrame({ ...w, deoj: 0x05ff01, esv: ESV.Get_Res, props: [{ epc: 0xe4, edt: e(1) }] }), PORT);
      });
      await assert.rejects(ctl.get(silent, [0xe4]), /did not answer/);
      assert.equal(ctl.stats.unmatched, before + 2);
    });

    it("drops malformed frames (truncated, wrong EHD, PDC mismatch) and keeps working", async () => {
      const frames = [
        "1081 0001 027D01",
        "1082 0001 027D01 05FF01 72 01 E4 01 32",
        "1081 0001 027D01 05FF01 72 01 E4 02 32",
        "1081 0001 027D01 05FF01 72 01 E4 01 32 32",
      ];
      const ctlBefore = ctl.transportStats().malformed;
      const simBefore = (sim.info().frames as { malformed: number }).malformed;
      for (const f of frames) {
        await peer.send(f, PORT, "127.0.0.1");
        await peer.send(f, PORT, "127.0.0.20");
      }
      await waitFor(() => ctl.transportStats().malformed === ctlBefore + 4 && (sim.info().frames as { malformed: number }).malformed === simBefore + 4, "malformed counts");
      assert.deepEqual((await ctl.get(home, [0x80])).get(0x80), e(0x30));
      assert.equal(peer.received.length, 0, "nobody answers a malformed frame");
    });
  });

  it("speaks over IPv6 (::1) with a configurable peer port", async () => {
    const sim6 = await startSimulator({ port: 0, multicast: { enabled: false }, nodes: [{ address: "::1", objects: [{ eoj: "0x028801" }] }] }, log);
    const ctl6 = new Controller({ bind: { address: "::1", port: 0 }, policy: POLICY, logger: log });
    await ctl6.start();
    try {
      const { port } = sim6.nodes[0].endpoint;
      const got = await ctl6.get({ address: "::1", port, eoj: 0x028801 }, [0xe1, 0xd3]);
      assert.deepEqual(got.get(0xe1), e(0x01));
      assert.deepEqual(got.get(0xd3), e(0, 0, 0, 1));
    } finally {
      await ctl6.stop();
      await sim6.stop();
    }
  });
});
