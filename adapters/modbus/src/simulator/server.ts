/**
 * The simulator's Modbus servers (modbus-serial's ServerTCP and ServerSerial) in front of the simulated units,
 * with what tests need to make a device misbehave: exception answers, a unit that stays silent, a TCP peer that
 * drops its connections or stops listening for a while. Every request is counted and logged.
 */
import modbus from "modbus-serial";
import type { IServiceVector } from "modbus-serial";
import type { Logger } from "pino";
import type { AddressInfo, Server } from "node:net";
import type { RegisterTable } from "../address.ts";
import { ServerException, type UnitMemory } from "./memory.ts";
import type { SunSpecImage } from "./sunspec-image.ts";
import type { SimulatedUnit } from "./devices.ts";

export interface RequestRecord {
  unit: number;
  op: "read" | "write";
  table: RegisterTable;
  start: number;
  count: number;
}

export interface TcpListen { host: string; port: number }
export interface SerialListen { path: string; baudRate: number; parity: "none" | "even" | "odd" }

type Cb<T> = (err: unknown, value?: T) => void;

const LOG_LIMIT = 10_000;

export class ModbusSimulator {
  readonly requests: RequestRecord[] = [];
  private faults = new Map<number, number[]>();
  private silent = new Set<number>();
  private tcp?: InstanceType<typeof modbus.ServerTCP>;
  private tcpAt?: TcpListen;
  private serial?: InstanceType<typeof modbus.ServerSerial>;
  private burst?: { record: RequestRecord; fault?: number };

  constructor(private units: Map<number, SimulatedUnit>, private logger?: Logger) {}

  unit(id: number): UnitMemory {
    const u = this.units.get(id);
    if (!u) throw new Error(`no simulated unit ${id}`);
    return u.memory;
  }

  sunspec(id: number): SunSpecImage {
    const s = this.units.get(id)?.sunspec;
    if (!s) throw new Error(`unit ${id} is not a SunSpec device`);
    return s;
  }

  /** The unit's next `times` requests are answered with this exception code (6: busy, 4: device failure, ...). */
  failNext(unitId: number, exception: number, times = 1) {
    this.faults.set(unitId, [...(this.faults.get(unitId) ?? []), ...Array(times).fill(exception)]);
  }

  /** A silent unit never answers, like a dead station on an RS-485 line. */
  setSilent(unitId: number, silent: boolean) {
    if (silent) this.silent.add(unitId);
    else this.silent.delete(unitId);
  }

  get port(): number | undefined {
    return this.tcpAt?.port;
  }

  async listenTcp(at: TcpListen) {
    // ServerTCP treats port 0 as "not given" and falls back to 502; as a string it reaches net.listen unchanged
    const server = new modbus.ServerTCP(this.vector("tcp"), { host: at.host, port: at.port === 0 ? ("0" as unknown as number) : at.port, unitID: 255 });
    await new Promise<void>((resolve, reject) => {
      server.on("initialized", () => resolve());
      server.on("serverError", (e) => reject(e));
    });
    server.on("socketError", (err) => this.logger?.debug({ err }, "simulator socket error"));
    server.on("error", (err) => this.logger?.warn({ err }, "simulator error"));
    // ServerTCP does not expose its address; the port chosen for 0 is only known to its net.Server
    const port = ((server as unknown as { _server: Server })._server.address() as AddressInfo).port;
    this.tcp = server;
    this.tcpAt = { host: at.host, port };
  }

  async listenSerial(at: SerialListen) {
    await new Promise<void>((resolve, reject) => {
      this.serial = new modbus.ServerSerial(this.vector("rtu"), {
        path: at.path, baudRate: at.baudRate, parity: at.parity, unitID: 255, interval: 10,
        openCallback: (err) => (err ? reject(err) : resolve()),
      } as ConstructorParameters<typeof modbus.ServerSerial>[1]);
    });
  }

  /** Closes every client connection; the server keeps listening. */
  dropConnections() {
    for (const sock of this.tcp?.socks.keys() ?? []) sock.destroy();
  }

