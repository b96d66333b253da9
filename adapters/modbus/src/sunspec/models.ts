/**
 * SunSpec information models as data: each model's points in register order after the ID and L registers.
 * Offsets are derived from the sizes, and a test checks every model's total against its published length.
 * Sources and what was checked where: docs/decisions.md.
 */

export const sunspecTypes = ["int16", "uint16", "acc16", "enum16", "bitfield16", "int32", "uint32", "acc32", "enum32",
  "bitfield32", "int64", "uint64", "acc64", "float32", "string", "sunssf", "pad"] as const;
export type SunSpecType = (typeof sunspecTypes)[number];

export interface PointOptions {
  /** name of the scale-factor point in the same model */
  sf?: string;
  /** registers, for strings */
  size?: number;
  rw?: true;
}
export type PointSpec = readonly [name: string, type: SunSpecType, options?: PointOptions];

export interface ModelSpec {
  id: number;
  name: string;
  /** the model's L: registers after ID and L */
  length: number;
  points: readonly PointSpec[];
}

const rw = { rw: true } as const;
const sfRw = (sf: string) => ({ sf, rw: true }) as const;
const phases = (names: string[], type: SunSpecType, sf: string): PointSpec[] => names.map((n) => [n, type, { sf }] as const);

const common: ModelSpec = {
  id: 1, name: "common", length: 66, points: [
    ["Mn", "string", { size: 16 }], ["Md", "string", { size: 16 }], ["Opt", "string", { size: 8 }],
    ["Vr", "string", { size: 8 }], ["SN", "string", { size: 16 }], ["DA", "uint16", rw], ["Pad", "pad"],
  ],
};

/** 101 (single phase), 102 (split phase) and 103 (three phase) share one layout. */
const inverterPoints: PointSpec[] = [
  ...phases(["A", "AphA", "AphB", "AphC"], "uint16", "A_SF"), ["A_SF", "sunssf"],
  ...phases(["PPVphAB", "PPVphBC", "PPVphCA", "PhVphA", "PhVphB", "PhVphC"], "uint16", "V_SF"), ["V_SF", "sunssf"],
  ["W", "int16", { sf: "W_SF" }], ["W_SF", "sunssf"],
  ["Hz", "uint16", { sf: "Hz_SF" }], ["Hz_SF", "sunssf"],
  ["VA", "int16", { sf: "VA_SF" }], ["VA_SF", "sunssf"],
  ["VAr", "int16", { sf: "VAr_SF" }], ["VAr_SF", "sunssf"],
  ["PF", "int16", { sf: "PF_SF" }], ["PF_SF", "sunssf"],
  ["WH", "acc32", { sf: "WH_SF" }], ["WH_SF", "sunssf"],
  ["DCA", "uint16", { sf: "DCA_SF" }], ["DCA_SF", "sunssf"],
  ["DCV", "uint16", { sf: "DCV_SF" }], ["DCV_SF", "sunssf"],
  ["DCW", "int16", { sf: "DCW_SF" }], ["DCW_SF", "sunssf"],
  ...phases(["TmpCab", "TmpSnk", "TmpTrns", "TmpOt"], "int16", "Tmp_SF"), ["Tmp_SF", "sunssf"],
  ["St", "enum16"], ["StVnd", "enum16"],
  ["Evt1", "bitfield32"], ["Evt2", "bitfield32"], ["EvtVnd1", "bitfield32"], ["EvtVnd2", "bitfield32"],
  ["EvtVnd3", "bitfield32"], ["EvtVnd4", "bitfield32"],
];

