/**
 * OpenADR 2.0b codec throughput, with the candidate XML parsers measured in the same run on the same
 * payloads (docs/decisions.d/openadr.md). Figures are payloads per CPU-second; ratios are against saxes,
 * the parser the codec uses. Run alone: npx tsx bench/openadr-codec.ts
 */
import { DOMParser } from "@xmldom/xmldom";
import { XMLParser } from "fast-xml-parser";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { parse, serialize, type OadrMessage } from "../adapters/openadr/src/codec/index.ts";
import { parseXml } from "../src/xml/index.ts";
import { distributeEventLoad, updateReportLoad } from "../adapters/openadr/test/fixtures/messages.ts";

const ROUNDS = 5;
const ROUND_MS = 100;
const MAX_CALLS_PER_ROUND = 100_000;

/**
 * Calls per CPU-second of each function. The box is shared, so time is this process's CPU time
 * (process.cpuUsage), not wall time; rounds interleave the candidates so that what load remains hits
 * them alike, and the median round counts. The first round is a warm-up.
 */
function rates(fns: Record<string, () => unknown>): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      let n = 0;
      while (n < MAX_CALLS_PER_ROUND && performance.now() - wallStart < ROUND_MS) {
        fn();
        n++;
      }
      const cpu = process.cpuUsage(cpuStart);
      if (round > 0) (samples[name] ??= []).push(n / ((cpu.user + cpu.system) / 1e6));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [name, Math.round(s.sort((a, b) => a - b)[Math.floor(s.length / 2)]!)]),
  );
}

/** xml2js ships no type declarations (and @types/xml2js is not installed): typed here for what is used. */
interface Xml2js {
  Parser: new (options: object) => { parseString(xml: string, done: (err: Error | null, result: unknown) => void): void };
}
const xml2js = createRequire(import.meta.url)("xml2js") as Xml2js;

const fxp = new XMLParser({ ignoreAttributes: false, processEntities: false });

/** Each candidate turning the same text into its own tree (no OpenADR mapping). */
const PARSERS: Record<string, (xml: string) => unknown> = {
  saxes: (xml) => parseXml(xml),
  "@xmldom/xmldom": (xml) => new DOMParser().parseFromString(xml, "application/xml"),
  "fast-xml-parser (prefix-based)": (xml) => fxp.parse(xml),
  "xml2js (xmlns: true)": (xml) => {
    let result: unknown;
    new xml2js.Parser({ xmlns: true, async: false }).parseString(xml, (err, r) => {
      if (err) throw err;
      result = r;
    });
    return result;
  },
};

function measure(msg: OadrMessage) {
  const xml = serialize(msg);
  const r = rates({
    ...Object.fromEntries(Object.entries(PARSERS).map(([name, p]) => [name, () => p(xml)])),
    "codec parse": () => parse(xml),
    "codec serialize": () => serialize(msg),
    "codec parse+serialize": () => serialize(parse(xml)),
  });
  const saxes = r.saxes!;
  return {
    bytes: Buffer.byteLength(xml),
    codec: {
      parsePerSecond: r["codec parse"],
      serializePerSecond: r["codec serialize"],
      parseAndSerializePerSecond: r["codec parse+serialize"],
      /** Share of parse() spent building the tree with saxes (the rest is the typed OpenADR mapping). */
      treeShareOfParse: Number((r["codec parse"]! / saxes).toFixed(2)),
    },
    rawParse: Object.fromEntries(
      Object.keys(PARSERS).map((name) => [name, { perSecond: r[name], ratioToSaxes: Number((r[name]! / saxes).toFixed(2)) }]),
    ),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  return {
    node: process.version,
    /** Figures are per CPU-second of this process; a high load still costs some through caches and clocks. */
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    "oadrDistributeEvent 10 events x 24 intervals": measure(distributeEventLoad(10, 24)),
    "oadrUpdateReport 96 intervals x 4 points": measure(updateReportLoad(96, 4)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
