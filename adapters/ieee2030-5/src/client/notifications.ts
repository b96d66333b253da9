/**
 * Notifications from the server: an https listener (mutual TLS; only the server's certificate is accepted) that
 * takes POSTed Notification resources at /ntfy, and the subscriptions that point the server at it — one per
 * subscribable event list (and the FSA list), kept in the store and checked again after a restart.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { peerIdentity, type TlsFiles } from "gridhub/security";
import type { AdapterStore } from "gridhub/store";
import { MEDIA_TYPE, parseAs, SepCodecError, type SepResource } from "../codec/index.ts";
import { SepTransportError, type SepHttpClient } from "../common/http-client.ts";
import { sepTls } from "../common/tls.ts";

export const NOTIFY_PATH = "/ntfy";
const SEP_TYPE = /^application\/sep\+xml\s*(;|$)/i;

export interface Listener {
  url: string;
  close(): Promise<void>;
}

export interface ListenerOptions {
  tls: TlsFiles;
  host: string;
  port: number;
  url?: string;
  maxBodyBytes: number;
  logger: Logger;
  /** the server's LFDI: only its certificate may notify */
  serverLfdi(): string | undefined;
  onNotification(n: SepResource<"Notification">): Promise<void>;
}

export async function startListener(o: ListenerOptions): Promise<Listener> {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.raw({ type: () => true, limit: o.maxBodyBytes }));
  app.post(NOTIFY_PATH, async (req: Request, res: Response) => {
    const peer = peerIdentity(req.socket as TLSSocket);
    const server = o.serverLfdi();
    if (!peer || !server || peer.lfdi !== server) return void res.status(403).type("text/plain").send("only the 2030.5 server may notify\n");
    if (!SEP_TYPE.test(req.get("content-type") ?? "")) return void res.status(415).type("text/plain").send(`content-type must be ${MEDIA_TYPE}\n`);
    let n: SepResource<"Notification">;
    try {
      n = parseAs(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), ["Notification"], { maxBytes: o.maxBodyBytes }).value;
    } catch (err) {
      if (!(err instanceof SepCodecError)) throw err;
      o.logger.info({ err: err.message }, "refused a notification");
      return void res.status(400).type("text/plain").send(`${err.message}\n`);
    }
    await o.onNotification(n);
    res.status(204).end();
  });
  app.all(/.*/, (req, res) => void res.status(req.path === NOTIFY_PATH ? 405 : 404).type("text/plain").send(`${req.method} ${req.path} is not served here\n`));
  app.use((err: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === "entity.too.large") return void res.status(413).set("connection", "close").type("text/plain").send("too large\n");
    o.logger.error({ err }, "notification handling failed");
    res.status(500).type("text/plain").send("internal error\n");
  });

  const server: Server = createServer(sepTls(o.tls), app);
  server.listen(o.port, o.host);
  await once(server, "listening");
  const { port, address } = server.address() as AddressInfo;
  const base = o.url?.replace(/\/+$/, "") ?? `https://${address.includes(":") ? `[${address}]` : address}:${port}`;
  return {
    url: `${base}${NOTIFY_PATH}`,
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

interface Subscribed {
  href: string;
  notificationURI: string;
}

/** Keeps one subscription per resource; `ensure` is cheap when nothing changed. */
export class Subscriptions {
  private readonly checked = new Set<string>();

  constructor(private readonly d: { http: SepHttpClient; store: AdapterStore; logger: Logger }) {}

  /** Subscribes to `resource` (absolute URL) unless a live subscription with this notificationURI exists. */
  async ensure(resource: string, subscriptionList: string, notificationURI: string, limit: number) {
    const known = await this.d.store.getDoc<Subscribed>("subscriptions", resource);
    if (known && known.notificationURI === notificationURI) {
      if (this.checked.has(resource)) return;
      try {
        await this.d.http.get(known.href, ["Subscription"]);
        this.checked.add(resource);
        return;
      } catch (err) {
        if (!(err instanceof SepTransportError && err.status === 404)) throw err;
      }
    }
    const reply = await this.d.http.send("POST", subscriptionList, "Subscription", {
      subscribedResource: resource, encoding: 0, level: "+S1", limit, notificationURI,
    });
    if (!reply.location) throw new Error("the server created the subscription without a Location");
    await this.d.store.putDoc("subscriptions", resource, { href: reply.location, notificationURI } satisfies Subscribed);
    this.checked.add(resource);
    this.d.logger.info({ resource, subscription: reply.location }, "subscribed");
  }

  /** The server ended a subscription: the next sync subscribes again. */
  async forget(resource: string) {
    this.checked.delete(resource);
    await this.d.store.deleteDoc("subscriptions", resource);
  }

}