const nameplate: ModelSpec = {
  id: 120, name: "nameplate", length: 26, points: [
    ["DERTyp", "enum16"],
    ["WRtg", "uint16", { sf: "WRtg_SF" }], ["WRtg_SF", "sunssf"],
    ["VARtg", "uint16", { sf: "VARtg_SF" }], ["VARtg_SF", "sunssf"],
    ...phases(["VArRtgQ1", "VArRtgQ2", "VArRtgQ3", "VArRtgQ4"], "int16", "VArRtg_SF"), ["VArRtg_SF", "sunssf"],
    ["ARtg", "uint16", { sf: "ARtg_SF" }], ["ARtg_SF", "sunssf"],
    ...phases(["PFRtgQ1", "PFRtgQ2", "PFRtgQ3", "PFRtgQ4"], "int16", "PFRtg_SF"), ["PFRtg_SF", "sunssf"],
    ["WHRtg", "uint16", { sf: "WHRtg_SF" }], ["WHRtg_SF", "sunssf"],
    ["AhrRtg", "uint16", { sf: "AhrRtg_SF" }], ["AhrRtg_SF", "sunssf"],
    ["MaxChaRte", "uint16", { sf: "MaxChaRte_SF" }], ["MaxChaRte_SF", "sunssf"],
    ["MaxDisChaRte", "uint16", { sf: "MaxDisChaRte_SF" }], ["MaxDisChaRte_SF", "sunssf"],
    ["Pad", "pad"],
  ],
};

const settings: ModelSpec = {
  id: 121, name: "settings", length: 30, points: [
    ["WMax", "uint16", sfRw("WMax_SF")], ["VRef", "uint16", sfRw("VRef_SF")], ["VRefOfs", "int16", sfRw("VRefOfs_SF")],
    ["VMax", "uint16", sfRw("VMinMax_SF")], ["VMin", "uint16", sfRw("VMinMax_SF")], ["VAMax", "uint16", sfRw("VAMax_SF")],
    ["VArMaxQ1", "int16", sfRw("VArMax_SF")], ["VArMaxQ2", "int16", sfRw("VArMax_SF")],
    ["VArMaxQ3", "int16", sfRw("VArMax_SF")], ["VArMaxQ4", "int16", sfRw("VArMax_SF")],
    ["WGra", "uint16", sfRw("WGra_SF")],
    ["PFMinQ1", "int16", sfRw("PFMin_SF")], ["PFMinQ2", "int16", sfRw("PFMin_SF")],
    ["PFMinQ3", "int16", sfRw("PFMin_SF")], ["PFMinQ4", "int16", sfRw("PFMin_SF")],
    ["VArAct", "enum16", rw], ["ClcTotVA", "enum16", rw],
    ["MaxRmpRte", "uint16", sfRw("MaxRmpRte_SF")], ["ECPNomHz", "uint16", sfRw("ECPNomHz_SF")], ["ConnPh", "enum16", rw],
    ["WMax_SF", "sunssf"], ["VRef_SF", "sunssf"], ["VRefOfs_SF", "sunssf"], ["VMinMax_SF", "sunssf"], ["VAMax_SF", "sunssf"],
    ["VArMax_SF", "sunssf"], ["WGra_SF", "sunssf"], ["PFMin_SF", "sunssf"], ["MaxRmpRte_SF", "sunssf"], ["ECPNomHz_SF", "sunssf"],
  ],
};

const status: ModelSpec = {
  id: 122, name: "status", length: 44, points: [
    ["PVConn", "bitfield16"], ["StorConn", "bitfield16"], ["ECPConn", "bitfield16"],
    ["ActWh", "acc64"], ["ActVAh", "acc64"], ["ActVArhQ1", "acc64"], ["ActVArhQ2", "acc64"], ["ActVArhQ3", "acc64"], ["ActVArhQ4", "acc64"],
    ["VArAval", "int16", { sf: "VArAval_SF" }], ["VArAval_SF", "sunssf"],
    ["WAval", "uint16", { sf: "WAval_SF" }], ["WAval_SF", "sunssf"],
    ["StSetLimMsk", "bitfield32"], ["StActCtl", "bitfield32"], ["TmSrc", "string", { size: 4 }], ["Tms", "uint32"],
    ["RtSt", "bitfield16"], ["Ris", "uint16", { sf: "Ris_SF" }], ["Ris_SF", "sunssf"],
  ],
};

