/**
 * Plausible behaviour of the simulated devices. Every device reports its power flow (W, + consumption,
 * − generation) into one site per simulator; batteries in auto mode follow the site's surplus and the smart meter
 * measures the net. Integration is explicit Euler at the simulator's tick, in simulated seconds.
 */
import { createHash } from "node:crypto";
import { classDef, devicePropDefs, type ClassDef } from "../classes.ts";
import { classOf, formatEoj } from "../protocol/frame.ts";
import { SimObject } from "./object.ts";

export type Phase = "load" | "storage" | "meter";

export interface TickContext {
  /** simulated seconds since the last tick */
  dt: number;
  /** simulated wall clock */
  time: Date;
  utcOffsetHours: number;
  /** W generated beyond what loads consume, before storage (negative: deficit) */
  surplusW: number;
  /** W drawn from the grid by the whole site (meter phase only) */
  netW: number;
}

export interface Device {
  obj: SimObject;
  def: ClassDef;
  phase: Phase;
  /** W, + consumption, − generation */
  flowW: number;
  tick(c: TickContext): void;
  /** after a Set from the network was applied */
  afterSet?(epcs: number[], c: Omit<TickContext, "dt">): void;
}

type Params = Record<string, number>;
type Factory = (obj: SimObject, p: Params, def: ClassDef) => Device;

const ON = 0x30;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const param = (p: Params, k: string, d: number) => p[k] ?? d;
const bytes = (n: number, size: number) => {
  const b = Buffer.alloc(size);
  b.writeUIntBE(n, 0, size);
  return b;
};

function localHour(time: Date, utcOffsetHours: number): number {
  const t = time.getTime() / 3_600_000 + utcOffsetHours;
  return ((t % 24) + 24) % 24;
}

/** 0x83: 0xFE, manufacturer code, 13 bytes unique to the object. */
export function identification(seed: string, maker: number): Buffer {
  const id = Buffer.alloc(17);
  id[0] = 0xfe;
  id.writeUIntBE(maker, 1, 3);
  createHash("sha256").update(seed).digest().copy(id, 4, 0, 13);
  return id;
}

/** Storage battery 0x027D and EV charger/discharger 0x027E: state of charge kept as energy in Wh. */
function storage(ev: boolean): Factory {
  return (obj, p, def) => {
    const cap = param(p, "capacityWh", ev ? 40_000 : 10_000);
    const maxC = param(p, "maxChargeW", ev ? 6000 : 3000);
    const maxD = param(p, "maxDischargeW", ev ? 6000 : 3000);
    let energy = (cap * param(p, "socPercent", 50)) / 100;
    let charged = 0;
    let discharged = 0;
    obj.setNum(0xda, 0x44);
    obj.setNum(0xeb, maxC);
    obj.setNum(0xec, maxD);
    if (ev) {
      obj.setNum(0xc0, cap);
      obj.setNum(0xc5, maxC);
      obj.setNum(0xc6, maxD);
      obj.setNum(0xc7, param(p, "vehicleStatus", 0x43));
    } else {
      obj.setNum(0xa6, 100);
      obj.setNum(0xa7, param(p, "minSocPercent", 10));
      obj.put(0xc8, Buffer.concat([bytes(0, 4), bytes(maxC, 4)]));
      obj.put(0xc9, Buffer.concat([bytes(0, 4), bytes(maxD, 4)]));
      obj.setNum(0xd0, cap);
      obj.setNum(0xdb, 0x00);
      obj.setNum(0xe6, 0x04);
    }
    const device: Device = {
      obj, def, phase: "storage", flowW: 0,
      tick(c) {
        const on = obj.num(0x80) === ON;
        const mode = obj.num(0xda);
        const floor = ev ? cap * 0.1 : (cap * obj.num(0xa7)) / 100;
        const ceil = ev ? cap : (cap * obj.num(0xa6)) / 100;
        const connected = !ev || [0x41, 0x42, 0x43].includes(obj.num(0xc7));
        let w = 0;
        if (on && connected) {
          if (mode === 0x41) w = maxC;
          else if (mode === 0x42) w = Math.min(obj.num(0xeb), maxC);
          else if (mode === 0x43) w = -Math.min(obj.num(0xec), maxD);
          else if (mode === 0x46) w = clamp(c.surplusW, -maxD, maxC);
        }
        // stop at the limits instead of overshooting them within a tick
        if (w > 0) w = Math.min(w, Math.max(0, ((ceil - energy) * 3600) / c.dt));
        if (w < 0) w = -Math.min(-w, Math.max(0, ((energy - floor) * 3600) / c.dt));
        energy = clamp(energy + (w * c.dt) / 3600, 0, cap);
        if (w > 0) charged += (w * c.dt) / 3600;
        else discharged += (-w * c.dt) / 3600;
        device.flowW = w;
        obj.setNum(0xd3, w);
        obj.setNum(0xe2, energy);
        obj.setNum(0xe4, (energy / cap) * 100);
        obj.setNum(0xd6, discharged);
        obj.setNum(0xd8, charged);
        if (ev) obj.setNum(0xc2, Math.max(0, energy - floor));
        else obj.setNum(0xcf, w > 0 ? (mode === 0x41 ? 0x41 : 0x42) : w < 0 ? 0x43 : on && mode === 0x46 ? 0x46 : 0x44);
      },
    };
    device.tick({ dt: 1, time: new Date(0), utcOffsetHours: 0, surplusW: 0, netW: 0 });
    return device;
  };
}

