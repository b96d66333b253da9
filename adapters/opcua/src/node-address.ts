/** Text forms of OPC UA node addresses: NodeIds (ns=, nsu=, standard names) and browse paths. */
import { resolveNodeId, type NodeId } from "node-opcua";
import { AdapterError } from "gridhub/hub";

const NSU = /^nsu=([^;]+);(.+)$/;

/** Syntax check without a server: `nsu=` forms are checked with a placeholder namespace. */
export function isNodeIdText(text: string): boolean {
  const m = NSU.exec(text);
  try {
    resolveNodeId(m ? `ns=0;${m[2]}` : text);
    return true;
  } catch {
    return false;
  }
}

/** NodeId text -> NodeId; `nsu=<uri>;...` uses the server's namespace array, so tables need not hard-code indexes. */
export function parseNodeId(text: string, namespaces: readonly string[]): NodeId {
  const m = NSU.exec(text);
  if (!m) return resolveNodeId(text);
  const index = namespaces.indexOf(m[1]);
  if (index < 0) throw new AdapterError("NOT_FOUND", `namespace ${m[1]} is not in the server's namespace array`);
  return resolveNodeId(`ns=${index};${m[2]}`);
}

export interface PathSegment {
  namespace?: number;
  name: string;
}

/**
 * "/Objects/2:Plant/Valve&/3" -> [Objects, 2:Plant, "Valve/3"]. Segments are browse names separated by "/";
 * "<index>:" names the namespace and "&" escapes the next character, as in the RelativePath text of Part 4 A.2.
 */
export function parseBrowsePath(text: string): PathSegment[] {
  const raw: string[] = [];
  let current = "";
  let escaped = false;
  for (const ch of text) {
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (ch === "&") {
      escaped = true;
    } else if (ch === "/") {
      raw.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (escaped) throw new AdapterError("CONFIG", `browse path ${JSON.stringify(text)} ends with a lone '&'`);
  raw.push(current);
  if (raw[0] === "") raw.shift();
  if (!raw.length || raw.some((s) => s === "")) throw new AdapterError("CONFIG", `browse path ${JSON.stringify(text)} has an empty segment`);
  return raw.map((s) => {
    const m = /^(\d+):(.+)$/.exec(s);
    return m ? { namespace: Number(m[1]), name: m[2] } : { name: s };
  });
}