const controls: ModelSpec = {
  id: 123, name: "controls", length: 24, points: [
    ["Conn_WinTms", "uint16", rw], ["Conn_RvrtTms", "uint16", rw], ["Conn", "enum16", rw],
    ["WMaxLimPct", "uint16", sfRw("WMaxLimPct_SF")], ["WMaxLimPct_WinTms", "uint16", rw],
    ["WMaxLimPct_RvrtTms", "uint16", rw], ["WMaxLimPct_RmpTms", "uint16", rw], ["WMaxLim_Ena", "enum16", rw],
    ["OutPFSet", "int16", sfRw("OutPFSet_SF")], ["OutPFSet_WinTms", "uint16", rw], ["OutPFSet_RvrtTms", "uint16", rw],
    ["OutPFSet_RmpTms", "uint16", rw], ["OutPFSet_Ena", "enum16", rw],
    ["VArWMaxPct", "int16", sfRw("VArPct_SF")], ["VArMaxPct", "int16", sfRw("VArPct_SF")], ["VArAvalPct", "int16", sfRw("VArPct_SF")],
    ["VArPct_WinTms", "uint16", rw], ["VArPct_RvrtTms", "uint16", rw], ["VArPct_RmpTms", "uint16", rw],
    ["VArPct_Mod", "enum16", rw], ["VArPct_Ena", "enum16", rw],
    ["WMaxLimPct_SF", "sunssf"], ["OutPFSet_SF", "sunssf"], ["VArPct_SF", "sunssf"],
  ],
};

const storage: ModelSpec = {
  id: 124, name: "storage", length: 24, points: [
    ["WChaMax", "uint16", sfRw("WChaMax_SF")], ["WChaGra", "uint16", sfRw("WChaDisChaGra_SF")],
    ["WDisChaGra", "uint16", sfRw("WChaDisChaGra_SF")], ["StorCtl_Mod", "bitfield16", rw],
    ["VAChaMax", "uint16", sfRw("VAChaMax_SF")], ["MinRsvPct", "uint16", sfRw("MinRsvPct_SF")],
    ["ChaState", "uint16", { sf: "ChaState_SF" }], ["StorAval", "uint16", { sf: "StorAval_SF" }],
    ["InBatV", "uint16", { sf: "InBatV_SF" }], ["ChaSt", "enum16"],
    ["OutWRte", "int16", sfRw("InOutWRte_SF")], ["InWRte", "int16", sfRw("InOutWRte_SF")],
    ["InOutWRte_WinTms", "uint16", rw], ["InOutWRte_RvrtTms", "uint16", rw], ["InOutWRte_RmpTms", "uint16", rw],
    ["ChaGriSet", "enum16", rw],
    ["WChaMax_SF", "sunssf"], ["WChaDisChaGra_SF", "sunssf"], ["VAChaMax_SF", "sunssf"], ["MinRsvPct_SF", "sunssf"],
    ["ChaState_SF", "sunssf"], ["StorAval_SF", "sunssf"], ["InBatV_SF", "sunssf"], ["InOutWRte_SF", "sunssf"],
  ],
};

