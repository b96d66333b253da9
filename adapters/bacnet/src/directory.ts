/**
 * What the adapter knows about each BACnet device: where it answers (configured, or learned from I-Am), what it
 * can take (max APDU, ReadPropertyMultiple), and whether it is answering. A device that stops answering is
 * marked offline (reported once); the first answer after that marks it online again, which is when COV
 * subscriptions are re-established. A learned address is forgotten on timeout so that Who-Is finds the device
 * again if it comes back elsewhere.
 */
import { EventEmitter } from "node:events";
import { AdapterError } from "gridhub/hub";
import type { BacnetStack, IAm, WhoIsRange } from "./stack.ts";

export interface DeviceState {
  instance: number;
  address?: string;
  configured: boolean;
  /** octets; 1476 until an I-Am says otherwise */
  maxApdu: number;
  segmentation?: number;
  vendorId?: number;
  /** false once the device refused ReadPropertyMultiple */
  rpm: boolean;
  /** properties per request after the device aborted a longer answer */
  batchLimit?: number;
  state: "unknown" | "online" | "offline";
  failures: number;
  lastSeen?: string;
  lastError?: string;
}

export interface WhoIsPaths {
  broadcast: boolean;
  targets: string[];
  /** the BBMD we are registered with, if any */
  bbmd: () => string | undefined;
}

export class Directory extends EventEmitter<{ online: [number]; offline: [number, AdapterError]; iAm: [IAm] }> {
  private readonly devices = new Map<number, DeviceState>();
  /** Who-Is in flight for a device without an address, settled by its I-Am */
  private readonly resolving = new Map<number, { promise: Promise<DeviceState>; settle: (d: DeviceState) => void; fail: (e: Error) => void }>();

  constructor(private readonly stack: BacnetStack, private readonly paths: WhoIsPaths, private readonly resolveTimeoutMs: number,
    private readonly now: () => Date) {
    super();
    stack.on("iAm", (iam) => this.onIAm(iam));
  }

  get(instance: number): DeviceState {
    let d = this.devices.get(instance);
    if (!d) {
      d = { instance, configured: false, maxApdu: 1476, rpm: true, state: "unknown", failures: 0 };
      this.devices.set(instance, d);
    }
    return d;
  }

  /** a configured address wins over anything learned */
  configure(instance: number, address: string): void {
    const d = this.get(instance);
    d.address = address;
    d.configured = true;
  }

  private onIAm(iam: IAm) {
    const d = this.get(iam.instance);
    if (!d.configured) d.address = iam.address;
    d.maxApdu = Math.min(iam.maxApdu || 1476, 1476);
    d.segmentation = iam.segmentation;
    d.vendorId = iam.vendorId;
    this.succeeded(iam.instance);
    this.resolving.get(iam.instance)?.settle(d);
    this.emit("iAm", iam);
  }

  /** Who-Is on every path we have: broadcast, directed targets, and through the BBMD */
  whoIs(range: WhoIsRange): void {
    if (this.paths.broadcast) this.stack.whoIs(range);
    for (const t of this.paths.targets) this.stack.whoIs(range, t);
    const bbmd = this.paths.bbmd();
    if (bbmd) this.stack.whoIsThroughBbmd(bbmd, range);
  }

  /** The device with an address to talk to; Who-Is when none is known. */
  resolve(instance: number): Promise<DeviceState> {
    const d = this.get(instance);
    if (d.address) return Promise.resolve(d);
    const running = this.resolving.get(instance);
    if (running) return running.promise;
    let settle!: (d: DeviceState) => void;
    let fail!: (e: Error) => void;
    const promise = new Promise<DeviceState>((resolve, reject) => {
      const timer = setTimeout(() => fail(new AdapterError("UNREACHABLE",
        `BACnet device ${instance} did not answer Who-Is within ${this.resolveTimeoutMs} ms (${this.describePaths()})`, true)), this.resolveTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.resolving.delete(instance);
      };
      settle = (found) => {
        done();
        resolve(found);
      };
      fail = (e) => {
        done();
        reject(e);
      };
    });
    this.resolving.set(instance, { promise, settle, fail });
    this.whoIs({ low: instance, high: instance });
    return promise;
  }

  private describePaths(): string {
    const paths = [
      ...(this.paths.broadcast ? ["broadcast"] : []),
      ...this.paths.targets.map((t) => `directed to ${t}`),
      ...(this.paths.bbmd() ? [`through BBMD ${this.paths.bbmd()}`] : []),
    ];
    return paths.length ? `asked by ${paths.join(", ")}` : "no Who-Is path configured: set discovery.broadcast, discovery.targets or foreignDevice";
  }

  succeeded(instance: number): void {
    const d = this.get(instance);
    d.failures = 0;
    d.lastSeen = this.now().toISOString();
    const was = d.state;
    d.state = "online";
    if (was === "offline") this.emit("online", instance);
  }

  /** Only silence says the device is gone; an error answer says it is there. */
  failed(instance: number, error: AdapterError): void {
    if (error.code !== "TIMEOUT" && error.code !== "UNREACHABLE") return this.succeeded(instance);
    const d = this.get(instance);
    d.failures++;
    d.lastError = error.message;
    if (!d.configured) delete d.address;
    if (d.state !== "offline") {
      d.state = "offline";
      this.emit("offline", instance, error);
    }
  }

  /** fails the Who-Is still waiting for an answer */
  close(): void {
    for (const r of [...this.resolving.values()]) r.fail(new AdapterError("UNREACHABLE", "the BACnet adapter is stopping"));
  }

  all(): DeviceState[] {
    return [...this.devices.values()];
  }
}
