/** Checks a schema-valid table for what a schema cannot express: references between its parts and value ranges. */
import type { MappingTable, PointDef, ValueExpr } from "./schema.ts";

export interface SemanticIssue { path: (string | number)[]; message: string }

const integerRanges: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
};

function checkLiteral(point: PointDef, value: unknown, path: (string | number)[], out: SemanticIssue[]) {
  if (point.type === "enum") {
    if (typeof value !== "string" || !point.values || !(value in point.values)) {
      out.push({ path, message: `${JSON.stringify(value)} is not one of this enum's labels (${Object.keys(point.values ?? {}).join(", ")})` });
    }
    return;
  }
  if (point.type === "bool") {
    if (typeof value !== "boolean") out.push({ path, message: "a bool point takes true or false" });
    return;
  }
  if (point.type === "string") return;
  if (typeof value !== "number") {
    out.push({ path, message: `a ${point.type} point takes a number, not ${JSON.stringify(value)}` });
    return;
  }
  if (point.min !== undefined && value < point.min) out.push({ path, message: `${value} is below the point's min ${point.min}` });
  if (point.max !== undefined && value > point.max) out.push({ path, message: `${value} is above the point's max ${point.max}` });
}

function checkExpr(points: MappingTable["points"], name: string, expr: ValueExpr, path: (string | number)[], out: SemanticIssue[]) {
  const point = points[name];
  if (!point) {
    out.push({ path, message: `no point named ${name} in this table` });
    return;
  }
  if (point.access === "r") out.push({ path, message: `point ${name} is read-only (access: r)` });
  if (typeof expr !== "object") return checkLiteral(point, expr, path, out);
  if (expr.value !== undefined && expr.from === undefined && expr.map === undefined) checkLiteral(point, expr.value, [...path, "value"], out);
  if (expr.map && point.type === "enum") {
    for (const [k, v] of Object.entries(expr.map)) checkLiteral(point, v, [...path, "map", k], out);
  }
  if (expr.clamp && point.type !== "enum") {
    const [lo, hi] = expr.clamp;
    if ((point.min !== undefined && lo < point.min) || (point.max !== undefined && hi > point.max)) {
      out.push({ path: [...path, "clamp"], message: `clamp [${lo}, ${hi}] reaches outside the point's range [${point.min ?? "-inf"}, ${point.max ?? "inf"}]` });
    }
  }
}

export function checkSemantics(t: MappingTable): SemanticIssue[] {
  const out: SemanticIssue[] = [];
  for (const [name, p] of Object.entries(t.points)) {
    const at = ["points", name];
    if (p.type === "enum" && !p.values) out.push({ path: [...at, "type"], message: "an enum point needs `values` (label -> raw value)" });
    if (p.values && p.type !== "enum" && p.type !== "bool") out.push({ path: [...at, "values"], message: "`values` is only for enum points" });
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) out.push({ path: [...at, "min"], message: "min is above max" });
    const range = integerRanges[p.type];
    if (range && (p.scale === undefined || p.scale === 1) && !p.offset) {
      if (p.min !== undefined && p.min < range[0]) out.push({ path: [...at, "min"], message: `below what a ${p.type} can hold` });
      if (p.max !== undefined && p.max > range[1]) out.push({ path: [...at, "max"], message: `above what a ${p.type} can hold` });
    }
    if (p.access === "w" && (p.poll || p.subscribe)) out.push({ path: [...at, "access"], message: "a write-only point cannot be polled or subscribed" });
  }
  for (const [trigger, rules] of Object.entries(t.on ?? {})) {
    (rules ?? []).forEach((rule, i) => {
      const base = ["on", trigger, i];
      for (const part of ["set", "while"] as const) {
        for (const [name, expr] of Object.entries(rule[part] ?? {})) checkExpr(t.points, name, expr, [...base, part, name], out);
      }
      if (rule.restore && typeof rule.restore === "object") {
        for (const [name, expr] of Object.entries(rule.restore)) {
          checkExpr(t.points, name, expr, [...base, "restore", name], out);
          if (!rule.while?.[name]) out.push({ path: [...base, "restore", name], message: `${name} is restored but not written in \`while\`` });
        }
      }
    });
  }
  const report = t.report ?? {};
  const refs: [string, string | { point: string } | undefined][] = [
    ["InstantaneousPower.power", report.InstantaneousPower?.power],
    ["DeviceStatus.state", report.DeviceStatus?.state], ["DeviceStatus.mode", report.DeviceStatus?.mode],
    ["DeviceStatus.soc", report.DeviceStatus?.soc], ["DeviceStatus.power", report.DeviceStatus?.power],
    ["Metering.importEnergy", report.Metering?.importEnergy], ["Metering.exportEnergy", report.Metering?.exportEnergy],
    ["Metering.power", report.Metering?.power],
  ];
  for (const [field, ref] of refs) {
    const name = typeof ref === "object" ? ref.point : ref;
    if (name && !t.points[name]) out.push({ path: ["report", ...field.split(".")], message: `no point named ${name} in this table` });
    else if (name && t.points[name].access === "w") out.push({ path: ["report", ...field.split(".")], message: `point ${name} is write-only` });
  }
  if (Array.isArray(report.Telemetry?.points)) {
    report.Telemetry.points.forEach((n, i) => {
      if (!t.points[n]) out.push({ path: ["report", "Telemetry", "points", i], message: `no point named ${n} in this table` });
    });
  }
  return out;
}
