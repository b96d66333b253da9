/**
 * IEEE 2030.5 figures, over real mutual TLS on 127.0.0.1 (client, server and load generator share this process
 * and the box's cores, so these are lower bounds):
 *  - DERControl events processed per second end to end: N controls on the server, a client hub that walks the
 *    server, applies the event rules, publishes N neutral messages and gets N Responses accepted by the server;
 *    baseline: the codec alone parsing the same DERControlList pages (ratio = end to end / codec).
 *  - server requests per second for a DERControlList GET (20 controls) from 100 concurrent clients (keep-alive
 *    connections); baseline: GET /tm from the same 100 (ratio = DERControlList / Time).
 * Run alone: npx tsx bench/ieee2030-5.ts
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { Hub } from "../src/hub/hub.ts";
import { identityOf } from "../src/security/index.ts";
import { parse, serialize } from "../adapters/ieee2030-5/src/codec/index.ts";
import type { SepClientAdapter, SepServerAdapter } from "../adapters/ieee2030-5/src/index.ts";
import { clientHubConfig, makePki, repoRoot, serverHubConfig, type Pki } from "../adapters/ieee2030-5/test/helpers.ts";

const EVENTS = 200;
const CLIENTS = 100;
const LOAD_MS = 3000;
const quiet = pino({ level: "silent" });

async function until(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function eventsEndToEnd(pki: Pki, srv: SepServerAdapter, program: string) {
  const t0 = Math.floor(Date.now() / 1000) + 3600;
  const mrids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const c = await srv.operator.addDerControl(program, { start: t0 + i * 60, duration: 60, responseRequired: "01", base: { opModMaxLimW: 1000 + i } }, "bench");
    mrids.push(c.mRID);
  }
  const site = await Hub.start(clientHubConfig(pki, `${srv.url()}/dcap`, { pollRate: "10m", metering: { enabled: false } }), { baseDir: repoRoot, logger: quiet });
  try {
    const cli = site.adapters.get("grid")!.adapter as unknown as SepClientAdapter;
    let published = 0;
    site.bus.subscribe({ types: ["LoadGenerationManagement"] }, () => void published++);
    const start = performance.now();
    await cli.syncNow().catch(() => cli.syncNow());
    await until(() => published >= EVENTS, 60_000, "published");
    const want = new Set(mrids);
    await until(() => srv.operator.responses(undefined, 100_000).filter((r) => want.has(r.subject)).length >= EVENTS, 60_000, "responses");
    const seconds = (performance.now() - start) / 1000;

    // baseline: the same list, pages of 50, through the codec alone
    const pages = Array.from({ length: EVENTS / 50 }, (_, p) => serialize("DERControlList", {
      href: "/derp/1/derc", subscribable: 1, all: EVENTS, results: 50,
      DERControl: srv.operator.listControls("der", program).slice(p * 50, p * 50 + 50) as never,
    }));
    const c0 = performance.now();
    let parsed = 0;
    for (let round = 0; round < 20; round++) for (const page of pages) parsed += (parse(page).value as { DERControl: unknown[] }).DERControl.length;
    const codecRate = parsed / ((performance.now() - c0) / 1000);
    const rate = EVENTS / seconds;
    return { events: EVENTS, eventsPerSecond: Math.round(rate), codecParseEventsPerSecond: Math.round(codecRate), ratioToCodec: rate / codecRate };
  } finally {
    await site.stop();
  }
}

/** 100 keep-alive clients, connected and warmed once: the phases measure requests, not handshakes. */
function clients(pki: Pki) {
  const cert = readFileSync(pki.file("ven1.pem"));
  const key = readFileSync(pki.file("ven1.key"));
  const ca = readFileSync(pki.file("trust.pem"));
  const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1, cert, key, ca, servername: "localhost" }));
  const one = (agent: Agent, url: string) => new Promise<boolean>((ok) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode === 200));
    });
    req.on("error", () => ok(false));
    req.end();
  });
  return {
    /** requests per second over LOAD_MS, every client looping */
    async load(url: string): Promise<number> {
      let done = 0;
      let failed = 0;
      const end = Date.now() + LOAD_MS;
      await Promise.all(agents.map(async (a) => {
        while (Date.now() < end) if (await one(a, url)) done++; else failed++;
      }));
      if (failed) throw new Error(`${failed} requests failed`);
      return done / (LOAD_MS / 1000);
    },
    async warm(url: string) {
      await Promise.all(agents.map((a) => one(a, url)));
    },
    close: () => agents.forEach((a) => a.destroy()),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const pki = makePki();
  const ven1 = identityOf(readFileSync(pki.file("ven1.pem")));
  const utility = await Hub.start(serverHubConfig(pki, { devices: [{ lfdi: ven1.lfdi }], maxListLimit: 255 }), { baseDir: repoRoot, logger: quiet });
  try {
    const srv = utility.adapters.get("utility")!.adapter as unknown as SepServerAdapter;
    const program = (await srv.operator.addDerProgram({ primacy: 1 }, "bench")).id;
    await srv.operator.putFsa({ derPrograms: [program], drPrograms: [], tariffs: [] }, "bench");
    const endToEnd = await eventsEndToEnd(pki, srv, program);
    const listUrl = `${srv.url()}/derp/${program}/derc?l=20`;
    const c = clients(pki);
    let list: number, time: number;
    try {
      await c.warm(listUrl);
      list = await c.load(listUrl);
      time = await c.load(`${srv.url()}/tm`);
    } finally {
      c.close();
    }
    return {
      derControlEvents: endToEnd,
      serverGet: {
        clients: CLIENTS, derControlListItems: 20, derControlListPerSecond: Math.round(list), timePerSecond: Math.round(time), ratioToTime: list / time,
      },
    };
  } finally {
    await utility.stop();
    pki.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log(JSON.stringify(await run(), null, 2));
