/**
 * Point address -> node, once per session: browse paths go through one TranslateBrowsePathsToNodeIds call per
 * batch, then one Read of DataType and Value tells each node's built-in type (for writes) and proves the node
 * exists. Results are cached until the session is re-established; failures are not cached.
 */
import { AttributeIds, BrowsePath, DataType, resolveNodeId, type NodeId } from "node-opcua";
import { AdapterError, type PointRef } from "gridhub/hub";
import { PointAddress, type DeviceAddress } from "./config.ts";
import { builtinTypeOf } from "./builtin-type.ts";
import { chunks } from "./limits.ts";
import { parseBrowsePath, parseNodeId } from "./node-address.ts";
import type { SessionInfo } from "./device-connection.ts";
import { failureError, statusError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

export interface ResolvedNode {
  nodeId: NodeId;
  /** built-in type writes use; undefined when neither the DataType nor the current value tells */
  dataType?: DataType;
}

const ROOT = resolveNodeId("RootFolder");
const HIERARCHICAL = resolveNodeId("HierarchicalReferences");
/** RootFolder's standard children live in namespace 0 even when the device's default namespace is another */
const STANDARD_FOLDERS = new Set(["Objects", "Types", "Views"]);

function addressKey(address: Record<string, unknown>): string {
  return JSON.stringify([address.node, address.browse]);
}

export class NodeResolver {
  private cache = new Map<string, ResolvedNode>();
  private builtins = new Map<string, DataType | undefined>();
  private generation = -1;

  constructor(private readonly device: string, private readonly address: DeviceAddress) {}

  get size(): number {
    return this.cache.size;
  }

  async resolve(info: SessionInfo, refs: PointRef[], timeoutMs: number): Promise<(ResolvedNode | AdapterError)[]> {
    if (info.generation !== this.generation) {
      this.cache.clear();
      this.builtins.clear();
      this.generation = info.generation;
    }
    const failed = new Map<string, AdapterError>();
    const pending = new Map<string, { subject: string; address: PointAddress }>();
    for (const ref of refs) {
      const key = addressKey(ref.address);
      if (this.cache.has(key) || pending.has(key) || failed.has(key)) continue;
      const parsed = PointAddress.safeParse(ref.address);
      if (parsed.success) pending.set(key, { subject: `${this.device}/${ref.point}`, address: parsed.data });
      else failed.set(key, new AdapterError("CONFIG", `${this.device}/${ref.point}: bad address: ${parsed.error.issues.map((i) => i.message).join("; ")}`));
    }
    if (pending.size) {
      try {
        await withTimeout(this.lookUp(info, pending, failed), timeoutMs, `${this.device}: resolve nodes`);
      } catch (e) {
        const error = failureError(this.device, e);
        for (const key of pending.keys()) if (!this.cache.has(key)) failed.set(key, error);
      }
    }
    return refs.map((ref) => {
      const key = addressKey(ref.address);
      return this.cache.get(key) ?? failed.get(key) ?? new AdapterError("NOT_FOUND", `${this.device}/${ref.point}: not resolved`);
    });
  }

  private async lookUp(info: SessionInfo, pending: Map<string, { subject: string; address: PointAddress }>, failed: Map<string, AdapterError>) {
    const nodes = new Map<string, NodeId>();
    const paths: { key: string; subject: string; path: BrowsePath }[] = [];
    for (const [key, { subject, address }] of pending) {
      try {
        if (address.node !== undefined) nodes.set(key, parseNodeId(address.node, info.namespaces));
        else paths.push({ key, subject, path: this.browsePath(address.browse!, info.namespaces) });
      } catch (e) {
        failed.set(key, e instanceof AdapterError ? new AdapterError(e.code, `${subject}: ${e.message}`) : failureError(subject, e));
      }
    }
    for (const batch of chunks(paths, info.limits.translate)) {
      const results = await info.session.translateBrowsePath(batch.map((p) => p.path));
      results.forEach((r, i) => {
        const { key, subject } = batch[i];
        const targets = r.targets ?? [];
        if (r.statusCode.isNotGood()) failed.set(key, statusError(`${subject} (${pending.get(key)!.address.browse})`, r.statusCode));
        else if (targets.length !== 1) failed.set(key, new AdapterError("CONFIG", `${subject}: browse path matches ${targets.length} nodes`));
        else nodes.set(key, targets[0].targetId);
      });
    }
    // DataType proves the node is a variable and gives its built-in type; when that type is abstract (BaseDataType,
    // Number: MultiStateDiscrete nodes are declared Number but hold UInt32) the current value's type decides
    const entries = [...nodes];
    for (const batch of chunks(entries, Math.floor(info.limits.read / 2))) {
      const values = await info.session.read(batch.flatMap(([, nodeId]) => [
        { nodeId, attributeId: AttributeIds.DataType }, { nodeId, attributeId: AttributeIds.Value },
      ]));
      for (const [i, [key, nodeId]] of batch.entries()) {
        const [dataType, value] = [values[2 * i], values[2 * i + 1]];
        if (dataType.statusCode.isNotGood()) {
          failed.set(key, statusError(`${pending.get(key)!.subject} (${nodeId.toString()})`, dataType.statusCode));
          continue;
        }
        const declared = await builtinTypeOf(info.session, dataType.value.value as NodeId, this.builtins);
        const held = value.statusCode.isGood() && value.value.dataType !== DataType.Null ? value.value.dataType : undefined;
        this.cache.set(key, { nodeId, dataType: declared ?? held });
      }
    }
  }

  private browsePath(text: string, namespaces: readonly string[]): BrowsePath {
    const start = this.address.root ? parseNodeId(this.address.root, namespaces) : ROOT;
    const fromRoot = start.toString() === ROOT.toString();
    const ns = this.address.namespace;
    const defaultNs = typeof ns === "number" ? ns : ns === undefined ? 1 : namespaces.indexOf(ns);
    if (defaultNs < 0) throw new AdapterError("CONFIG", `namespace ${ns} is not in the server's namespace array`);
    const elements = parseBrowsePath(text).map((s, i) => ({
      referenceTypeId: HIERARCHICAL, isInverse: false, includeSubtypes: true,
      targetName: { namespaceIndex: s.namespace ?? (i === 0 && fromRoot && STANDARD_FOLDERS.has(s.name) ? 0 : defaultNs), name: s.name },
    }));
    return new BrowsePath({ startingNode: start, relativePath: { elements } });
  }
}
