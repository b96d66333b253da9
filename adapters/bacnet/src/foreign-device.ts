/**
 * Foreign-device registration with a BBMD (BVLC Register-Foreign-Device, sent by the library's
 * registerForeignDevice), renewed at half the time-to-live; a failed attempt is retried within seconds.
 * While registered, broadcasts (Who-Is) go to the BBMD as Distribute-Broadcast-To-Network.
 */
import type { Logger } from "pino";
import type { BacnetStack } from "./stack.ts";

export interface ForeignDeviceState {
  bbmd: string;
  ttlSeconds: number;
  registered: boolean;
  lastRegistered?: string;
  lastError?: string;
}

export class ForeignDevice {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  readonly state: ForeignDeviceState;

  constructor(private readonly stack: BacnetStack, bbmd: string, ttlSeconds: number, private readonly log: Logger,
    private readonly now: () => Date, private readonly onChange: () => void) {
    this.state = { bbmd, ttlSeconds, registered: false };
  }

  /** the BBMD while we are registered with it */
  get bbmd(): string | undefined {
    return this.state.registered ? this.state.bbmd : undefined;
  }

  async start(): Promise<void> {
    await this.register();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async register(): Promise<void> {
    const halfTtl = this.state.ttlSeconds * 500;
    try {
      await this.stack.registerForeignDevice(this.state.bbmd, this.state.ttlSeconds);
      if (!this.state.registered) this.log.info({ bbmd: this.state.bbmd }, "registered as a foreign device");
      this.state.registered = true;
      this.state.lastRegistered = this.now().toISOString();
      delete this.state.lastError;
      this.schedule(halfTtl);
    } catch (e) {
      if (this.stopped) return;
      this.state.registered = false;
      this.state.lastError = (e as Error).message;
      this.log.warn({ bbmd: this.state.bbmd, err: this.state.lastError }, "foreign-device registration failed");
      this.schedule(Math.min(halfTtl, 5000));
    }
    if (!this.stopped) this.onChange();
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.register(), ms);
  }
}
