/**
 * The 2030.5 resource server (express on a mutual-TLS https server). Before a handler runs: the client certificate
 * chains to the trust anchors, is not revoked or expired, and its LFDI names a known EndDevice (403 naming why
 * otherwise, audited; open enrolment lets unknown ones read /dcap, /tm, /edev and register);
 * writes are application/sep+xml (415), within maxBodyBytes (413) and parse as the resource the URI takes (400).
 * GETs go through resolveGet; unknown paths are 404, unknown methods 405. Refused input changes nothing.
 */
import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { peerIdentity, sfdiOf, type CertIdentity } from "gridhub/security";
import { MEDIA_TYPE, parseAs, SepCodecError, serialize, type ResourceName, type SepResource } from "../codec/index.ts";
import { listQuery, QueryError } from "../common/paging.ts";
import { P, RESPONSE_SET } from "./paths.ts";
import type { DeviceRec, ResponseType } from "./records.ts";
import { PUBLIC_PATHS, resolveGet, subscribable } from "./resolve.ts";
import type { Renderer } from "./render.ts";
import type { ServerState } from "./state.ts";

export class HttpError extends Error {
  /** reasonCode of the 2030.5 Error resource sent with a 400 (0 invalid format, 1 invalid values, 3 conditional subscription) */
  constructor(readonly status: number, message: string, readonly reasonCode?: number) {
    super(message);
  }
}

export interface AppDeps {
  state: ServerState;
  renderer: Renderer;
  logger: Logger;
  enrolment: "preregistered" | "open";
  maxListLimit: number;
  maxBodyBytes: number;
  now(): number;
  audit(action: string, outcome: "ok" | "refused" | "failed", target: string, detail?: Record<string, unknown>): Promise<void>;
  /** counts a request in, and a refused or failed one */
  counted(outcome: "in" | "error"): void;
}

interface Caller {
  peer: CertIdentity;
  device?: DeviceRec;
}

const SEP_TYPE = /^application\/sep\+xml\s*(;|$)/i;
/** paths whose resources do not depend on who asks */
const SHARED = /^\/(dcap|tm|derp|dr|tp)(\/|$)/;
const CACHE_ENTRIES = 1000;
const RESPONSE_TYPES: readonly ResponseType[] = ["Response", "DERControlResponse", "DrResponse", "PriceResponse"];

/** The request's resource, one of `types`. */
function bodyDoc<K extends ResourceName>(req: Request, types: readonly K[], maxBytes: number): { type: K; value: SepResource<K> } {
  if (!SEP_TYPE.test(req.get("content-type") ?? "")) throw new HttpError(415, `content-type must be ${MEDIA_TYPE}, got ${req.get("content-type") ?? "none"}`);
  if (!Buffer.isBuffer(req.body)) throw new HttpError(400, "no body", 0);
  try {
    return parseAs(req.body, types, { maxBytes });
  } catch (err) {
    if (err instanceof SepCodecError) throw new HttpError(err.kind === "TOO_LARGE" ? 413 : 400, err.message, err.kind === "INVALID" ? 1 : 0);
    throw err;
  }
}

const body = <K extends ResourceName>(req: Request, types: readonly K[], maxBytes: number) => bodyDoc(req, types, maxBytes).value;

