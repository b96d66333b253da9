/**
 * The device classes this package knows, with their typed properties. Codes, sizes and value ranges follow the
 * ECHONET Consortium's Machine Readable Appendix (checked per EPC, see docs/decisions.md). The
 * simulator builds its objects from these definitions; discovery uses them to suggest a mapping table.
 */
import type { DataType } from "gridhub/hub";
import type { DeviceClass } from "gridhub/model";

export type PropKind = Exclude<DataType, "string" | "bitfield" | "int64" | "uint64" | "float32" | "float64"> | "raw";

export interface PropDef {
  epc: number;
  name: string;
  kind: PropKind;
  /** bytes; fixed by `kind` except for raw */
  size: number;
  get: boolean;
  set: boolean;
  /** announced (INF) when it changes */
  inf: boolean;
  /** accepted values for Set: a range, or enumerated codes */
  range?: [number, number];
  codes?: number[];
}

export interface ClassDef {
  code: number;
  name: string;
  deviceClass: DeviceClass;
  /** mapping table in mappings/echonet-lite/ */
  table: string;
  props: PropDef[];
}

const SIZE: Record<Exclude<PropKind, "raw">, number> = { bool: 1, enum: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4 };

type Access = "r" | "rw" | "r+inf" | "rw+inf";
function p(epc: number, name: string, kind: PropKind, access: Access, extra: { size?: number; range?: [number, number]; codes?: number[] } = {}): PropDef {
  return {
    epc, name, kind, size: extra.size ?? (kind === "raw" ? 0 : SIZE[kind]),
    get: true, set: access.startsWith("rw"), inf: access.endsWith("+inf"),
    ...(extra.range ? { range: extra.range } : {}), ...(extra.codes ? { codes: extra.codes } : {}),
  };
}

/** Device object super class (Appendix ch. 2): what every device object carries. */
export const SUPER_CLASS: PropDef[] = [
  p(0x80, "operationStatus", "enum", "rw+inf", { codes: [0x30, 0x31] }),
  p(0x81, "installationLocation", "uint8", "rw+inf", { range: [0, 255] }),
  p(0x82, "standardVersion", "raw", "r", { size: 4 }),
  p(0x83, "identificationNumber", "raw", "r", { size: 17 }),
  p(0x88, "faultStatus", "enum", "r+inf", { codes: [0x41, 0x42] }),
  p(0x8a, "manufacturerCode", "raw", "r", { size: 3 }),
];

/** Node profile object 0x0EF0 (spec Part II §6.11). */
export const NODE_PROFILE_CLASS: PropDef[] = [
  p(0x80, "operationStatus", "enum", "r+inf", { codes: [0x30, 0x31] }),
  p(0x82, "versionInformation", "raw", "r", { size: 4 }),
  p(0x83, "identificationNumber", "raw", "r", { size: 17 }),
  p(0x8a, "manufacturerCode", "raw", "r", { size: 3 }),
  p(0xd3, "selfNodeInstances", "raw", "r", { size: 3 }),
  p(0xd4, "selfNodeClasses", "uint16", "r"),
  p(0xd6, "selfNodeInstanceListS", "raw", "r"),
  p(0xd7, "selfNodeClassListS", "raw", "r"),
];

const WH = [0, 999_999_999] as [number, number];

