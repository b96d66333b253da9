/**
 * Publishes planned messages with origin {ieee2030-5, ref} and withdraws them again (the same origin, its validity
 * ending now), which is how the neutral model cancels: a message with the same origin supersedes.
 */
import type { Logger } from "pino";
import type { BusPort } from "gridhub/hub";
import { makeMessage, type MessageType, type NeutralMessage, type Ref } from "gridhub/model";
import { PROTOCOL } from "../common/ids.ts";

export interface Outgoing {
  type: MessageType;
  body: unknown;
  targets?: Ref[];
  ext?: Record<string, unknown>;
}

export interface PublishedMessage {
  id: string;
  type: MessageType;
  ref: string;
  body: unknown;
  targets: Ref[];
  validity: { start: string; end?: string };
  ext?: Record<string, unknown>;
}

export class Publisher {
  constructor(private readonly d: { bus: BusPort; logger: Logger; name: string; targets: Ref[] }) {}

  get source(): string {
    return `${PROTOCOL}:${this.d.name}`;
  }

  /**
   * Publishes one message; `onId` hears its id before delivery starts (devices answer with Results while the bus
   * still delivers). Resolves undefined when the neutral model refuses it.
   */
  async send(o: Outgoing, ref: string, validity: PublishedMessage["validity"], onId?: (id: string) => void): Promise<PublishedMessage | undefined> {
    const targets = o.targets ?? this.d.targets;
    let msg: NeutralMessage;
    try {
      msg = makeMessage(o.type, o.body as never, { source: this.source, targets, validity, origin: { protocol: PROTOCOL, ref } }) as NeutralMessage;
    } catch (err) {
      this.d.logger.warn({ err: (err as Error).message, ref, type: o.type }, "a 2030.5 control does not fit the neutral model");
      return undefined;
    }
    onId?.(msg.id);
    await this.d.bus.publish(o.ext ? { ...msg, ext: o.ext } : msg);
    return { id: msg.id, type: o.type, ref, body: o.body, targets, validity, ...(o.ext ? { ext: o.ext } : {}) };
  }

  /** Ends messages now (local time `nowMs`). */
  async withdraw(messages: readonly PublishedMessage[], nowMs: number) {
    for (const m of messages) {
      const start = Math.min(Date.parse(m.validity.start), nowMs - 1000);
      await this.send({ type: m.type, body: m.body, targets: m.targets, ...(m.ext ? { ext: m.ext } : {}) }, m.ref,
        { start: new Date(start).toISOString(), end: new Date(nowMs).toISOString() });
    }
  }
}

/** The origin ref of one planned message: the control's mRID, or mRID/mode[/device] when the control makes several. */
export function originRef(mRID: string, pm: { key: string; type: string; body: unknown }, count: number): string {
  if (count === 1) return mRID;
  return `${mRID}/${pm.key}${pm.type === "Command" ? `/${(pm.body as { device: string }).device}` : ""}`;
}
