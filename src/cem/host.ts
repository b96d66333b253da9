/** What the CEM needs from the hub it runs in (the Hub satisfies this; tests may pass their own). */
import type { Logger } from "pino";
import type { HubConfig } from "../config/schema.ts";
import type { BoundDevice } from "../hub/bindings.ts";
import type { BusPort } from "../hub/contract.ts";
import type { PointRef, PointValue } from "../hub/points.ts";
import type { LiveValue } from "../hub/telemetry.ts";
import type { Ref } from "../model/index.ts";
import type { Store } from "../store/types.ts";

export interface CemHost {
  readonly config: HubConfig;
  readonly bus: BusPort & { reaches(targets: Ref[], endpoint: Ref): boolean };
  readonly store: Store;
  readonly logger: Logger;
  readonly devices: BoundDevice[];
  readonly groups: { has(group: string, device: string): boolean };
  readonly telemetry: { readonly live: Map<string, Record<string, LiveValue>> };
  readPoints(points: PointRef[]): Promise<PointValue[]>;
}
