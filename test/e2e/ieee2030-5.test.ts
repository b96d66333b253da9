/**
 * End to end over real sockets on 127.0.0.1: a utility hub runs the 2030.5 server; a site hub runs the 2030.5 client
 * (mutual TLS, subscribed for notifications), the Modbus adapter and the SunSpec inverter simulator. An operator's
 * DERControl opModMaxLimW 50 % reaches the inverter as WMaxLimPct = 50 + WMaxLim_Ena = 1 through the site's mapping
 * tables, and is restored at its end; the client posts received, started and completed Responses to the server.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { pino } from "pino";
import type { ModbusSimulator } from "@gridhub/modbus/simulator";
import type { SepClientAdapter, SepServerAdapter } from "@gridhub/ieee2030-5";
import { Hub } from "../../src/hub/hub.ts";
import { identityOf } from "../../src/security/index.ts";
import { until } from "../helpers.ts";
import { makePki, repoRoot, serverHubConfig, tlsOf, type Pki } from "../../adapters/ieee2030-5/test/helpers.ts";

const quiet = pino({ level: "silent" });

/** A TCP port free right now on 127.0.0.1 (the simulator's address must be in the site config before it starts). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

describe("e2e: IEEE 2030.5 DERControl -> SunSpec inverter over Modbus TCP, Responses back to the server", function () {
  this.timeout(30_000);
  let pki: Pki;
  let utility: Hub;
  let site: Hub;
  let srv: SepServerAdapter;
  const sim = () => site.simulators.get("modbus-sim") as unknown as ModbusSimulator;
  const inverter = () => sim().sunspec(1);

  before(async () => {
    pki = makePki();
    const ven1 = identityOf(readFileSync(pki.file("ven1.pem")));
    utility = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi, pin: 111115 }] }), { baseDir: repoRoot, logger: quiet });
    srv = utility.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    const program = (await srv.operator.addDerProgram({ primacy: 1, description: "CSIP export limits" }, "e2e")).id;
    await srv.operator.putFsa({ derPrograms: [program], drPrograms: [], tariffs: [] }, "e2e");

    const port = await freePort();
    site = await Hub.start({
      site: { id: "e2e-2030-5" },
      log: { level: "silent" },
      store: { path: ":memory:" },
      api: { enabled: false },
      mappings: ["mappings/modbus", "mappings/ieee2030-5"],
      simulators: {
        "modbus-sim": { package: "@gridhub/modbus", config: { tcp: { host: "127.0.0.1", port }, devices: [{ kind: "sunspec-inverter", unitId: 1, ratedW: 5000, availableW: 4000 }] } },
      },
      adapters: {
        mb: { package: "@gridhub/modbus", config: { timeoutMs: 500, retries: 1 } },
        grid: {
          package: "@gridhub/ieee2030-5",
          config: {
            role: "client", server: `${srv.url()}/dcap`, tls: tlsOf(pki, "ven1"), pin: 111115, notifications: {}, pollRate: "10m",
            targets: [{ kind: "group", id: "pv" }], building: "e2e-2030-5",
          },
        },
      },
      devices: [{ id: "pv-1", adapter: "mb", table: "inverter/sunspec-modbus", address: { host: "127.0.0.1", port, unitId: 1 }, groups: ["pv"] }],
    }, { baseDir: repoRoot, logger: quiet });
    await until(() => site.health().grid.state === "up" && srv.operator.subscriptions().length > 0, 8000, "client registered and subscribed");
  });
  after(async () => {
    await site?.stop();
    await utility?.stop();
    pki?.cleanup();
  });

  it("limits the inverter to 50 % for the control's interval and answers received, started, completed", async () => {
    assert.equal(inverter().get(123, "WMaxLim_Ena"), 0);
    assert.equal(inverter().get(103, "W"), 4000);
    const program = srv.operator.listDerPrograms()[0].id;
    const ctl = await srv.operator.addDerControl(program, { duration: 3, responseRequired: "03", base: { opModMaxLimW: 5000 } }, "e2e");

    await until(() => inverter().get(123, "WMaxLim_Ena") === 1, 8000, "WMaxLim_Ena enabled (the control came by notification)");
    assert.equal(inverter().get(123, "WMaxLimPct"), 50);
    assert.deepEqual(sim().unit(1).readWords("holding", inverter().address(123, "WMaxLimPct"), 1), [500], "50 % at WMaxLimPct_SF = -1");
    assert.equal(inverter().get(103, "W"), 2500, "the inverter throttles to 50 % of WMax");
    const statuses = () => srv.operator.responses(ctl.mRID).map((r) => r.status);
    await until(() => statuses().length >= 2, 5000, "received and started at the server");
    assert.deepEqual(statuses(), [1, 2]);
    assert.equal(srv.operator.responses(ctl.mRID)[0].type, "DERControlResponse");

    await until(() => inverter().get(123, "WMaxLim_Ena") === 0 && inverter().get(123, "WMaxLimPct") === 100, 8000, "limit disabled and restored");
    assert.equal(inverter().get(103, "W"), 4000);
    await until(() => statuses().length === 3, 5000, "completed at the server");
    assert.deepEqual(statuses(), [1, 2, 3]);
    const client = site.adapters.get("grid")!.adapter as unknown as SepClientAdapter;
    assert.equal(client.events().find((e) => e.mRID === ctl.mRID)?.state, "completed");
    assert.equal(site.actuator.active().length, 0);
  });
});