export function sepApp(deps: AppDeps): express.Express {
  const { state, renderer } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(express.raw({ type: () => true, limit: deps.maxBodyBytes }));

  const caller = (res: Response): Caller => res.locals.caller as Caller;
  const own = (res: Response): DeviceRec => {
    const d = caller(res).device;
    if (!d) throw new HttpError(403, "this certificate's LFDI is not a registered EndDevice");
    return d;
  };

  // identity and authorization by LFDI
  app.use(async (req, res, next) => {
    deps.counted("in");
    const socket = req.socket as TLSSocket;
    const peer = identityOfSocket(socket);
    if (!peer) {
      const why = String(socket.authorizationError ?? "no client certificate");
      await deps.audit("ieee2030-5.certificate.refused", "refused", req.path, { reason: why, remote: socket.remoteAddress });
      return next(new HttpError(403, `client certificate refused: ${why}`));
    }
    const device = state.deviceByLfdi(peer.lfdi);
    res.locals.caller = { peer, ...(device ? { device } : {}) } satisfies Caller;
    const publicRequest = PUBLIC_PATHS.has(req.path) && (req.method === "GET" || (req.method === "POST" && req.path === P.edevList));
    if (!device && !(deps.enrolment === "open" && publicRequest)) {
      await deps.audit("ieee2030-5.request.refused", "refused", req.path, { lfdi: peer.lfdi, subject: peer.subject, reason: "unknown LFDI" });
      return next(new HttpError(403, `LFDI ${peer.lfdi} is not a registered EndDevice`));
    }
    next();
  });

  // Resources every client sees alike are rendered once per state version and second: many clients polling one
  // program list cost one serialization.
  const cache = new Map<string, string>();
  let stamp = "";
  app.get(/.*/, (req, res) => {
    const q = listQuery(req.query as Record<string, unknown>, deps.maxListLimit);
    const now = deps.now();
    if (stamp !== `${state.version}:${now}`) {
      stamp = `${state.version}:${now}`;
      cache.clear();
    }
    const key = SHARED.test(req.path) ? req.originalUrl : undefined;
    const hit = key && cache.get(key);
    if (hit) return void res.type(MEDIA_TYPE).send(hit);
    const found = resolveGet(renderer, state, req.path, caller(res).device, q, now);
    if (!found) throw new HttpError(404, `no resource at ${req.path}`);
    const xml = serialize(found.type, found.value as never);
    if (key && cache.size < CACHE_ENTRIES) cache.set(key, xml);
    res.type(MEDIA_TYPE).send(xml);
  });

  app.post(P.edevList, async (req, res) => {
    const { peer, device } = caller(res);
    const ed = body(req, ["EndDevice"], deps.maxBodyBytes);
    if (ed.sFDI !== Number(peer.sfdi) || (ed.lFDI !== undefined && ed.lFDI !== peer.lfdi)) {
      throw new HttpError(403, `an EndDevice registers itself only: sFDI ${ed.sFDI} / lFDI ${ed.lFDI ?? "-"} is not this certificate's (${peer.sfdi} / ${peer.lfdi})`);
    }
    const now = deps.now();
    let d = device;
    if (!d) {
      d = { id: state.nextId("devices"), lfdi: peer.lfdi, sfdi: Number(sfdiOf(peer.lfdi)), changedTime: now, registered: now };
      await state.putDevice(d);
      await deps.audit("ieee2030-5.enddevice.enrolled", "ok", P.edev(d.id), { lfdi: d.lfdi });
    } else if (d.registered === undefined) {
      d = { ...d, registered: now };
      await state.putDevice(d);
    }
    res.status(201).location(P.edev(d.id)).end();
  });

  app.post("/edev/:d/sub", async (req, res) => {
    const d = own(res);
    if (req.params.d !== d.id) throw new HttpError(404, `no resource at ${req.path}`);
    const sub = body(req, ["Subscription"], deps.maxBodyBytes);
    const resource = pathOf(sub.subscribedResource);
    if (sub.Condition) throw new HttpError(400, "conditional subscriptions are not supported", 3);
    if (sub.encoding !== 0) throw new HttpError(400, "only encoding 0 (application/sep+xml) is supported", 1);
    if (!resource || !subscribable(resource, d) || !resolveGet(renderer, state, resource, d, { s: 0, l: 1 }, deps.now())) {
      throw new HttpError(400, `${sub.subscribedResource} is not a resource this server notifies about`, 1);
    }
    if (!/^https:\/\//i.test(sub.notificationURI) || !URL.canParse(sub.notificationURI)) throw new HttpError(400, "notificationURI must be an absolute https URL", 1);
    const id = state.nextId("subs");
    await state.putSubscription({ id, device: d.id, lfdi: d.lfdi, resource, value: { ...sub, subscribedResource: resource } });
    res.status(201).location(P.sub(d.id, id)).end();
  });

  app.delete("/edev/:d/sub/:s", async (req, res) => {
    const d = own(res);
    const sub = state.subscriptions.get(req.params.s);
    if (req.params.d !== d.id || !sub || sub.device !== d.id) throw new HttpError(404, `no resource at ${req.path}`);
    await state.deleteSubscription(sub.id);
    res.status(204).end();
  });

  app.post(P.mupList, async (req, res) => {
    const d = own(res);
    const mup = body(req, ["MirrorUsagePoint"], deps.maxBodyBytes);
    const { href: _h, MirrorMeterReading: readings, ...value } = mup;
    const existing = [...state.mups.values()].find((m) => m.owner === d.lfdi && m.value.mRID === value.mRID);
    const id = existing?.id ?? state.nextId("mup");
    const merged = { ...(existing?.readings ?? {}) };
    for (const r of readings ?? []) merged[r.mRID] = mergeReading(merged[r.mRID], r);
    await state.putMup({ id, owner: d.lfdi, value, readings: merged, updated: deps.now() });
    res.status(201).location(P.mup(id)).end();
  });

  app.post("/mup/:m", async (req, res) => {
    const d = own(res);
    const m = state.mups.get(req.params.m);
    if (!m || m.owner !== d.lfdi) throw new HttpError(404, `no resource at ${req.path}`);
    const posted = bodyDoc(req, ["MirrorMeterReading", "MirrorMeterReadingList", "MirrorUsagePoint"], deps.maxBodyBytes);
    const list = posted.type === "MirrorMeterReading"
      ? [posted.value as SepResource<"MirrorMeterReading">]
      : (posted.value as SepResource<"MirrorMeterReadingList">).MirrorMeterReading ?? [];
    const readings = { ...m.readings };
    for (const r of list) readings[r.mRID] = mergeReading(readings[r.mRID], r);
    await state.putMup({ ...m, readings, updated: deps.now() });
    res.status(204).end();
  });

  app.delete("/mup/:m", async (req, res) => {
    const d = own(res);
    const m = state.mups.get(req.params.m);
    if (!m || m.owner !== d.lfdi) throw new HttpError(404, `no resource at ${req.path}`);
    await state.deleteMup(m.id);
    res.status(204).end();
  });

  app.post(P.rspList(RESPONSE_SET), async (req, res) => {
    const d = own(res);
    const { type, value } = parseResponse(req, deps.maxBodyBytes);
    if (value.endDeviceLFDI !== d.lfdi) throw new HttpError(403, `endDeviceLFDI ${value.endDeviceLFDI} is not this certificate's ${d.lfdi}`);
    if (!knownSubject(state, value.subject)) throw new HttpError(400, `subject ${value.subject} is no event of this server`, 1);
    const id = state.nextId("responses");
    const { href: _h, ...rest } = value;
    await state.putResponse({ id, set: RESPONSE_SET, type, value: rest, received: deps.now() });
    await deps.audit("ieee2030-5.response", "ok", value.subject, { lfdi: d.lfdi, status: value.status, type });
    res.status(201).location(P.rsp(RESPONSE_SET, id)).end();
  });

  app.all(/.*/, (req, res) => {
    res.setHeader("allow", "GET");
    throw new HttpError(resolveGet(renderer, state, req.path, caller(res).device, { s: 0, l: 1 }, deps.now()) ? 405 : 404,
      `${req.method} ${req.path} is not supported`);
  });

  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err instanceof QueryError) e = new HttpError(400, err.message, 0);
    else if (err.type === "entity.too.large") e = new HttpError(413, `body over ${deps.maxBodyBytes} bytes`);
    else {
      const ref = randomUUID();
      deps.logger.error({ err, ref, path: req.path }, "2030.5 request failed");
      e = new HttpError(500, `internal error ${ref}`);
    }
    deps.counted("error");
    if (e.status === 413) res.setHeader("connection", "close");
    if (e.status === 400) {
      res.status(400).type(MEDIA_TYPE).send(serialize("Error", { reasonCode: e.reasonCode ?? 0 }));
      deps.logger.info({ path: req.path, err: e.message }, "refused a 2030.5 request");
      return;
    }
    res.status(e.status).type("text/plain").send(`${e.message}\n`);
  });
  return app;
}

