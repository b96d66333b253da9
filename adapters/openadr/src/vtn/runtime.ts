/** What the VTN's service handlers and operator operations share. */
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import { OadrResponseCode, type OadrMessageOf, type OadrMessageType } from "../codec/index.ts";
import { OadrServiceError } from "../transport/server.ts";
import type { VtnConfig } from "./config.ts";
import type { DeliveryQueues } from "./delivery.ts";
import type { VenDirectory } from "./directory.ts";
import type { VtnState } from "./state.ts";

export interface VtnRuntime {
  /** The adapter instance name (store namespace, event record ids). */
  adapter: string;
  config: VtnConfig;
  state: VtnState;
  directory: VenDirectory;
  queues: DeliveryQueues;
  store: AdapterStore;
  logger: Logger;
  now(): number;
}

/** The VEN behind a request: its verified certificate and the venID bound to it. */
export interface Caller {
  fingerprint: string;
  venID: string;
}

/** One payload type of the codec model. */
export type Msg<T extends OadrMessageType> = OadrMessageOf<T>;

export const isoNow = (rt: VtnRuntime) => new Date(rt.now()).toISOString();

export function ok(requestID: string, venID?: string): OadrMessageOf<"oadrResponse"> {
  return { type: "oadrResponse", eiResponse: { responseCode: OadrResponseCode.OK, responseDescription: "OK", requestID }, ...(venID ? { venID } : {}) };
}

/** Refuses a payload with an OpenADR response code; nothing has been changed when this is thrown. */
export function refuse(code: number, message: string): never {
  throw new OadrServiceError(code, message);
}
