/** A server's per-call operation limits (Server/ServerCapabilities/OperationLimits), so big batches are split. */
import { readOperationLimits, type ClientSession } from "node-opcua";

export interface OperationLimits {
  /** 0 = no limit */
  read: number;
  write: number;
  translate: number;
  browse: number;
  monitoredItems: number;
}

export const noLimits: OperationLimits = { read: 0, write: 0, translate: 0, browse: 0, monitoredItems: 0 };

export async function readLimits(session: ClientSession): Promise<OperationLimits> {
  const l = await readOperationLimits(session);
  return {
    read: l.maxNodesPerRead ?? 0, write: l.maxNodesPerWrite ?? 0, translate: l.maxNodesPerTranslateBrowsePathsToNodeIds ?? 0,
    browse: l.maxNodesPerBrowse ?? 0, monitoredItems: l.maxMonitoredItemsPerCall ?? 0,
  };
}

export function chunks<T>(items: T[], limit: number): T[][] {
  if (!limit || items.length <= limit) return items.length ? [items] : [];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += limit) out.push(items.slice(i, i + limit));
  return out;
}
