/**
 * One level of a server's address space for the UI and the CLI: the children of a node, and for each variable its
 * data type, the access this session has, and the mapping-table point that would read or write it.
 */
import { AttributeIds, browseAll, BrowseDirection, DataType, NodeClass, type NodeId } from "node-opcua";
import type { DataType as PointType } from "gridhub/hub";
import { builtinTypeOf } from "./builtin-type.ts";
import { pointTypeOf } from "./datatypes.ts";
import type { SessionInfo } from "./device-connection.ts";
import { chunks } from "./limits.ts";
import { statusError } from "./status.ts";

export interface BrowseEntry {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  dataType?: string;
  access?: "r" | "w" | "rw" | "none";
  /** a mapping-table point definition for this variable */
  point?: { address: { node: string }; type: PointType; access: "r" | "w" | "rw" };
}

const CURRENT_READ = 1;
const CURRENT_WRITE = 2;

function accessOf(level: number): BrowseEntry["access"] {
  const r = (level & CURRENT_READ) !== 0;
  const w = (level & CURRENT_WRITE) !== 0;
  return r && w ? "rw" : r ? "r" : w ? "w" : "none";
}

export async function browseChildren(info: SessionInfo, nodeId: NodeId): Promise<BrowseEntry[]> {
  const result = await browseAll(info.session, {
    nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: "HierarchicalReferences", includeSubtypes: true,
    nodeClassMask: 0, resultMask: 0x3f,
  });
  if (result.statusCode.isNotGood()) throw statusError(`browse ${nodeId.toString()}`, result.statusCode);
  const entries: (BrowseEntry & { id: NodeId })[] = (result.references ?? []).map((r) => ({
    id: r.nodeId, nodeId: r.nodeId.toString(), browseName: r.browseName.toString(), displayName: r.displayName.text ?? "",
    nodeClass: NodeClass[r.nodeClass],
  }));
  const variables = entries.filter((e) => e.nodeClass === "Variable");
  const types = new Map<string, DataType | undefined>();
  for (const batch of chunks(variables, Math.floor(info.limits.read / 3))) {
    const values = await info.session.read(batch.flatMap((v) => [
      { nodeId: v.id, attributeId: AttributeIds.DataType }, { nodeId: v.id, attributeId: AttributeIds.UserAccessLevel },
      { nodeId: v.id, attributeId: AttributeIds.Value },
    ]));
    for (const [i, v] of batch.entries()) {
      const [dt, level, value] = values.slice(3 * i, 3 * i + 3);
      const declared = dt.statusCode.isGood() ? await builtinTypeOf(info.session, dt.value.value as NodeId, types) : undefined;
      // abstract declared types (Number, BaseDataType): the value held tells
      const builtin = declared ?? (value.statusCode.isGood() && value.value.dataType !== DataType.Null ? value.value.dataType : undefined);
      if (builtin !== undefined) v.dataType = DataType[builtin];
      if (level.statusCode.isGood()) v.access = accessOf(level.value.value as number);
      const type = builtin === undefined ? undefined : pointTypeOf(builtin);
      if (type && v.access && v.access !== "none") v.point = { address: { node: v.nodeId }, type, access: v.access };
    }
  }
  return entries.map(({ id: _id, ...e }) => e);
}
