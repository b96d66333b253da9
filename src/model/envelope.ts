import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Iso, Ref } from "./common.ts";
import { bodySchemas, isMessageType, type BodyOf, type MessageType } from "./catalogue.ts";

const EnvelopeFields = z.object({
  id: z.string().min(1).max(200),
  type: z.string(),
  source: z.string().min(1),
  targets: z.array(Ref).min(1, "needs at least one target (use {kind: all} for everyone)"),
  created: Iso,
  validity: z.object({ start: Iso, end: Iso.optional() }).optional(),
  correlationId: z.string().min(1).optional(),
  origin: z.object({ protocol: z.string().min(1), ref: z.string() }).optional(),
  ext: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown(),
});
const knownKeys = new Set(Object.keys(EnvelopeFields.shape));

export interface Envelope<T extends MessageType = MessageType> {
  id: string;
  type: T;
  source: string;
  targets: Ref[];
  created: string;
  validity?: { start: string; end?: string };
  correlationId?: string;
  origin?: { protocol: string; ref: string };
  ext?: Record<string, unknown>;
  body: BodyOf<T>;
}
/** A neutral message of any catalogue type, discriminated on `type`. */
export type NeutralMessage = { [T in MessageType]: Envelope<T> }[MessageType];

export class MessageValidationError extends Error {
  constructor(readonly messageType: string, readonly issues: { path: string; message: string }[]) {
    super(`invalid ${messageType} message: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`);
    this.name = "MessageValidationError";
  }
}

function issuesOf(err: z.ZodError, prefix: string) {
  return err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join("."), message: i.message }));
}

/**
 * Validates an untrusted message once, where it enters the hub. Unknown envelope fields are kept under `ext`
 * and unknown body fields are dropped: unknown content is ignored, never a reason to reject (004 §3.3).
 */
export function validateMessage(input: unknown): NeutralMessage {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new MessageValidationError("unknown", [{ path: "", message: "a message must be a JSON object" }]);
  }
  const raw = input as Record<string, unknown>;
  const type = raw.type;
  if (!isMessageType(type)) {
    throw new MessageValidationError(String(type), [{ path: "type", message: `unknown message type ${JSON.stringify(type)}` }]);
  }
  const env = EnvelopeFields.safeParse(raw);
  const body = bodySchemas[type].safeParse(raw.body);
  const issues = [...(env.success ? [] : issuesOf(env.error, "")), ...(body.success ? [] : issuesOf(body.error, "body"))];
  if (!env.success || !body.success) throw new MessageValidationError(type, issues);
  const { start, end } = env.data.validity ?? {};
  if (start && end && Date.parse(end) <= Date.parse(start)) {
    throw new MessageValidationError(type, [{ path: "validity.end", message: "must be after validity.start" }]);
  }
  const extra = Object.fromEntries(Object.entries(raw).filter(([k]) => !knownKeys.has(k)));
  const ext = Object.keys(extra).length ? { ...(env.data.ext ?? {}), ...extra } : env.data.ext;
  const msg = { ...env.data, body: body.data, type } as Record<string, unknown>;
  if (ext) msg.ext = ext;
  return msg as unknown as NeutralMessage;
}

export type MessageInit<T extends MessageType> = {
  source: string;
  targets?: Ref[];
  validity?: { start: string; end?: string };
  correlationId?: string;
  origin?: { protocol: string; ref: string };
  id?: string;
  created?: Date;
};

/** Builds and validates a message; adapters use this so that what they publish is checked at their door. */
export function makeMessage<T extends MessageType>(type: T, body: BodyOf<T>, init: MessageInit<T>): Envelope<T> {
  const msg = {
    id: init.id ?? randomUUID(),
    type,
    source: init.source,
    targets: init.targets ?? [{ kind: "all" }],
    created: (init.created ?? new Date()).toISOString(),
    ...(init.validity ? { validity: init.validity } : {}),
    ...(init.correlationId ? { correlationId: init.correlationId } : {}),
    ...(init.origin ? { origin: init.origin } : {}),
    body,
  };
  return validateMessage(msg) as Envelope<T>;
}
