/**
 * Pull mode: oadrPoll every interval. A poll that returns a payload is followed at once by another (the VTN may
 * hold several), up to a bound, so a backlog drains without waiting for the next period.
 */
import type { Logger } from "pino";

export interface PollerOptions {
  intervalMs(): number;
  /** one oadrPoll; true when the VTN returned a payload */
  poll(): Promise<boolean>;
  logger: Logger;
}

const MAX_BACK_TO_BACK = 20;

export class Poller {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly o: PollerOptions) {}

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run() {
    while (this.running) {
      try {
        for (let n = 0; n < MAX_BACK_TO_BACK && this.running && (await this.o.poll()); n++);
      } catch (err) {
        this.o.logger.debug({ err: (err as Error).message }, "oadrPoll failed");
      }
      if (!this.running) break;
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, this.o.intervalMs());
        this.wake = () => (clearTimeout(t), ok());
      });
    }
  }
}