  /** The device goes away: connections close and new ones are refused until `resumeTcp`. */
  async pauseTcp() {
    const server = this.tcp;
    this.tcp = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async resumeTcp() {
    if (!this.tcpAt || this.tcp) return;
    await this.listenTcp(this.tcpAt);
  }

  info(): Record<string, unknown> {
    return {
      ...(this.tcpAt ? { tcp: this.tcpAt } : {}),
      units: [...this.units].map(([id, u]) => ({ unitId: id, ...(u.sunspec ? { sunspecBase: u.sunspec.base, models: [...u.sunspec.starts.keys()] } : {}) })),
      requests: this.requests.length,
    };
  }

  async stop() {
    await this.pauseTcp();
    this.tcpAt = undefined;
    const serial = this.serial;
    this.serial = undefined;
    if (serial) await new Promise<void>((r) => serial.close(() => r()));
  }

  /**
   * modbus-serial calls the single-bit getters once per bit of a request, synchronously; a request is therefore
   * one burst of calls within a tick, and a fault or a log entry applies to the whole burst.
   */
  private begin(unit: number, op: RequestRecord["op"], table: RegisterTable, start: number, count: number): number | undefined {
    if (this.burst && this.burst.record.unit === unit && this.burst.record.table === table && this.burst.record.op === op &&
      start === this.burst.record.start + this.burst.record.count) {
      this.burst.record.count += count;
      return this.burst.fault;
    }
    const record = { unit, op, table, start, count };
    this.requests.push(record);
    if (this.requests.length > LOG_LIMIT) this.requests.shift();
    const fault = this.faults.get(unit)?.shift();
    this.burst = { record, ...(fault !== undefined ? { fault } : {}) };
    queueMicrotask(() => { this.burst = undefined; });
    return fault;
  }

  private vector(transport: "tcp" | "rtu"): IServiceVector {
    const serve = <T>(unit: number, op: RequestRecord["op"], table: RegisterTable, start: number, count: number, cb: Cb<T>, run: (m: UnitMemory) => T) => {
      const u = this.units.get(unit);
      if (this.silent.has(unit) || (!u && transport === "rtu")) return;
      if (!u) return cb({ modbusErrorCode: 11 });
      const fault = this.begin(unit, op, table, start, count);
      if (fault !== undefined) return cb({ modbusErrorCode: fault });
      try {
        cb(null, run(u.memory));
      } catch (e) {
        cb(e instanceof ServerException ? { modbusErrorCode: e.modbusErrorCode } : e);
      }
    };
    return {
      getHoldingRegister: (addr: number, unit: number, cb: Cb<number>) => serve(unit, "read", "holding", addr, 1, cb, (m) => m.readWords("holding", addr, 1)[0]),
      getMultipleHoldingRegisters: (addr: number, len: number, unit: number, cb: Cb<number[]>) =>
        serve(unit, "read", "holding", addr, len, cb, (m) => m.readWords("holding", addr, len)),
      getInputRegister: (addr: number, unit: number, cb: Cb<number>) => serve(unit, "read", "input", addr, 1, cb, (m) => m.readWords("input", addr, 1)[0]),
      getMultipleInputRegisters: (addr: number, len: number, unit: number, cb: Cb<number[]>) =>
        serve(unit, "read", "input", addr, len, cb, (m) => m.readWords("input", addr, len)),
      getCoil: (addr: number, unit: number, cb: Cb<boolean>) => serve(unit, "read", "coil", addr, 1, cb, (m) => m.readBits("coil", addr, 1)[0]),
      getDiscreteInput: (addr: number, unit: number, cb: Cb<boolean>) => serve(unit, "read", "discrete", addr, 1, cb, (m) => m.readBits("discrete", addr, 1)[0]),
      setRegister: (addr: number, value: number, unit: number, cb: Cb<void>) => serve(unit, "write", "holding", addr, 1, cb, (m) => m.writeWords(addr, [value])),
      setRegisterArray: (addr: number, values: number[], unit: number, cb: Cb<void>) =>
        serve(unit, "write", "holding", addr, values.length, cb, (m) => m.writeWords(addr, values)),
      setCoil: (addr: number, value: boolean, unit: number, cb: Cb<void>) => serve(unit, "write", "coil", addr, 1, cb, (m) => m.writeBits(addr, [value])),
    } as IServiceVector;
  }
}
