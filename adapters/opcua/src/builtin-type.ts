/** The built-in type behind a DataType node: standard ids directly, custom types and enumerations via their supertypes. */
import { DataType, findBasicDataType, type ClientSession, type NodeId } from "node-opcua";

const LAST_BUILTIN = DataType.DiagnosticInfo;

/** undefined for abstract types (BaseDataType, Number, ...), whose nodes take several built-in types */
export async function builtinTypeOf(session: ClientSession, dataType: NodeId, cache: Map<string, DataType | undefined>): Promise<DataType | undefined> {
  if (dataType.namespace === 0 && typeof dataType.value === "number" && dataType.value <= LAST_BUILTIN) {
    return dataType.value === DataType.Variant ? undefined : (dataType.value as DataType);
  }
  const key = dataType.toString();
  if (!cache.has(key)) {
    const basic = await findBasicDataType(session, dataType).catch(() => undefined);
    cache.set(key, basic === undefined || basic > LAST_BUILTIN || basic === DataType.Null || basic === DataType.Variant ? undefined : basic);
  }
  return cache.get(key);
}
