/**
 * Simulated devices: a SunSpec PV inverter that honours its power limit (models 123 and 704), a SunSpec meter, and
 * a plain register map for protocol tests.
 */
import { z } from "zod";
import { UnitMemory } from "./memory.ts";
import { SunSpecImage } from "./sunspec-image.ts";

const UnitId = z.number().int().min(0).max(255);
const Base = z.number().int().min(0).max(65000).default(40000);

export const InverterConfig = z.object({
  kind: z.literal("sunspec-inverter"),
  unitId: UnitId,
  base: Base,
  phases: z.union([z.literal(1), z.literal(3)]).default(3),
  ratedW: z.number().int().min(1).max(32767).default(5000),
  availableW: z.number().int().min(0).max(32767).default(4000).describe("what the PV array could deliver now"),
  der: z.boolean().default(false).describe("also expose the IEEE 1547 DER models 701, 702 and 704"),
}).strict();

export const MeterConfig = z.object({
  kind: z.literal("sunspec-meter"),
  unitId: UnitId,
  base: Base,
  phases: z.union([z.literal(1), z.literal(3)]).default(3),
  w: z.number().int().min(-32768).max(32767).default(1500).describe("positive: import"),
  importWh: z.number().int().min(0).default(1_000_000),
  exportWh: z.number().int().min(0).default(250_000),
}).strict();

const Values = <T extends z.ZodType>(v: T) => z.record(z.string().regex(/^\d+$/, "keys are register addresses"), z.union([v, z.array(v).min(1)]));
export const RegistersConfig = z.object({
  kind: z.literal("registers"),
  unitId: UnitId,
  holding: Values(z.number().int().min(0).max(0xffff)).default({}),
  input: Values(z.number().int().min(0).max(0xffff)).default({}),
  coils: Values(z.boolean()).default({}),
  discrete: Values(z.boolean()).default({}),
}).strict();

export const SimDevice = z.discriminatedUnion("kind", [InverterConfig, MeterConfig, RegistersConfig]);
export type SimDevice = z.infer<typeof SimDevice>;

export interface SimulatedUnit {
  memory: UnitMemory;
  sunspec?: SunSpecImage;
}

function common(img: SunSpecImage, model: string, serial: string, unitId: number) {
  img.set(1, "Mn", "gridhub");
  img.set(1, "Md", model);
  img.set(1, "Vr", "1.0.0");
  img.set(1, "SN", serial);
  img.set(1, "DA", unitId);
}