/** 201-204 share one layout; 201 names its line-to-line voltages PPVph*, 202-204 PhVph*. */
function meterPoints(lineToLine: "PPVph" | "PhVph"): PointSpec[] {
  const abc = (p: string, suffix = "") => ["A", "B", "C"].map((x) => `${p}${suffix}${x}`);
  const energy = (names: string[], sf: string): PointSpec[] => names.map((n) => [n, "acc32", { sf }] as const);
  return [
    ...phases(["A", ...abc("Aph")], "int16", "A_SF"), ["A_SF", "sunssf"],
    ...phases(["PhV", ...abc("PhVph"), "PPV", ...["AB", "BC", "CA"].map((x) => lineToLine + x)], "int16", "V_SF"), ["V_SF", "sunssf"],
    ["Hz", "int16", { sf: "Hz_SF" }], ["Hz_SF", "sunssf"],
    ...phases(["W", ...abc("Wph")], "int16", "W_SF"), ["W_SF", "sunssf"],
    ...phases(["VA", ...abc("VAph")], "int16", "VA_SF"), ["VA_SF", "sunssf"],
    ...phases(["VAR", ...abc("VARph")], "int16", "VAR_SF"), ["VAR_SF", "sunssf"],
    ...phases(["PF", ...abc("PFph")], "int16", "PF_SF"), ["PF_SF", "sunssf"],
    ...energy(["TotWhExp", ...abc("TotWhExpPh"), "TotWhImp", ...abc("TotWhImpPh")], "TotWh_SF"), ["TotWh_SF", "sunssf"],
    ...energy(["TotVAhExp", ...abc("TotVAhExpPh"), "TotVAhImp", ...abc("TotVAhImpPh")], "TotVAh_SF"), ["TotVAh_SF", "sunssf"],
    ...energy(["TotVArhImpQ1", ...abc("TotVArhImpQ1Ph"), "TotVArhImpQ2", ...abc("TotVArhImpQ2Ph"),
      "TotVArhExpQ3", ...abc("TotVArhExpQ3Ph"), "TotVArhExpQ4", ...abc("TotVArhExpQ4Ph")], "TotVArh_SF"), ["TotVArh_SF", "sunssf"],
    ["Evt", "bitfield32"],
  ];
}

function derPhase(n: 1 | 2 | 3): PointSpec[] {
  const ll = { 1: "VL1L2", 2: "VL2L3", 3: "VL3L1" }[n];
  return [
    [`WL${n}`, "int16", { sf: "W_SF" }], [`VAL${n}`, "int16", { sf: "VA_SF" }], [`VarL${n}`, "int16", { sf: "Var_SF" }],
    [`PFL${n}`, "int16", { sf: "PF_SF" }], [`AL${n}`, "int16", { sf: "A_SF" }], [ll, "uint16", { sf: "V_SF" }],
    [`VL${n}`, "uint16", { sf: "V_SF" }],
    [`TotWhInjL${n}`, "uint64", { sf: "TotWh_SF" }], [`TotWhAbsL${n}`, "uint64", { sf: "TotWh_SF" }],
    [`TotVarhInjL${n}`, "uint64", { sf: "TotVarh_SF" }], [`TotVarhAbsL${n}`, "uint64", { sf: "TotVarh_SF" }],
  ];
}

const derMeasureAc: ModelSpec = {
  id: 701, name: "DERMeasureAC", length: 153, points: [
    ["ACType", "enum16"], ["St", "enum16"], ["InvSt", "enum16"], ["ConnSt", "enum16"], ["Alrm", "bitfield32"], ["DERMode", "bitfield32"],
    ["W", "int16", { sf: "W_SF" }], ["VA", "int16", { sf: "VA_SF" }], ["Var", "int16", { sf: "Var_SF" }], ["PF", "int16", { sf: "PF_SF" }],
    ["A", "int16", { sf: "A_SF" }], ["LLV", "uint16", { sf: "V_SF" }], ["LNV", "uint16", { sf: "V_SF" }], ["Hz", "uint32", { sf: "Hz_SF" }],
    ["TotWhInj", "uint64", { sf: "TotWh_SF" }], ["TotWhAbs", "uint64", { sf: "TotWh_SF" }],
    ["TotVarhInj", "uint64", { sf: "TotVarh_SF" }], ["TotVarhAbs", "uint64", { sf: "TotVarh_SF" }],
    ...phases(["TmpAmb", "TmpCab", "TmpSnk", "TmpTrns", "TmpSw", "TmpOt"], "int16", "Tmp_SF"),
    ...derPhase(1), ...derPhase(2), ...derPhase(3),
    ["ThrotPct", "uint16"], ["ThrotSrc", "bitfield32"],
    ["A_SF", "sunssf"], ["V_SF", "sunssf"], ["Hz_SF", "sunssf"], ["W_SF", "sunssf"], ["PF_SF", "sunssf"], ["VA_SF", "sunssf"],
    ["Var_SF", "sunssf"], ["TotWh_SF", "sunssf"], ["TotVarh_SF", "sunssf"], ["Tmp_SF", "sunssf"],
    ["MnAlrmInfo", "string", { size: 32 }],
  ],
};