/** Household PV 0x0279: a clear-sky half sine between 06:00 and 18:00, capped by the output restrictions. */
const pv: Factory = (obj, p, def) => {
  const rated = param(p, "ratedW", 4000);
  let generated = param(p, "cumulativeWh", 0);
  obj.setNum(0xa0, 100);
  obj.setNum(0xa1, rated);
  obj.setNum(0xd0, 0x00);
  obj.setNum(0xd1, 0x44);
  obj.setNum(0xe0, 0);
  obj.setNum(0xe1, generated);
  obj.setNum(0xe8, rated);
  const device: Device = {
    obj, def, phase: "load", flowW: 0,
    tick(c) {
      const h = localHour(c.time, c.utcOffsetHours);
      const potential = obj.num(0x80) === ON && h > 6 && h < 18 ? rated * Math.sin((Math.PI * (h - 6)) / 12) : 0;
      const out = Math.min(potential, (rated * obj.num(0xa0)) / 100, obj.num(0xa1));
      generated += (out * c.dt) / 3600;
      device.flowW = -out;
      obj.setNum(0xe0, out);
      obj.setNum(0xe1, generated);
      obj.setNum(0xd1, out + 1 < potential ? 0x41 : 0x44);
    },
  };
  return device;
};

/** Electric water heater 0x026B: a tank heated by a resistive element, losing heat to a 20 °C room. */
const waterHeater: Factory = (obj, p, def) => {
  const tankL = param(p, "tankL", 370);
  const heaterW = param(p, "heaterW", 1500);
  let temp = param(p, "waterTempC", 55);
  let heating = false;
  obj.setNum(0xb0, 0x41);
  obj.setNum(0xb3, param(p, "setpointC", 65));
  obj.setNum(0xc0, 0x41);
  obj.setNum(0xe2, tankL);
  const publish = () => {
    obj.setNum(0x84, heating ? heaterW : 0);
    obj.setNum(0xb2, heating ? 0x41 : 0x42);
    obj.setNum(0xc1, temp);
    obj.setNum(0xe1, tankL * clamp((temp - 20) / 45, 0, 1));
  };
  publish();
  const device: Device = {
    obj, def, phase: "load", flowW: 0,
    tick(c) {
      const mode = obj.num(0xb0);
      const set = obj.num(0xb3);
      const auto = mode === 0x41 && (temp < set - 2 || (heating && temp < set));
      heating = obj.num(0x80) === ON && (mode === 0x42 || auto) && temp < 95;
      temp += ((heating ? heaterW : 0) * c.dt) / (tankL * 4186) - (temp - 20) * c.dt * 1e-5;
      device.flowW = heating ? heaterW : 0;
      publish();
    },
  };
  return device;
};

