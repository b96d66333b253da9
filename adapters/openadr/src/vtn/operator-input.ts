/** JSON bodies of the operator API (validated with zod; the codec then checks the result against the 2.0b schema). */
import { z } from "zod";
import { RESPONSE_REQUIRED, SIGNAL_NAMES, SIGNAL_TYPES } from "../codec/index.ts";
import { DateTime, Duration } from "./lexical.ts";

const Ids = z.array(z.string().min(1)).optional();

export const TargetsInput = z.object({ venID: Ids, groupID: Ids, resourceID: Ids, partyID: Ids }).strict();

const SignalName = z.union([z.enum(SIGNAL_NAMES), z.string().regex(/^x-\S+$/, "a 2.0b signalName or an x- extension")]);

export const SignalInput = z.object({
  signalName: SignalName,
  signalType: z.enum(SIGNAL_TYPES),
  signalID: z.string().min(1).optional(),
  /** emix itemBase in the codec's model (e.g. { kind: "powerReal", itemUnits: "W", siScaleCode: "none", powerAttributes: {...} }) */
  itemBase: z.record(z.string(), z.unknown()).optional(),
  currentValue: z.number().optional(),
  intervals: z.array(z.object({
    duration: Duration,
    signalPayload: z.number(),
    uid: z.string().optional(),
  }).strict()).min(1),
}).strict();

export const ActivePeriodInput = z.object({
  dtstart: DateTime,
  duration: Duration.describe("PT0S: open-ended, until cancelled"),
  notification: Duration.optional(),
  rampUp: Duration.optional(),
  recovery: Duration.optional(),
  startafter: Duration.optional().describe("randomization window of the start"),
}).strict();

export const EventInput = z.object({
  eventID: z.string().min(1).max(200).optional(),
  marketContext: z.string().url().optional(),
  priority: z.number().int().min(0).optional(),
  testEvent: z.boolean().optional(),
  vtnComment: z.string().optional(),
  responseRequired: z.enum(RESPONSE_REQUIRED).default("always"),
  activePeriod: ActivePeriodInput,
  signals: z.array(SignalInput).min(1),
  targets: TargetsInput.default({}),
}).strict();
export type EventInput = z.infer<typeof EventInput>;

export const EventChange = z.object({
  modificationReason: z.string().optional(),
  priority: z.number().int().min(0).optional(),
  vtnComment: z.string().optional(),
  responseRequired: z.enum(RESPONSE_REQUIRED).optional(),
  activePeriod: ActivePeriodInput.optional(),
  signals: z.array(SignalInput).min(1).optional(),
  targets: TargetsInput.optional(),
}).strict();
export type EventChange = z.infer<typeof EventChange>;

export const CancelInput = z.object({ reason: z.string().optional() }).strict().default({});

export const ReportRequestInput = z.object({
  reportSpecifierID: z.string().min(1).optional(),
  reportName: z.enum(["TELEMETRY_USAGE", "TELEMETRY_STATUS", "HISTORY_USAGE"]).optional(),
  rIDs: z.array(z.string().min(1)).min(1).optional(),
  granularity: Duration.default("PT1M"),
  reportBackDuration: Duration.default("PT1M"),
  reportInterval: z.object({ dtstart: DateTime, duration: Duration }).strict().optional(),
}).strict().refine((r) => (r.reportSpecifierID === undefined) !== (r.reportName === undefined), "give reportSpecifierID or reportName (one of them)");

export const VenChange = z.object({
  groups: z.array(z.string().min(1)).optional(),
  parties: z.array(z.string().min(1)).optional(),
  resources: z.array(z.string().min(1)).optional(),
}).strict();
