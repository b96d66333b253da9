/**
 * eiTarget -> hub targets through the grid table: groupIDs become hub groups, resourceIDs device ids, and an
 * event for the whole VEN reaches every device ({kind: "all"}). A target naming only resources or groups this
 * VEN does not serve, or another VEN, is a target mismatch (462).
 */
import type { Ref } from "gridhub/model";
import { OadrResponseCode, type EiTarget } from "../codec/index.ts";
import { VenRefusal } from "./errors.ts";
import type { SignalMap } from "./signal-map.ts";

export interface TargetScope {
  venID: string;
  /** OpenADR resourceIDs / groupIDs this VEN answers */
  resourceIDs: ReadonlySet<string>;
  groupIDs: ReadonlySet<string>;
  table: SignalMap["targets"];
}

export function resolveTargets(t: EiTarget | undefined, scope: TargetScope): Ref[] {
  const resources = t?.resourceID ?? [];
  const groups = t?.groupID ?? [];
  if (resources.length || groups.length) {
    const refs: Ref[] = [
      ...resources.filter((id) => scope.resourceIDs.has(id)).map((id) => ({ kind: "device" as const, id: scope.table.resourceID.map?.[id] ?? id })),
      ...groups.filter((id) => scope.groupIDs.has(id)).map((id) => ({ kind: "group" as const, id: scope.table.groupID.map?.[id] ?? id })),
    ];
    if (!refs.length) {
      throw new VenRefusal(OadrResponseCode.TARGET_MISMATCH, `none of the targeted resources/groups (${[...resources, ...groups].join(", ")}) is served by this VEN`);
    }
    return refs.filter((r, i) => refs.findIndex((x) => "id" in x && "id" in r && x.kind === r.kind && x.id === r.id) === i);
  }
  if (t?.venID?.length && !t.venID.includes(scope.venID)) {
    throw new VenRefusal(OadrResponseCode.TARGET_MISMATCH, `the event targets VEN ${t.venID.join(", ")}, not ${scope.venID}`);
  }
  return [{ kind: "all" }];
}

/** What an LGM/profile's `scope` says: the one target it has, or the building. */
export function scopeOf(targets: Ref[], building: string): Ref {
  return targets.length === 1 && targets[0]!.kind !== "all" ? targets[0]! : { kind: "building", id: building };
}