/** General lighting 0x0290: power follows the light level. */
const lighting: Factory = (obj, p, def) => {
  const rated = param(p, "ratedW", 60);
  obj.setNum(0xb0, 100);
  obj.setNum(0xb6, 0x42);
  const device: Device = {
    obj, def, phase: "load", flowW: 0,
    tick() {
      device.flowW = obj.num(0x80) === ON ? (rated * obj.num(0xb0)) / 100 : 0;
      obj.setNum(0x84, device.flowW);
    },
  };
  device.tick({ dt: 1, time: new Date(0), utcOffsetHours: 0, surplusW: 0, netW: 0 });
  return device;
};

/** Home air conditioner 0x0130: the room approaches the set temperature; power falls as it gets there. */
const airConditioner: Factory = (obj, p, def) => {
  const rated = param(p, "ratedW", 1200);
  const outdoor = param(p, "outdoorTempC", 33);
  let room = param(p, "roomTempC", 28);
  let energy = 0;
  obj.setNum(0x8f, 0x42);
  obj.setNum(0xa0, 0x41);
  obj.setNum(0xb0, 0x42);
  obj.setNum(0xb3, param(p, "setpointC", 26));
  obj.setNum(0xbe, outdoor);
  const device: Device = {
    obj, def, phase: "load", flowW: 0,
    tick(c) {
      const on = obj.num(0x80) === ON;
      const mode = obj.num(0xb0);
      const conditioning = on && [0x41, 0x42, 0x43, 0x44].includes(mode);
      const target = conditioning ? obj.num(0xb3) : outdoor;
      room += (target - room) * Math.min(1, c.dt / (conditioning ? 900 : 3600));
      let w = 0;
      if (conditioning) w = rated * clamp(Math.abs(room - target) / 2 + 0.25, 0.25, 1) * (obj.num(0x8f) === 0x41 ? 0.7 : 1);
      else if (on) w = 40;
      energy += (w * c.dt) / 3600;
      device.flowW = w;
      obj.setNum(0x84, w);
      obj.setNum(0x85, energy);
      obj.setNum(0xbb, room);
    },
  };
  device.tick({ dt: 1, time: new Date(0), utcOffsetHours: 0, surplusW: 0, netW: 0 });
  return device;
};

const NO_DATA = 0xfffffffe;
const SLOT_MS = 30 * 60_000;

/**
 * Low-voltage smart meter 0x0288 (Route B): cumulative import/export in 0.1 kWh (unit 0x01, coefficient 1),
 * instantaneous power and currents, and the half-hourly history (0xE2) of the day chosen with 0xE5.
 */