const derCapacity: ModelSpec = {
  id: 702, name: "DERCapacity", length: 50, points: [
    ["WMaxRtg", "uint16", { sf: "W_SF" }], ["WOvrExtRtg", "uint16", { sf: "W_SF" }], ["WOvrExtRtgPF", "uint16", { sf: "PF_SF" }],
    ["WUndExtRtg", "uint16", { sf: "W_SF" }], ["WUndExtRtgPF", "uint16", { sf: "PF_SF" }], ["VAMaxRtg", "uint16", { sf: "VA_SF" }],
    ["VarMaxInjRtg", "uint16", { sf: "Var_SF" }], ["VarMaxAbsRtg", "uint16", { sf: "Var_SF" }],
    ["WChaRteMaxRtg", "uint16", { sf: "W_SF" }], ["WDisChaRteMaxRtg", "uint16", { sf: "W_SF" }],
    ["VAChaRteMaxRtg", "uint16", { sf: "VA_SF" }], ["VADisChaRteMaxRtg", "uint16", { sf: "VA_SF" }],
    ["VNomRtg", "uint16", { sf: "V_SF" }], ["VMaxRtg", "uint16", { sf: "V_SF" }], ["VMinRtg", "uint16", { sf: "V_SF" }],
    ["AMaxRtg", "uint16", { sf: "A_SF" }], ["PFOvrExtRtg", "uint16", { sf: "PF_SF" }], ["PFUndExtRtg", "uint16", { sf: "PF_SF" }],
    ["ReactSusceptRtg", "uint16", { sf: "S_SF" }], ["NorOpCatRtg", "enum16"], ["AbnOpCatRtg", "enum16"],
    ["CtrlModes", "bitfield32"], ["IntIslandCatRtg", "bitfield16"],
    ["WMax", "uint16", sfRw("W_SF")], ["WMaxOvrExt", "uint16", sfRw("W_SF")], ["WOvrExtPF", "uint16", sfRw("PF_SF")],
    ["WMaxUndExt", "uint16", sfRw("W_SF")], ["WUndExtPF", "uint16", sfRw("PF_SF")], ["VAMax", "uint16", sfRw("VA_SF")],
    ["VarMaxInj", "uint16", sfRw("Var_SF")], ["VarMaxAbs", "uint16", sfRw("Var_SF")], ["WChaRteMax", "uint16", sfRw("W_SF")],
    ["WDisChaRteMax", "uint16", sfRw("W_SF")], ["VAChaRteMax", "uint16", sfRw("VA_SF")], ["VADisChaRteMax", "uint16", sfRw("VA_SF")],
    ["VNom", "uint16", sfRw("V_SF")], ["VMax", "uint16", sfRw("V_SF")], ["VMin", "uint16", sfRw("V_SF")],
    ["AMax", "uint16", sfRw("A_SF")], ["PFOvrExt", "uint16", sfRw("PF_SF")], ["PFUndExt", "uint16", sfRw("PF_SF")],
    ["IntIslandCat", "bitfield16", rw],
    ["W_SF", "sunssf"], ["PF_SF", "sunssf"], ["VA_SF", "sunssf"], ["Var_SF", "sunssf"], ["V_SF", "sunssf"], ["A_SF", "sunssf"],
    ["S_SF", "sunssf"],
  ],
};

const derEnterService: ModelSpec = {
  id: 703, name: "DEREnterService", length: 17, points: [
    ["ES", "enum16", rw], ["ESVHi", "uint16", sfRw("V_SF")], ["ESVLo", "uint16", sfRw("V_SF")],
    ["ESHzHi", "uint32", sfRw("Hz_SF")], ["ESHzLo", "uint32", sfRw("Hz_SF")],
    ["ESDlyTms", "uint32", rw], ["ESRndTms", "uint32", rw], ["ESRmpTms", "uint32", rw], ["ESDlyRemTms", "uint32"],
    ["V_SF", "sunssf"], ["Hz_SF", "sunssf"],
  ],
};

