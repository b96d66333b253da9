/** CEM-alive status to the grid side at a fixed interval (JWG2042 M4-3-3), from start to stop, disaster or not. */
import type { CemContext } from "./policy.ts";
import { iso } from "./durations.ts";

export class CemAlive {
  constructor(private ctx: CemContext, private interval: string) {}

  async start() {
    await this.send();
    this.ctx.timers.every(this.ctx.ms(this.interval), () => this.send());
  }

  private async send() {
    await this.ctx.north("CemAlive", { alive: true, at: iso(this.ctx.now()), interval: this.interval });
  }
}
