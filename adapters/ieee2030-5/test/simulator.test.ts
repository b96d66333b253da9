/** The stand-alone utility simulator: preloaded programs and events, open enrolment, our client as its EndDevice. */
import assert from "node:assert/strict";
import { pino } from "pino";
import type { NeutralMessage } from "gridhub/model";
import { Hub } from "../../../src/hub/hub.ts";
import { until } from "../../../test/helpers.ts";
import { startSimulator, type SepSimulator } from "../src/simulator/index.ts";
import { clientHubConfig, makePki, repoRoot, tlsOf, type Pki } from "./helpers.ts";

describe("ieee2030-5 utility simulator", function () {
  this.timeout(20_000);
  let pki: Pki;
  let sim: SepSimulator | undefined;

  before(() => void (pki = makePki()));
  after(async () => {
    await sim?.stop();
    pki?.cleanup();
  });

  it("refuses a bad config with the field that is wrong", async () => {
    await assert.rejects(startSimulator({ tls: tlsOf(pki, "vtn"), programs: [{ controls: [{ duration: 0, base: {} }] }] }),
      /programs\.0\.controls\.0\.duration/);
  });

  it("serves its preloaded events to a client that enrols itself", async () => {
    sim = await startSimulator({
      tls: tlsOf(pki, "vtn"),
      programs: [{ description: "export limit", primacy: 1, controls: [{ in: "1h", duration: 600, base: { opModMaxLimW: 4000 } }] }],
    });
    const dcap = String(sim.info().dcap);
    const site = await Hub.start(clientHubConfig(pki, dcap), { baseDir: repoRoot, logger: pino({ level: "silent" }) });
    try {
      const seen: NeutralMessage[] = [];
      site.bus.subscribe({ types: ["LoadGenerationManagement"] }, (m) => void seen.push(m as NeutralMessage));
      await until(() => seen.length === 1, 8000, "the preloaded control on the client's bus");
      const m = seen[0];
      assert.ok(m.type === "LoadGenerationManagement");
      assert.equal(m.body.slots[0].relative, 40);
      assert.ok(Date.parse(m.validity!.start) > Date.now() + 3_000_000, "an hour from the simulator's start");
      assert.equal(sim.info().devices, 1, "the client enrolled itself");
    } finally {
      await site.stop();
    }
  });
});
