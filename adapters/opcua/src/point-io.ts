/** Batched Read and Write of one device's points: one service call per batch (split at the server's limits). */
import { AttributeIds, type DataValue, type WriteValueOptions } from "node-opcua";
import { AdapterError, badValue, goodValue, type PointRef, type PointValue, type PointWrite } from "gridhub/hub";
import { fromVariant, toVariant } from "./datatypes.ts";
import type { DeviceConnection, SessionInfo } from "./device-connection.ts";
import { chunks } from "./limits.ts";
import type { NodeResolver, ResolvedNode } from "./resolver.ts";
import { failureError, statusError } from "./status.ts";
import { withTimeout } from "./timeout.ts";

export interface DeviceIo {
  device: string;
  connection: DeviceConnection;
  resolver: NodeResolver;
  timeoutMs: number;
}

const subjectOf = (ref: PointRef) => `${ref.device}/${ref.point}`;

/** DataValue -> point value: bad status -> bad with the status as error, uncertain kept as uncertain. */
export function decodeDataValue(ref: PointRef, dv: DataValue, now = new Date()): PointValue {
  if (dv.statusCode.isBad()) return badValue(ref, statusError(subjectOf(ref), dv.statusCode), now);
  try {
    const value = fromVariant(subjectOf(ref), ref.type, dv.value);
    const ts = dv.sourceTimestamp ?? dv.serverTimestamp ?? now;
    return { device: ref.device, point: ref.point, value, ts: ts.toISOString(), quality: dv.statusCode.isGood() ? "good" : "uncertain" };
  } catch (e) {
    return badValue(ref, failureError(subjectOf(ref), e), now);
  }
}

async function session(io: DeviceIo, refs: PointRef[], out: PointValue[], indexes: number[]): Promise<SessionInfo | undefined> {
  try {
    return await io.connection.ready(io.timeoutMs);
  } catch (e) {
    const error = failureError(io.device, e);
    for (const i of indexes) out[i] = badValue(refs[i], error);
    return undefined;
  }
}

export async function readPoints(io: DeviceIo, refs: PointRef[]): Promise<PointValue[]> {
  const out: PointValue[] = new Array(refs.length);
  const info = await session(io, refs, out, refs.map((_, i) => i));
  if (!info) return out;
  const resolved = await io.resolver.resolve(info, refs, io.timeoutMs);
  const toRead: { i: number; node: ResolvedNode }[] = [];
  resolved.forEach((r, i) => {
    if (r instanceof AdapterError) out[i] = badValue(refs[i], r);
    else toRead.push({ i, node: r });
  });
  for (const batch of chunks(toRead, info.limits.read)) {
    try {
      const values = await withTimeout(
        info.session.read(batch.map(({ node }) => ({ nodeId: node.nodeId, attributeId: AttributeIds.Value }))),
        io.timeoutMs, `${io.device}: read ${batch.length} nodes`);
      const now = new Date();
      batch.forEach(({ i }, j) => (out[i] = decodeDataValue(refs[i], values[j], now)));
    } catch (e) {
      const error = failureError(io.device, e);
      for (const { i } of batch) out[i] = badValue(refs[i], error);
    }
  }
  return out;
}

export async function writePoints(io: DeviceIo, writes: PointWrite[]): Promise<PointValue[]> {
  const refs = writes.map((w) => w.ref);
  const out: PointValue[] = new Array(writes.length);
  const candidates: number[] = [];
  writes.forEach((w, i) => {
    if (w.ref.access === "r") out[i] = badValue(w.ref, new AdapterError("NOT_WRITABLE", `${subjectOf(w.ref)}: read-only in the mapping table (access: r)`));
    else candidates.push(i);
  });
  if (!candidates.length) return out;
  const info = await session(io, refs, out, candidates);
  if (!info) return out;
  const resolved = await io.resolver.resolve(info, candidates.map((i) => refs[i]), io.timeoutMs);
  const toWrite: { i: number; node: ResolvedNode; request: WriteValueOptions }[] = [];
  candidates.forEach((i, k) => {
    const node = resolved[k];
    if (node instanceof AdapterError) {
      out[i] = badValue(refs[i], node);
      return;
    }
    try {
      const value = toVariant(subjectOf(refs[i]), refs[i].type, node.dataType, writes[i].value);
      toWrite.push({ i, node, request: { nodeId: node.nodeId, attributeId: AttributeIds.Value, value: { value } } });
    } catch (e) {
      out[i] = badValue(refs[i], failureError(subjectOf(refs[i]), e));
    }
  });
  for (const batch of chunks(toWrite, info.limits.write)) {
    try {
      const statuses = await withTimeout(info.session.write(batch.map((b) => b.request)), io.timeoutMs, `${io.device}: write ${batch.length} nodes`);
      const now = new Date();
      batch.forEach(({ i, node }, j) => {
        out[i] = statuses[j].isGood()
          ? goodValue(refs[i], writes[i].value, now)
          : badValue(refs[i], statusError(`${subjectOf(refs[i])} (${node.nodeId.toString()})`, statuses[j]), now);
      });
    } catch (e) {
      const error = failureError(io.device, e);
      for (const { i } of batch) out[i] = badValue(refs[i], error);
    }
  }
  return out;
}
