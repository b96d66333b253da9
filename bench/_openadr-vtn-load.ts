/**
 * The simulated VENs of the VTN benchmark, run in a worker thread so that the VENs' TLS and XML work does not share
 * the VTN's event loop. Each VEN has its own certificate and HTTPS agent (its TLS session is resumed between
 * phases); at most `concurrency` VENs are connected at once, and each closes its connection when its turn ends.
 * Commands from the main thread: register, poll (a bounded number of oadrPoll per VEN, latency of each), deliver
 * (poll until the named event arrives, at most `maxPolls` times; when each VEN got it).
 */
import { Agent, request } from "node:https";
import { createSecureContext } from "node:tls";
import { parentPort, workerData } from "node:worker_threads";
import { parse, serialize, type OadrMessage, type ServiceName } from "../adapters/openadr/src/codec/index.ts";
import { servicePath } from "../adapters/openadr/src/transport/server.ts";

export interface LoadSetup {
  vtnUrl: string;
  key: string;
  certs: string[];
  venIDs: string[];
  concurrency: number;
}

export type LoadCommand =
  | { phase: "register" }
  | { phase: "poll"; polls: number }
  | { phase: "deliver"; eventID: string; maxPolls: number };

export interface LoadResult {
  wallMs: number;
  /** per request, ms */
  latencies: number[];
  /** Date.now() at which each VEN had the event (deliver) */
  receivedAt: number[];
  errors: string[];
}

const setup = workerData as LoadSetup;
// One agent and TLS context per VEN, built at its first request (an Agent given cert/key would rebuild the
// context for every connection); the agent keeps the VEN's TLS session for the next phase. The simulated VENs do
// not verify the VTN's certificate: that work is the client's, and on a 2-core box it would take CPU from the
// VTN being measured. The VTN verifies every VEN as in production.
const agents: (Agent | undefined)[] = setup.certs.map(() => undefined);
const agentOf = (ven: number) => (agents[ven] ??= new Agent({
  secureContext: createSecureContext({ cert: setup.certs[ven], key: setup.key }), rejectUnauthorized: false,
  keepAlive: true, maxSockets: 1, maxCachedSessions: 1,
}));

function post(ven: number, service: ServiceName, body: string): Promise<{ ms: number; reply: OadrMessage }> {
  const started = performance.now();
  return new Promise((ok, fail) => {
    const req = request(`${setup.vtnUrl}${servicePath(service)}`, {
      method: "POST", agent: agentOf(ven), timeout: 30_000,
      headers: { "content-type": "application/xml", "content-length": Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const ms = performance.now() - started;
        if (res.statusCode !== 200) return fail(new Error(`HTTP ${res.statusCode}`));
        try {
          ok({ ms, reply: parse(Buffer.concat(chunks)) });
        } catch (e) {
          fail(e as Error);
        }
      });
      res.on("error", fail);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", fail);
    req.end(body);
  });
}

const code = (m: OadrMessage) => ("eiResponse" in m && m.eiResponse ? m.eiResponse.responseCode : 200);

/** Runs `turn` for every VEN, `concurrency` at a time; a VEN's connection closes after its turn. */
async function eachVen(turn: (ven: number) => Promise<void>, errors: string[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let ven = next++; ven < agents.length; ven = next++) {
      try {
        await turn(ven);
      } catch (e) {
        if (errors.length < 20) errors.push(`${setup.venIDs[ven]}: ${(e as Error).message}`);
      }
      agents[ven]?.destroy();
    }
  };
  await Promise.all(Array.from({ length: Math.min(setup.concurrency, agents.length) }, lane));
}

async function execute(cmd: LoadCommand): Promise<LoadResult> {
  const latencies: number[] = [];
  const receivedAt: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const poll = (ven: number) => serialize({ type: "oadrPoll", venID: setup.venIDs[ven] });
  if (cmd.phase === "register") {
    const body = serialize({
      type: "oadrCreatePartyRegistration", requestID: "bench", profileName: "2.0b", transportName: "simpleHttp",
      reportOnly: false, xmlSignature: false, httpPullModel: true,
    });
    await eachVen(async (ven) => {
      const { ms, reply } = await post(ven, "EiRegisterParty", body);
      if (reply.type !== "oadrCreatedPartyRegistration" || reply.venID !== setup.venIDs[ven]) throw new Error(`registration: ${reply.type} ${code(reply)}`);
      latencies.push(ms);
    }, errors);
  } else if (cmd.phase === "poll") {
    await eachVen(async (ven) => {
      const body = poll(ven);
      for (let i = 0; i < cmd.polls; i++) {
        const { ms, reply } = await post(ven, "OadrPoll", body);
        if (reply.type !== "oadrResponse" || code(reply) !== 200) throw new Error(`poll: ${reply.type} ${code(reply)}`);
        latencies.push(ms);
      }
    }, errors);
  } else {
    await eachVen(async (ven) => {
      const body = poll(ven);
      for (let i = 0; i < cmd.maxPolls; i++) {
        const { ms, reply } = await post(ven, "OadrPoll", body);
        latencies.push(ms);
        if (reply.type === "oadrDistributeEvent" && reply.events.some((e) => e.eventDescriptor.eventID === cmd.eventID)) {
          receivedAt.push(Date.now());
          return;
        }
      }
      throw new Error(`no ${cmd.eventID} after ${cmd.maxPolls} polls`);
    }, errors);
  }
  return { wallMs: performance.now() - started, latencies, receivedAt, errors };
}

parentPort!.on("message", (cmd: LoadCommand) => {
  execute(cmd).then((r) => parentPort!.postMessage(r), (e: Error) => parentPort!.postMessage({ wallMs: 0, latencies: [], receivedAt: [], errors: [e.message] }));
});
