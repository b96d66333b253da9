/**
 * A CEM policy: one decision the customer's energy manager takes (flexible start, price response, ...), behind one
 * interface so that each can be switched on or off per site. A policy gets the messages of its `types` that reach
 * the CEM and that it `wants`; it acts through the context (device messages, answers north, explanations).
 */
import type { Logger } from "pino";
import type { BodyOf, Envelope, MessageType, NeutralMessage, Ref } from "../model/index.ts";
import type { Store } from "../store/types.ts";
import type { CemConfig } from "./config.ts";
import type { DecisionInput } from "./decisions.ts";
import type { DeviceBook } from "./devices.ts";
import type { GridMode } from "./mode.ts";
import type { Overrides } from "./overrides.ts";
import type { PriceBook } from "./prices.ts";
import type { Timers } from "./timers.ts";
import type { Answer, Batch, Outcome } from "./tracker.ts";
import type { Windows } from "./windows.ts";

export interface Policy {
  readonly name: string;
  /** message types it decides on (grid side) or follows (device side) */
  readonly types: readonly MessageType[];
  wants?(m: NeutralMessage): boolean;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
  handle(m: NeutralMessage): Promise<void>;
}

export interface NorthInit { correlationId?: string; validity?: { start: string; end?: string }; targets?: Ref[] }

export interface Summary { outcome: Outcome; achievedW?: number; reason?: string }

export interface CemContext {
  readonly site: string;
  /** "cem:<site>", the source of everything the CEM publishes */
  readonly source: string;
  readonly config: CemConfig;
  readonly logger: Logger;
  readonly store: Store;
  now(): number;
  /** ISO 8601 duration in ms */
  ms(duration: string): number;
  readonly devices: DeviceBook;
  readonly prices: PriceBook;
  readonly mode: GridMode;
  readonly timers: Timers;
  readonly windows: Windows;
  readonly overrides: Overrides;
  /** device (or member building) messages sent for one cause, their Results gathered */
  batch(cause?: NeutralMessage): Batch;
  /** a message to the grid side (targets the building unless told otherwise) */
  north<T extends MessageType>(type: T, body: BodyOf<T>, init?: NorthInit): Promise<Envelope<T>>;
  /**
   * Once the batch settles, one Result for the cause goes north (correlationId = the cause); `summarize` turns the
   * recipients' answers into the outcome and the achieved power. Does not wait.
   */
  answer(cause: NeutralMessage, of: string, batch: Batch, policy: string, summarize?: (answers: Answer[]) => Summary): void;
  explain(d: DecisionInput): Promise<void>;
}
