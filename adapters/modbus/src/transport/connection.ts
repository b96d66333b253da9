/**
 * One Modbus connection (a TCP socket or a serial line) shared by all unit ids behind it. Requests go through a
 * FIFO with one request outstanding at a time, the only safe mode on RS-485 and the one most TCP devices expect.
 * Retries re-enter the queue at its tail, so one slow or dead unit does not hold the line for the others.
 * A lost connection is reopened by the next request; when opening fails, further attempts back off exponentially
 * and requests fail fast in between.
 */
import modbus from "modbus-serial";
import type { Logger } from "pino";
import type { Counters } from "gridhub/hub";
import { ModbusError, toModbusError } from "../errors.ts";
import { targetKey, type Target } from "./target.ts";

export interface ConnectionOptions {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  reconnect: { initialMs: number; maxMs: number };
  /** quiet time after each transaction (serial lines) */
  silenceMs: number;
  logger: Logger;
  counters: Counters;
  onStateChange?: (c: ModbusConnection) => void;
}

export type ConnectionState = "idle" | "up" | "down" | "closed";

/** A TCP peer that stops answering without closing: after this many timeouts in a row the socket is reopened. */
const TIMEOUTS_BEFORE_RECONNECT = 3;

/** modbus-serial is CommonJS: its client class is the module itself, also exported as `default`. */
const ModbusRTU = modbus.default;
type Client = InstanceType<typeof ModbusRTU>;

type Op<T> = (client: Client) => Promise<T>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A wait that does not keep the process alive on its own. */
const grace = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function callback<T>(run: (cb: (err: unknown, res: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, res) => (err ? reject(err) : resolve(res))));
}

export class ModbusConnection {
  readonly key: string;
  state: ConnectionState = "idle";
  lastError?: ModbusError;
  private client?: Client;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private backoffMs: number;
  private nextAttempt = 0;
  private connected = false;
  private consecutiveTimeouts = 0;
  private lost?: (err: ModbusError) => void;

  constructor(readonly target: Target, private opts: ConnectionOptions) {
    this.key = targetKey(target);
    this.backoffMs = opts.reconnect.initialMs;
  }

  readRegisters(unit: number, table: "holding" | "input", start: number, count: number): Promise<number[]> {
    const what = `reading ${table} ${start}+${count} from unit ${unit} at ${this.key}`;
    return this.call(what, "reads", async (c) => {
      const res = await callback<{ data: number[] }>((cb) => (table === "holding" ? c.writeFC3(unit, start, count, cb) : c.writeFC4(unit, start, count, cb)));
      if (res.data.length !== count) throw new ModbusError("PROTOCOL_REJECT", `${what}: the answer holds ${res.data.length} registers`, true);
      return res.data;
    });
  }

  readBits(unit: number, table: "coil" | "discrete", start: number, count: number): Promise<boolean[]> {
    const what = `reading ${table} ${start}+${count} from unit ${unit} at ${this.key}`;
    return this.call(what, "reads", async (c) => {
      const res = await callback<{ data: boolean[] }>((cb) => (table === "coil" ? c.writeFC1(unit, start, count, cb) : c.writeFC2(unit, start, count, cb)));
      if (res.data.length < count) throw new ModbusError("PROTOCOL_REJECT", `${what}: the answer holds ${res.data.length} bits`, true);
      return res.data.slice(0, count);
    });
  }

  writeRegisters(unit: number, start: number, words: number[], multiple: boolean): Promise<void> {
    const what = `writing holding ${start}+${words.length} to unit ${unit} at ${this.key}`;
    return this.call(what, "writes", async (c) => {
      if (words.length === 1 && !multiple) await callback((cb) => c.writeFC6(unit, start, words[0], cb));
      else await callback((cb) => c.writeFC16(unit, start, words, cb));
    });
  }

  writeCoils(unit: number, start: number, values: boolean[], multiple: boolean): Promise<void> {
    const what = `writing coil ${start}+${values.length} to unit ${unit} at ${this.key}`;
    return this.call(what, "writes", async (c) => {
      if (values.length === 1 && !multiple) await callback((cb) => c.writeFC5(unit, start, values[0], cb));
      else await callback((cb) => c.writeFC15(unit, start, values, cb));
    });
  }

  detail() {
    return {
      state: this.state, queued: this.queued,
      ...(this.lastError ? { lastError: this.lastError.message } : {}),
      ...(this.state === "down" ? { nextAttemptInMs: Math.max(0, this.nextAttempt - Date.now()) } : {}),
    };
  }

  async close() {
    if (this.state === "closed") return;
    this.setState("closed");
    await this.dropClient(new ModbusError("UNREACHABLE", `${this.key} closed: the adapter is stopping`, false));
  }

