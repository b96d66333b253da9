/**
 * The plant's address space: Objects/Plant with plant-level points and Chiller1..n below it, all in the server's
 * own namespace with string NodeIds named after their browse path (ns=1;s=Plant.Chiller1.CHWSetpoint). Setpoints
 * and limits are AnalogItems with an InstrumentRange, so the server itself refuses out-of-range writes
 * (BadOutOfRange); measured values are read-only (BadNotWritable).
 */
import {
  coerceInt64, DataType, standardUnits, Variant, VariantArrayType,
  type EUInformation, type Namespace, type UAObject, type UAVariable,
} from "node-opcua";
import { RATED_KW } from "./model.ts";

type Value = number | boolean | string;

interface PointSpec {
  name: string;
  dataType: DataType;
  writable?: boolean;
  initial: Value;
  analog?: { unit: EUInformation; eu: [number, number]; limit?: boolean };
  states?: string[];
  description: string;
}

const plantPoints = (chillers: number): PointSpec[] => [
  { name: "Mode", dataType: DataType.UInt32, writable: true, initial: 1, states: ["Off", "Auto", "Manual"], description: "plant operating mode" },
  { name: "DemandLimit", dataType: DataType.Float, writable: true, initial: 100, analog: { unit: standardUnits.percent, eu: [0, 100], limit: true }, description: "cap on total chiller power, % of rated" },
  { name: "TotalPower", dataType: DataType.Double, initial: 0, analog: { unit: standardUnits.kilowatt, eu: [0, RATED_KW * chillers] }, description: "electrical power of all chillers" },
  { name: "OutdoorTemp", dataType: DataType.Double, initial: 30, analog: { unit: standardUnits.degree_celsius, eu: [-30, 50] }, description: "outdoor air temperature" },
];

const chillerPoints: PointSpec[] = [
  { name: "Enable", dataType: DataType.Boolean, writable: true, initial: true, description: "run permission" },
  { name: "Running", dataType: DataType.Boolean, initial: false, description: "compressor running" },
  { name: "CHWSetpoint", dataType: DataType.Double, writable: true, initial: 7, analog: { unit: standardUnits.degree_celsius, eu: [4, 15], limit: true }, description: "chilled-water supply setpoint" },
  { name: "CHWSupplyTemp", dataType: DataType.Double, initial: 12, analog: { unit: standardUnits.degree_celsius, eu: [0, 30] }, description: "chilled-water supply temperature" },
  { name: "CHWReturnTemp", dataType: DataType.Double, initial: 12, analog: { unit: standardUnits.degree_celsius, eu: [0, 30] }, description: "chilled-water return temperature" },
  { name: "Power", dataType: DataType.Double, initial: 0, analog: { unit: standardUnits.kilowatt, eu: [0, RATED_KW] }, description: "electrical power" },
  { name: "Load", dataType: DataType.Float, initial: 0, analog: { unit: standardUnits.percent, eu: [0, 100] }, description: "cooling load, % of capacity" },
  { name: "RunHours", dataType: DataType.UInt32, initial: 0, description: "compressor run hours" },
  { name: "EnergyTotal", dataType: DataType.UInt64, initial: 0, description: "electrical energy since commissioning, Wh" },
  { name: "Model", dataType: DataType.String, initial: "GH-CH-400", description: "model designation" },
  { name: "Alarm", dataType: DataType.Boolean, initial: false, description: "supply water too warm while running" },
];

function variant(dataType: DataType, value: Value): Variant {
  return dataType === DataType.UInt64 || dataType === DataType.Int64
    ? new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: coerceInt64(String(value)) })
    : new Variant({ dataType, value });
}

export class PlantNodes {
  private readonly variables = new Map<string, { node: UAVariable; dataType: DataType }>();

  constructor(namespace: Namespace, objects: UAObject, readonly chillers: number) {
    const plant = namespace.addObject({ browseName: "Plant", nodeId: "s=Plant", organizedBy: objects, description: "chiller plant controller" });
    this.addPoints(namespace, plant, "Plant", plantPoints(chillers));
    for (let i = 1; i <= chillers; i++) {
      const id = `Plant.Chiller${i}`;
      const chiller = namespace.addObject({ browseName: `Chiller${i}`, nodeId: `s=${id}`, componentOf: plant, description: `chiller ${i}` });
      this.addPoints(namespace, chiller, id, chillerPoints);
    }
  }

  ids(): string[] {
    return [...this.variables.keys()];
  }

  get(id: string): Value {
    const v = this.entry(id).node.readValue().value;
    if (v.dataType === DataType.UInt64 || v.dataType === DataType.Int64) {
      const [high, low] = v.value as [number, number];
      return high * 2 ** 32 + low;
    }
    return v.value as Value;
  }

  /** Sets a value as the device itself would (not a client write): no access or range checks. */
  set(id: string, value: Value) {
    const { node, dataType } = this.entry(id);
    node.setValueFromSource(variant(dataType, value));
  }

  private entry(id: string) {
    const e = this.variables.get(id);
    if (!e) throw new Error(`the plant has no variable ${id} (known: ${this.ids().join(", ")})`);
    return e;
  }

  private addPoints(namespace: Namespace, parent: UAObject, prefix: string, specs: PointSpec[]) {
    for (const p of specs) {
      const id = `${prefix}.${p.name}`;
      const access = p.writable ? "CurrentRead | CurrentWrite" : "CurrentRead";
      const common = {
        componentOf: parent, browseName: p.name, nodeId: `s=${id}`, description: p.description,
        accessLevel: access, userAccessLevel: access,
        // 0 = exception-based: monitored items are notified on each change instead of sampling
        minimumSamplingInterval: 0,
      };
      let node: UAVariable;
      if (p.states) {
        node = namespace.addMultiStateDiscrete({ ...common, enumStrings: p.states, value: p.initial as number });
      } else if (p.analog) {
        const [low, high] = p.analog.eu;
        node = namespace.addAnalogDataItem({
          ...common, dataType: DataType[p.dataType], engineeringUnits: p.analog.unit, engineeringUnitsRange: { low, high },
          ...(p.analog.limit ? { instrumentRange: { low, high } } : {}),
          value: { dataType: p.dataType, value: p.initial },
        });
      } else {
        node = namespace.addVariable({ ...common, dataType: DataType[p.dataType], value: variant(p.dataType, p.initial) });
      }
      this.variables.set(id, { node, dataType: p.dataType });
    }
  }
}