export const CLASSES: ClassDef[] = [
  {
    code: 0x0130, name: "home air conditioner", deviceClass: "air-conditioner", table: "air-conditioner/echonet-lite",
    props: [
      p(0x84, "instantaneousPowerW", "uint16", "r"),
      p(0x85, "cumulativeEnergyWh", "uint32", "r"),
      p(0x8f, "powerSaving", "enum", "rw+inf", { codes: [0x41, 0x42] }),
      p(0xa0, "airFlowRate", "enum", "rw+inf", { codes: [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x41] }),
      p(0xb0, "operationMode", "enum", "rw+inf", { codes: [0x40, 0x41, 0x42, 0x43, 0x44, 0x45] }),
      p(0xb3, "setTemperatureC", "uint8", "rw", { range: [0, 50] }),
      p(0xbb, "roomTemperatureC", "int8", "r"),
      p(0xbe, "outdoorTemperatureC", "int8", "r"),
    ],
  },
  {
    code: 0x026b, name: "electric water heater", deviceClass: "water-heater", table: "water-heater/echonet-lite",
    props: [
      p(0x84, "instantaneousPowerW", "uint16", "r"),
      p(0xb0, "automaticHeating", "enum", "rw+inf", { codes: [0x41, 0x42, 0x43] }),
      p(0xb2, "heatingStatus", "enum", "r+inf", { codes: [0x41, 0x42] }),
      p(0xb3, "heatingTemperatureC", "uint8", "rw", { range: [0, 100] }),
      p(0xc0, "daytimeReheating", "enum", "rw", { codes: [0x41, 0x42] }),
      p(0xc1, "waterTemperatureC", "uint8", "r"),
      p(0xe1, "remainingHotWaterL", "uint16", "r"),
      p(0xe2, "tankCapacityL", "uint16", "r"),
    ],
  },
  {
    code: 0x0279, name: "household solar power generation", deviceClass: "pv", table: "pv/echonet-lite",
    props: [
      p(0xa0, "outputLimitPercent", "uint8", "rw", { range: [0, 100] }),
      p(0xa1, "outputLimitW", "uint16", "rw", { range: [0, 65533] }),
      p(0xd0, "interconnection", "enum", "r", { codes: [0x00, 0x01, 0x02, 0x03] }),
      p(0xd1, "restraintStatus", "enum", "r+inf", { codes: [0x41, 0x42, 0x43, 0x44, 0x45] }),
      p(0xe0, "generationW", "uint16", "r"),
      p(0xe1, "cumulativeGenerationWh", "uint32", "r"),
      p(0xe3, "cumulativeSoldWh", "uint32", "r"),
      p(0xe8, "ratedW", "uint16", "r"),
    ],
  },
  {
    code: 0x027d, name: "storage battery", deviceClass: "storage-battery", table: "storage-battery/echonet-lite",
    props: [
      p(0xa6, "chargeUpperLimitPercent", "uint8", "rw", { range: [0, 100] }),
      p(0xa7, "dischargeLowerLimitPercent", "uint8", "rw", { range: [0, 100] }),
      p(0xc8, "chargePowerRange", "raw", "r", { size: 8 }),
      p(0xc9, "dischargePowerRange", "raw", "r", { size: 8 }),
      p(0xcf, "workingStatus", "enum", "r+inf", { codes: [0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x49] }),
      p(0xd0, "ratedEnergyWh", "uint32", "r"),
      p(0xd3, "instantaneousPowerW", "int32", "r"),
      p(0xd6, "cumulativeDischargeWh", "uint32", "r"),
      p(0xd8, "cumulativeChargeWh", "uint32", "r"),
      // the simulated battery has no test or maintenance modes: 0x45, 0x48, 0x49 are refused with SetC_SNA
      p(0xda, "operationMode", "enum", "rw+inf", { codes: [0x40, 0x41, 0x42, 0x43, 0x44, 0x46] }),
      p(0xdb, "interconnection", "enum", "r", { codes: [0x00, 0x01, 0x02] }),
      p(0xe2, "remainingWh", "uint32", "r"),
      p(0xe4, "remainingPercent", "uint8", "r"),
      p(0xe6, "batteryType", "enum", "r", { codes: [0, 1, 2, 3, 4, 5, 6] }),
      p(0xeb, "chargePowerW", "uint32", "rw", { range: WH }),
      p(0xec, "dischargePowerW", "uint32", "rw", { range: WH }),
    ],
  },
  {
    code: 0x027e, name: "EV charger and discharger", deviceClass: "evse", table: "evse/echonet-lite",
    props: [
      p(0xc0, "dischargeableCapacityWh", "uint32", "r"),
      p(0xc2, "remainingDischargeableWh", "uint32", "r"),
      p(0xc5, "ratedChargeW", "uint32", "r"),
      p(0xc6, "ratedDischargeW", "uint32", "r"),
      p(0xc7, "vehicleStatus", "enum", "r+inf", { codes: [0xff, 0x30, 0x40, 0x41, 0x42, 0x43, 0x44] }),
      p(0xd3, "instantaneousPowerW", "int32", "r"),
      p(0xd6, "cumulativeDischargeWh", "uint32", "r"),
      p(0xd8, "cumulativeChargeWh", "uint32", "r"),
      p(0xda, "operationMode", "enum", "rw+inf", { codes: [0x40, 0x42, 0x43, 0x44, 0x47] }),
      p(0xe2, "remainingWh", "uint32", "r"),
      p(0xe4, "remainingPercent", "uint8", "r"),
      p(0xeb, "chargePowerW", "uint32", "rw", { range: WH }),
      p(0xec, "dischargePowerW", "uint32", "rw", { range: WH }),
    ],
  },
  {
    code: 0x0288, name: "low-voltage smart electric energy meter", deviceClass: "meter", table: "smart-meter/echonet-lite",
    props: [
      p(0xd3, "coefficient", "uint32", "r"),
      p(0xd7, "effectiveDigits", "uint8", "r"),
      p(0xe0, "cumulativeImport", "uint32", "r"),
      p(0xe1, "energyUnit", "enum", "r", { codes: [0x00, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d] }),
      p(0xe2, "importHistory", "raw", "r", { size: 194 }),
      p(0xe3, "cumulativeExport", "uint32", "r"),
      p(0xe5, "historyDay", "uint8", "rw", { range: [0, 99] }),
      p(0xe7, "instantaneousPowerW", "int32", "r"),
      p(0xe8, "instantaneousCurrents", "raw", "r", { size: 4 }),
      p(0xea, "fixedTimeImport", "raw", "r", { size: 11 }),
    ],
  },
  {
    code: 0x0290, name: "general lighting", deviceClass: "lighting", table: "lighting/echonet-lite",
    props: [
      p(0x84, "instantaneousPowerW", "uint16", "r"),
      p(0xb0, "lightLevelPercent", "uint8", "rw", { range: [0, 100] }),
      p(0xb6, "lightingMode", "enum", "rw", { codes: [0x41, 0x42, 0x43, 0x45] }),
    ],
  },
];

export function classDef(code: number): ClassDef | undefined {
  return CLASSES.find((c) => c.code === code);
}

/** Super class first, class properties override by EPC. */
export function devicePropDefs(def: ClassDef): PropDef[] {
  const own = new Set(def.props.map((x) => x.epc));
  return [...SUPER_CLASS.filter((x) => !own.has(x.epc)), ...def.props].sort((a, b) => a.epc - b.epc);
}

/** Multiplying factor of the smart meter's unit code (0xE1). */
export const ENERGY_UNITS: Record<number, number> = {
  0x00: 1, 0x01: 0.1, 0x02: 0.01, 0x03: 0.001, 0x04: 0.0001, 0x0a: 10, 0x0b: 100, 0x0c: 1000, 0x0d: 10000,
};