/** The verified peer of a connection, worked out once per connection (keep-alive carries many requests). */
const identities = new WeakMap<TLSSocket, CertIdentity | undefined>();
function identityOfSocket(socket: TLSSocket): CertIdentity | undefined {
  if (!identities.has(socket)) identities.set(socket, peerIdentity(socket));
  return identities.get(socket);
}

/** The path of a resource reference (absolute URLs of this or another host, or a path). */
export function pathOf(ref: string): string | undefined {
  try {
    return new URL(ref, "https://local.invalid").pathname;
  } catch {
    return undefined;
  }
}

function parseResponse(req: Request, maxBytes: number): { type: ResponseType; value: SepResource<"Response"> } {
  const d = bodyDoc(req, RESPONSE_TYPES, maxBytes);
  const { modesResponded: _m, ...value } = d.value as SepResource<"DERControlResponse">;
  return { type: d.type, value };
}

function knownSubject(state: ServerState, mRID: string): boolean {
  for (const c of state.controls.values()) if (c.mRID === mRID) return true;
  for (const t of state.tariffs.values()) for (const r of t.rates) if (r.intervals.some((i) => i.mRID === mRID)) return true;
  return false;
}

/** A reading posted again keeps its ReadingType when the new post leaves it out. */
function mergeReading(old: SepResource<"MirrorMeterReading"> | undefined, r: SepResource<"MirrorMeterReading">): SepResource<"MirrorMeterReading"> {
  return { ...r, ...(r.ReadingType ?? old?.ReadingType ? { ReadingType: r.ReadingType ?? old?.ReadingType } : {}) };
}