const derCtlAc: ModelSpec = {
  id: 704, name: "DERCtlAC", length: 65, points: [
    ["PFWInjEna", "enum16", rw], ["PFWInjEnaRvrt", "enum16", rw], ["PFWInjRvrtTms", "uint32", rw], ["PFWInjRvrtRem", "uint32"],
    ["PFWAbsEna", "enum16", rw], ["PFWAbsEnaRvrt", "enum16", rw], ["PFWAbsRvrtTms", "uint32", rw], ["PFWAbsRvrtRem", "uint32"],
    ["WMaxLimPctEna", "enum16", rw], ["WMaxLimPct", "uint16", sfRw("WMaxLimPct_SF")],
    ["WMaxLimPctRvrt", "uint16", sfRw("WMaxLimPct_SF")], ["WMaxLimPctEnaRvrt", "enum16", rw],
    ["WMaxLimPctRvrtTms", "uint32", rw], ["WMaxLimPctRvrtRem", "uint32"],
    ["WSetEna", "enum16", rw], ["WSetMod", "enum16", rw], ["WSet", "int32", sfRw("WSet_SF")], ["WSetRvrt", "int32", sfRw("WSet_SF")],
    ["WSetPct", "int16", sfRw("WSetPct_SF")], ["WSetPctRvrt", "int16", sfRw("WSetPct_SF")], ["WSetEnaRvrt", "enum16", rw],
    ["WSetRvrtTms", "uint32", rw], ["WSetRvrtRem", "uint32"],
    ["VarSetEna", "enum16", rw], ["VarSetMod", "enum16", rw], ["VarSetPri", "enum16", rw],
    ["VarSet", "int32", sfRw("VarSet_SF")], ["VarSetRvrt", "int32", sfRw("VarSet_SF")],
    ["VarSetPct", "int16", sfRw("VarSetPct_SF")], ["VarSetPctRvrt", "int16", sfRw("VarSetPct_SF")], ["VarSetEnaRvrt", "enum16", rw],
    ["VarSetRvrtTms", "uint32", rw], ["VarSetRvrtRem", "uint32"],
    ["WRmp", "uint16", rw], ["WRmpRef", "enum16", rw], ["VarRmp", "uint16", rw], ["AntiIslEna", "enum16", rw],
    ["PF_SF", "sunssf"], ["WMaxLimPct_SF", "sunssf"], ["WSet_SF", "sunssf"], ["WSetPct_SF", "sunssf"],
    ["VarSet_SF", "sunssf"], ["VarSetPct_SF", "sunssf"],
    ["PFWInj.PF", "uint16", sfRw("PF_SF")], ["PFWInj.Ext", "enum16", rw],
    ["PFWInjRvrt.PF", "uint16", sfRw("PF_SF")], ["PFWInjRvrt.Ext", "enum16", rw],
    ["PFWAbs.PF", "uint16", sfRw("PF_SF")], ["PFWAbs.Ext", "enum16", rw],
    ["PFWAbsRvrt.PF", "uint16", sfRw("PF_SF")], ["PFWAbsRvrt.Ext", "enum16", rw],
  ],
};

const inverter = (id: number): ModelSpec => ({ id, name: "inverter", length: 50, points: inverterPoints });
const meter = (id: number, ll: "PPVph" | "PhVph"): ModelSpec => ({ id, name: "ac_meter", length: 105, points: meterPoints(ll) });

export const modelSpecs: readonly ModelSpec[] = [
  common, inverter(101), inverter(102), inverter(103), nameplate, settings, status, controls, storage,
  meter(201, "PPVph"), meter(202, "PhVph"), meter(203, "PhVph"), meter(204, "PhVph"),
  derMeasureAc, derCapacity, derEnterService, derCtlAc,
];