const smartMeter: Factory = (obj, p, def) => {
  let importWh = param(p, "importKwh", 1234.5) * 1000;
  let exportWh = param(p, "exportKwh", 56.7) * 1000;
  const history = new Map<number, number[]>();
  let lastSlot: number | undefined;
  obj.setNum(0xd3, 1);
  obj.setNum(0xd7, 6);
  obj.setNum(0xe1, 0x01);
  obj.setNum(0xe5, 0);
  const reading = (wh: number) => Math.floor(wh / 100) % 100_000_000;
  const dayOf = (t: number, off: number) => Math.floor((t + off * 3_600_000) / 86_400_000);
  const record = (slotStart: number, off: number) => {
    const day = dayOf(slotStart, off);
    const row = history.get(day) ?? new Array<number>(48).fill(NO_DATA);
    row[Math.floor(((slotStart + off * 3_600_000) % 86_400_000) / SLOT_MS)] = reading(importWh);
    history.set(day, row);
    for (const d of history.keys()) if (d < day - 99) history.delete(d);
  };
  const publishHistory = (time: Date, off: number) => {
    const n = obj.num(0xe5);
    const row = history.get(dayOf(time.getTime(), off) - n) ?? new Array<number>(48).fill(NO_DATA);
    const e2 = Buffer.alloc(194);
    e2.writeUInt16BE(n, 0);
    row.forEach((v, i) => e2.writeUInt32BE(v, 2 + 4 * i));
    obj.put(0xe2, e2);
  };
  const fixedTime = (slotStart: number, off: number) => {
    const t = new Date(slotStart + off * 3_600_000);
    const b = Buffer.alloc(11);
    b.writeUInt16BE(t.getUTCFullYear(), 0);
    b.writeUInt8(t.getUTCMonth() + 1, 2);
    b.writeUInt8(t.getUTCDate(), 3);
    b.writeUInt8(t.getUTCHours(), 4);
    b.writeUInt8(t.getUTCMinutes(), 5);
    b.writeUInt8(0, 6);
    b.writeUInt32BE(reading(importWh), 7);
    obj.put(0xea, b);
  };
  const device: Device = {
    obj, def, phase: "meter", flowW: 0,
    tick(c) {
      const now = c.time.getTime();
      const slot = Math.floor(now / SLOT_MS) * SLOT_MS;
      if (lastSlot === undefined) {
        // a past that fits: the last day and a half at the average of a modest household (500 W)
        for (let s = slot - 72 * SLOT_MS; s <= slot; s += SLOT_MS) {
          const back = importWh - ((now - s) / 3_600_000) * 500;
          const saved = importWh;
          importWh = Math.max(0, back);
          record(s, c.utcOffsetHours);
          importWh = saved;
        }
        fixedTime(slot, c.utcOffsetHours);
      } else if (slot > lastSlot) {
        record(slot, c.utcOffsetHours);
        fixedTime(slot, c.utcOffsetHours);
      }
      lastSlot = slot;
      importWh += (Math.max(c.netW, 0) * c.dt) / 3600;
      exportWh += (Math.max(-c.netW, 0) * c.dt) / 3600;
      obj.setNum(0xe0, reading(importWh));
      obj.setNum(0xe3, reading(exportWh));
      obj.setNum(0xe7, c.netW);
      // single-phase three-wire, balanced: R and T carry half each, in 0.1 A at 100 V
      const currents = Buffer.alloc(4);
      const deciAmps = clamp(Math.round(c.netW / 2 / 100 * 10), -32767, 32765);
      currents.writeInt16BE(deciAmps, 0);
      currents.writeInt16BE(deciAmps, 2);
      obj.put(0xe8, currents);
      publishHistory(c.time, c.utcOffsetHours);
    },
    afterSet(epcs, c) {
      if (epcs.includes(0xe5)) publishHistory(c.time, c.utcOffsetHours);
    },
  };
  return device;
};

const FACTORIES: Record<number, Factory> = {
  0x0130: airConditioner, 0x026b: waterHeater, 0x0279: pv, 0x027d: storage(false), 0x027e: storage(true), 0x0288: smartMeter, 0x0290: lighting,
};

export function createDevice(eoj: number, params: Params, seed: string, maker: number): Device {
  const def = classDef(classOf(eoj));
  const factory = FACTORIES[classOf(eoj)];
  if (!def || !factory) throw new Error(`the simulator has no class ${formatEoj(eoj)} (it has ${Object.keys(FACTORIES).map((c) => `0x${Number(c).toString(16).padStart(4, "0").toUpperCase()}`).join(", ")})`);
  const obj = new SimObject(eoj, devicePropDefs(def));
  obj.put(0x80, Buffer.from([ON]));
  obj.put(0x81, Buffer.from([0x00]));
  // standard version information: Appendix Release R, revision 0
  obj.put(0x82, Buffer.from([0x00, 0x00, 0x52, 0x00]));
  obj.put(0x83, identification(seed, maker));
  obj.put(0x88, Buffer.from([0x42]));
  obj.put(0x8a, bytes(maker, 3));
  const device = factory(obj, params, def);
  obj.takeAnnouncements();
  return device;
}
