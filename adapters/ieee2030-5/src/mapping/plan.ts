/**
 * Grid-table rules -> neutral message bodies. A control's value is first reduced to plain facts (a boolean, a
 * percentage, watts, a power factor, vars, volts, a curve), then the first matching rule shapes the message.
 */
import type { Quantity, Ref } from "gridhub/model";
import { matches, type CommandRule, type LgmRule, type Rule } from "./table.ts";

/** What a control says, in plain units. */
export interface ControlValue {
  bool?: boolean;
  /** percent (e.g. 50 = 50 % of setMaxW), signed where the mode is */
  percent?: number;
  watts?: number;
  powerFactor?: number;
  vars?: number;
  volts?: number;
  /** an enumeration (DRLC ApplianceLoadReduction type) */
  code?: number;
  /** DRLC SetPoint, degrees Celsius */
  cooling?: number;
  heating?: number;
  curve?: unknown;
}

export type PlannedType = "LoadGenerationManagement" | "Emergency" | "Command" | "TemperatureProfile";

export interface PlannedMessage {
  /** the mode or control the message comes from (part of its origin ref when a control makes several) */
  key: string;
  type: PlannedType;
  body: Record<string, unknown>;
  /** device targets for commands; the adapter's targets otherwise */
  targets?: Ref[];
  ext?: Record<string, unknown>;
}

export interface PlanContext {
  /** the building scope of LoadGenerationManagement */
  building: string;
  /** slot duration: the event's */
  duration: string;
  primacy: number;
  /** DRLC drProgramMandatory (DER controls are mandatory) */
  mandatory: boolean;
  /** devices that take direct commands (they must be externally controllable in the hub config) */
  commandDevices: readonly string[];
}

export class PlanError extends Error {}

function pickRule(rules: readonly Rule[] | undefined, v: ControlValue, ctx: PlanContext): Rule | undefined {
  return rules?.find((r) => {
    const w = r.when;
    if (!w) return true;
    const value = w.value === undefined ? undefined : typeof w.value === "boolean" ? v.bool : v.percent ?? v.watts ?? v.code;
    return matches(w.value, value) && matches(w.primacy, ctx.primacy) && (w.mandatory === undefined || w.mandatory === ctx.mandatory);
  });
}

const W = (watts: number): Quantity => ({ value: watts, unit: "W" });

function lgm(key: string, r: LgmRule, v: ControlValue, ctx: PlanContext): PlannedMessage {
  const signed = r.value === "power" ? v.watts : r.value === "relative" ? v.percent : v.percent ?? v.watts ?? v.code;
  const direction = r.direction === "sign" ? ((signed ?? 0) < 0 ? "consumption" : "generation") : r.direction;
  const magnitude = (x: number) => (r.direction === "sign" ? Math.abs(x) : x);
  const slot: Record<string, unknown> = { duration: ctx.duration };
  if (r.value === "relative") {
    if (v.percent === undefined) throw new PlanError(`${key}: rule needs a percentage (value: relative) the control does not give`);
    slot.relative = magnitude(v.percent);
  } else if (r.value === "power") {
    if (v.watts === undefined) throw new PlanError(`${key}: rule needs watts (value: power); set der.setMaxW to convert percentages`);
    slot.power = W(magnitude(v.watts));
  } else if (r.relative !== undefined) {
    slot.relative = r.relative;
  }
  return {
    key, type: "LoadGenerationManagement",
    body: {
      scope: { kind: "building", id: ctx.building }, direction, request: r.request, slots: [slot],
      urgency: r.urgency, mandatory: r.mandatory ?? ctx.mandatory,
    },
  };
}

function commandValue(key: string, r: CommandRule, v: ControlValue): Quantity | undefined {
  const need = (x: number | undefined, what: string) => {
    if (x === undefined) throw new PlanError(`${key}: rule needs ${what} the control does not give`);
    return x;
  };
  switch (r.value) {
    case "power-factor": return { value: need(v.powerFactor, "a power factor") * 100, unit: "%" };
    case "var": return { value: need(v.vars, "vars"), unit: "var" };
    case "percent": return { value: need(v.percent, "a percentage"), unit: "%" };
    case "voltage": return { value: need(v.volts, "volts"), unit: "V" };
    case "none": return undefined;
  }
}

function commands(key: string, r: CommandRule, v: ControlValue, ctx: PlanContext): PlannedMessage[] {
  const value = commandValue(key, r, v);
  let command: Record<string, unknown>;
  if (r.action === "setVarMode") command = { action: r.action, mode: r.mode ?? key, ...(value ? { value } : {}) };
  else if (r.action === "voltageSupport") {
    if (!value) throw new PlanError(`${key}: voltageSupport needs a value`);
    command = { action: r.action, value };
  } else if (r.action === "emergencyMode") command = { action: r.action, on: true };
  else command = { action: r.action };
  const ext = v.curve ? { ieee2030_5: { curve: v.curve } } : undefined;
  return ctx.commandDevices.map((device) => ({
    key, type: "Command" as const, body: { device, command }, targets: [{ kind: "device" as const, id: device }],
    ...(ext ? { ext } : {}),
  }));
}

/**
 * The messages one mode/control makes under `rules`: none when no rule matches or the rule says `none`.
 * @throws PlanError when the matching rule needs a value the control cannot give
 */
export function plan(key: string, rules: readonly Rule[] | undefined, v: ControlValue, ctx: PlanContext): PlannedMessage[] {
  const r = pickRule(rules, v, ctx);
  if (!r) return [];
  switch (r.message) {
    case "none": return [];
    case "LoadGenerationManagement": return [lgm(key, r, v, ctx)];
    case "Emergency": return [{ key, type: "Emergency", body: { phase: "start", mode: r.mode, ...(r.level !== undefined ? { level: r.level } : {}) } }];
    case "Command": return commands(key, r, v, ctx);
    case "TemperatureProfile": {
      const celsius = v[r.setpoint];
      if (celsius === undefined) throw new PlanError(`${key}: no ${r.setpoint} setpoint in the control`);
      return [{ key, type: "TemperatureProfile", body: {
        scope: { kind: "building", id: ctx.building }, slots: [{ duration: ctx.duration, setpoint: { value: celsius, unit: "degC" } }],
      } }];
    }
  }
}
