/** The neutral message catalogue: message type name -> body schema. One place to add a type. */
import { z } from "zod";
import * as P from "./profiles.ts";
import * as G from "./grid.ts";
import * as D from "./device.ts";

export const bodySchemas = {
  // function-specific profiles (both interfaces)
  PowerProfile: P.PowerProfile,
  InstantaneousPower: P.InstantaneousPower,
  PriceEnvironmentProfile: P.PriceEnvironmentProfile,
  LoadGenerationManagement: P.LoadGenerationManagement,
  Emergency: P.Emergency,
  TemperatureProfile: P.TemperatureProfile,
  // grid <-> CEM
  GridStatus: G.GridStatus,
  Tariff: G.Tariff,
  TariffCapabilities: G.TariffCapabilities,
  ActiveTariffNotice: G.ActiveTariffNotice,
  TimeSync: G.TimeSync,
  IncentiveInfo: G.IncentiveInfo,
  Metering: G.Metering,
  NegawattRequest: G.NegawattRequest,
  NegawattBid: G.NegawattBid,
  BidResult: G.BidResult,
  FlexibilityOffer: G.FlexibilityOffer,
  FlexibilityAnswer: G.FlexibilityAnswer,
  FlexibilityAllocation: G.FlexibilityAllocation,
  Priorities: G.Priorities,
  AdjustmentProposals: G.AdjustmentProposals,
  ProposalSelection: G.ProposalSelection,
  BuildingInfo: G.BuildingInfo,
  CemAlive: G.CemAlive,
  BatteryDispatchRequest: G.BatteryDispatchRequest,
  BatteryDispatchInfo: G.BatteryDispatchInfo,
  ScheduleRequest: G.ScheduleRequest,
  BatterySchedule: G.BatterySchedule,
  Inquiry: G.Inquiry,
  InquiryAnswer: G.InquiryAnswer,
  ExecutionNotification: G.ExecutionNotification,
  BatteryStatusRequest: G.BatteryStatusRequest,
  BatteryStatus: G.BatteryStatus,
  DeviceStateRequest: G.DeviceStateRequest,
  // CEM <-> device
  Command: D.CommandMessage,
  FlexibleStartOffer: D.FlexibleStartOffer,
  StartTimeAssignment: D.StartTimeAssignment,
  SlotShift: D.SlotShift,
  Result: D.Result,
  DeviceStatus: D.DeviceStatus,
  StatusRequest: D.StatusRequest,
  LogRequest: D.LogRequest,
  LogInfo: D.LogInfo,
  Telemetry: D.Telemetry,
  DeviceCapabilities: D.DeviceCapabilities,
  SubscribedPower: D.SubscribedPower,
  Warning: D.Warning,
} as const;

export type MessageType = keyof typeof bodySchemas;
export type BodyOf<T extends MessageType> = z.infer<(typeof bodySchemas)[T]>;
export const messageTypes = Object.keys(bodySchemas) as MessageType[];

export function isMessageType(t: unknown): t is MessageType {
  return typeof t === "string" && Object.prototype.hasOwnProperty.call(bodySchemas, t);
}