function inverter(c: z.infer<typeof InverterConfig>): SimulatedUnit {
  const memory = new UnitMemory();
  const monitoring = c.phases === 1 ? 101 : 103;
  const img = new SunSpecImage(memory, c.base, [1, monitoring, 120, 121, 123, ...(c.der ? [701, 702, 704] : [])]);
  common(img, "sim-inverter", `INV-${c.unitId}`, c.unitId);
  for (const [p, sf] of [["A_SF", -2], ["V_SF", -1], ["W_SF", 0], ["Hz_SF", -2], ["VA_SF", 0], ["VAr_SF", 0], ["PF_SF", -2], ["WH_SF", 0], ["Tmp_SF", -1]] as const) {
    img.set(monitoring, p, sf);
  }
  img.set(monitoring, "Hz", 50);
  img.set(monitoring, "PhVphA", 230);
  if (c.phases === 3) for (const p of ["PhVphB", "PhVphC"]) img.set(monitoring, p, 230);
  img.set(monitoring, "WH", 12_345_678);
  img.set(monitoring, "TmpCab", 35.5);
  img.set(120, "WRtg_SF", 0);
  img.set(120, "DERTyp", 4);
  img.set(120, "WRtg", c.ratedW);
  img.set(121, "WMax_SF", 0);
  img.set(121, "WMax", c.ratedW);
  img.set(123, "WMaxLimPct_SF", -1);
  img.set(123, "WMaxLimPct", 100);
  img.set(123, "WMaxLim_Ena", 0);
  img.set(123, "Conn", 1);
  img.set(123, "OutPFSet_SF", -3);
  img.set(123, "OutPFSet", 1);
  img.set(123, "OutPFSet_Ena", 0);
  if (c.der) {
    for (const p of ["W_SF", "VA_SF", "Var_SF", "A_SF", "TotWh_SF"]) img.set(701, p, 0);
    img.set(701, "Hz_SF", -2);
    img.set(701, "V_SF", -1);
    img.set(701, "ACType", c.phases === 1 ? 0 : 2);
    img.set(701, "St", 1);
    img.set(701, "ConnSt", 1);
    img.set(701, "Hz", 50);
    img.set(702, "W_SF", 0);
    img.set(702, "WMaxRtg", c.ratedW);
    img.set(702, "WMax", c.ratedW);
    for (const p of ["WSet_SF", "WSetPct_SF", "VarSet_SF", "VarSetPct_SF"]) img.set(704, p, 0);
    img.set(704, "PF_SF", -3);
    img.set(704, "WMaxLimPct_SF", -1);
    img.set(704, "WMaxLimPct", 100);
    img.set(704, "WMaxLimPctEna", 0);
  }
  // the inverter follows its limits: output = min(available, WMax * the tightest enabled limit)
  const follow = () => {
    const limits = [100];
    if (img.get(123, "WMaxLim_Ena") === 1) limits.push(Number(img.get(123, "WMaxLimPct")));
    if (c.der && img.get(704, "WMaxLimPctEna") === 1) limits.push(Number(img.get(704, "WMaxLimPct")));
    const cap = (Number(img.get(121, "WMax")) * Math.min(...limits)) / 100;
    const w = Math.round(Math.min(c.availableW, cap));
    img.set(monitoring, "W", w);
    img.set(monitoring, "St", w < c.availableW ? 5 : 4);
    if (c.der) {
      img.set(701, "W", w);
      img.set(701, "InvSt", w < c.availableW ? 4 : 3);
      img.set(701, "ThrotPct", Math.round((100 * w) / c.ratedW));
    }
  };
  follow();
  memory.onWrite = follow;
  return { memory, sunspec: img };
}

function meter(c: z.infer<typeof MeterConfig>): SimulatedUnit {
  const memory = new UnitMemory();
  const id = c.phases === 1 ? 201 : 203;
  const img = new SunSpecImage(memory, c.base, [1, id]);
  common(img, "sim-meter", `MTR-${c.unitId}`, c.unitId);
  for (const [p, sf] of [["A_SF", -2], ["V_SF", -1], ["Hz_SF", -2], ["W_SF", 0], ["TotWh_SF", 0]] as const) img.set(id, p, sf);
  img.set(id, "Hz", 50);
  img.set(id, "PhV", 230);
  img.set(id, "PhVphA", 230);
  img.set(id, "W", c.w);
  img.set(id, "WphA", c.phases === 1 ? c.w : Math.round(c.w / 3));
  img.set(id, "A", Math.abs(c.w) / 230);
  img.set(id, "TotWhImp", c.importWh);
  img.set(id, "TotWhExp", c.exportWh);
  img.set(id, "Evt", 0);
  return { memory, sunspec: img };
}

function registers(c: z.infer<typeof RegistersConfig>): SimulatedUnit {
  const memory = new UnitMemory();
  const tables = { holding: c.holding, input: c.input, coil: c.coils, discrete: c.discrete } as const;
  for (const [table, values] of Object.entries(tables)) {
    for (const [addr, v] of Object.entries(values)) memory.define(table as keyof typeof tables, Number(addr), Array.isArray(v) ? v : [v]);
  }
  return { memory };
}

export function buildUnit(d: SimDevice): SimulatedUnit {
  return d.kind === "sunspec-inverter" ? inverter(d) : d.kind === "sunspec-meter" ? meter(d) : registers(d);
}