  private async call<T>(what: string, counter: "reads" | "writes", op: Op<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.enqueue(what, counter, op);
      } catch (e) {
        const err = toModbusError(e, what);
        const again = err.retryable && (err.code === "TIMEOUT" || err.exception !== undefined || err.code === "PROTOCOL_REJECT");
        if (!again || attempt > this.opts.retries || this.state === "closed") {
          this.opts.counters.inc("errors");
          throw attempt > 1 ? new ModbusError(err.code, `${err.message} (${attempt} attempts)`, err.retryable, err.exception, err) : err;
        }
        await sleep(this.opts.retryDelayMs);
      }
    }
  }

  private enqueue<T>(what: string, counter: "reads" | "writes", op: Op<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(async () => {
      this.queued--;
      const client = await this.open();
      const started = performance.now();
      this.opts.counters.inc(counter);
      try {
        const result = await this.untilLost(op(client));
        this.consecutiveTimeouts = 0;
        this.opts.counters.observe("latencyMs", performance.now() - started);
        return result;
      } catch (e) {
        const err = toModbusError(e, what);
        if (err.code === "TIMEOUT") {
          this.opts.counters.inc("timeouts");
          if (this.target.kind === "tcp" && ++this.consecutiveTimeouts >= TIMEOUTS_BEFORE_RECONNECT) await this.markDown(err);
        } else if (err.code === "UNREACHABLE" && err.exception === undefined) {
          await this.markDown(err);
        }
        throw err;
      }
    });
    const quiet = () => (this.target.kind === "rtu" && this.opts.silenceMs > 0 ? sleep(this.opts.silenceMs) : undefined);
    this.tail = run.then(quiet, quiet);
    return run;
  }

  /** Rejects as soon as the connection goes away instead of waiting for the request's timeout. */
  private untilLost<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lost = reject;
      p.then(resolve, reject).finally(() => {
        if (this.lost === reject) this.lost = undefined;
      });
    });
  }

  private async open(): Promise<Client> {
    if (this.state === "closed") throw new ModbusError("UNREACHABLE", `${this.key} is closed: the adapter is stopping`, false);
    if (this.client && this.client.isOpen) return this.client;
    if (this.client) await this.markDown(new ModbusError("UNREACHABLE", `connection to ${this.key} lost`, true));
    const wait = this.nextAttempt - Date.now();
    if (wait > 0) {
      throw new ModbusError("UNREACHABLE", `${this.key} is down (${this.lastError?.message ?? "not connected"}); next attempt in ${wait} ms`, true);
    }
    const client = new ModbusRTU();
    client.on("error", () => undefined);
    try {
      await this.connect(client);
    } catch (e) {
      await this.closeClient(client);
      const err = new ModbusError("UNREACHABLE", `cannot connect to ${this.key}: ${(e as Error).message ?? e}`, true, undefined, e);
      await this.markDown(err, true);
      throw err;
    }
    client.setTimeout(this.opts.timeoutMs);
    client.on("close", () => {
      if (this.client === client) void this.markDown(new ModbusError("UNREACHABLE", `${this.key} closed the connection`, true));
    });
    client.on("error", (err: unknown) => {
      if (this.client === client) void this.markDown(new ModbusError("UNREACHABLE", `${this.key}: ${(err as Error).message}`, true, undefined, err));
    });
    this.client = client;
    this.backoffMs = this.opts.reconnect.initialMs;
    this.consecutiveTimeouts = 0;
    if (this.connected) this.opts.counters.inc("reconnects");
    this.connected = true;
    this.opts.logger.info({ connection: this.key }, "modbus connection up");
    this.setState("up");
    return client;
  }

  private async connect(client: Client) {
    const t = this.target;
    const opening = t.kind === "tcp"
      ? client.connectTCP(t.host, { port: t.port })
      : client.connectRTUBuffered(t.path, { baudRate: t.baudRate, dataBits: t.dataBits, stopBits: t.stopBits, parity: t.parity });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    });
    try {
      await Promise.race([opening, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `backoff`: opening failed, so wait before the next attempt; a connection lost once open is retried at once. */
  private async markDown(err: ModbusError, backoff = false) {
    if (this.state === "closed") return;
    this.lastError = err;
    if (backoff) {
      this.nextAttempt = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.opts.reconnect.maxMs);
    }
    if (this.state !== "down") this.opts.logger.warn({ connection: this.key, err: err.message }, "modbus connection down");
    this.setState("down");
    await this.dropClient(err);
  }

  private async dropClient(err: ModbusError) {
    const client = this.client;
    this.client = undefined;
    this.lost?.(err);
    if (client) await this.closeClient(client);
  }

  /** TCP sockets are destroyed at once; serial ports must be closed so the device node is released. */
  private async closeClient(client: Client) {
    client.on("error", () => undefined);
    await Promise.race([
      new Promise<void>((resolve) => {
        if (this.target.kind === "tcp") client.destroy(() => resolve());
        else client.close(() => resolve());
      }),
      grace(1000),
    ]);
  }

  private setState(s: ConnectionState) {
    if (s === this.state) return;
    this.state = s;
    this.opts.onStateChange?.(this);
  }
}
