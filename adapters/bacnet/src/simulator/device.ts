/**
 * One simulated BACnet/IP device on its own UDP port. The library's client receives and decodes the requests
 * and emits them as events; this class answers them from its objects: Who-Is, ReadProperty,
 * ReadPropertyMultiple, WriteProperty (priority arrays) and SubscribeCOV (notifications on change). Requests the
 * library could not decode, and services the device does not execute, are rejected before they reach it.
 */
import type { Logger } from "pino";
import {
  AbortReason, ApplicationTag as T, ASN1_ARRAY_ALL, BACnetClient, BvlcResultPurpose as B, ErrorClass, ErrorCode, PduConReqBit, PduType,
  PropertyIdentifier as P, Segmentation, services, type BACNetAppData, type BACNetObjectID,
} from "../lib.ts";
import type { FrameInfo } from "../frame.ts";
import { formatObjectId, parseObjectId, parseUnits } from "../names.ts";
import { UdpTransport } from "../transport.ts";
import type { DeviceConfig } from "./config.ts";
import { CovTable, type CovSubscription } from "./cov.ts";
import { DeviceObject } from "./device-object.ts";
import { PointObject, SimError, type PointSpec, type SimObject } from "./objects.ts";
import { presets, type Plant } from "./presets.ts";
import { Responder, type Request } from "./responder.ts";
import { rejectReason } from "./validate.ts";
import type { LoopbackSegment } from "./segment.ts";

const segmentationOf = { both: Segmentation.SEGMENTED_BOTH, transmit: Segmentation.SEGMENTED_TRANSMIT,
  receive: Segmentation.SEGMENTED_RECEIVE, none: Segmentation.NO_SEGMENTATION } as const;

/** what the library hands to a confirmed-service event (its types leave the APDU header fields out) */
interface Confirmed<T> {
  payload: T;
  invokeId: number;
  service: number;
  maxApdu: number;
  maxSegments: number;
  type: number;
  header: { sender: { address: string } };
}

const keyOf = (id: BACNetObjectID) => `${id.type}:${id.instance}`;

export class SimDevice {
  readonly instance: number;
  private readonly points = new Map<string, PointObject>();
  private readonly deviceObject: DeviceObject;
  private readonly cov: CovTable;
  private readonly segmentation: Segmentation;
  private readonly step?: (plant: Plant, dt: number) => void;
  private client?: BACnetClient;
  private responder?: Responder;
  private bound = "";
  /** the port to come back on after stop() (the first start may have picked it) */
  private port: number;
  /** confirmed requests served, by service name, and requests rejected as malformed or unsupported */
  readonly served: Record<"readProperty" | "readPropertyMultiple" | "writeProperty" | "subscribeCov" | "rejected", number> = {
    readProperty: 0, readPropertyMultiple: 0, writeProperty: 0, subscribeCov: 0, rejected: 0,
  };
  /** COV notifications sent, and confirmed ones the subscriber acknowledged */
  readonly notifications = { unconfirmed: 0, confirmed: 0, acknowledged: 0 };

  constructor(private readonly config: DeviceConfig, private readonly host: string, private readonly segment: LoopbackSegment,
    private readonly log: Logger) {
    this.instance = config.instance;
    this.port = config.port;
    this.segmentation = segmentationOf[config.segmentation];
    const preset = config.preset ? presets[config.preset] : undefined;
    this.step = preset?.step;
    const specs = new Map<string, PointSpec>();
    for (const s of preset?.objects ?? []) specs.set(keyOf(s.id), { ...s });
    for (const o of config.objects) {
      const id = parseObjectId(o.object);
      specs.set(keyOf(id), { ...o, id, units: o.units === undefined ? undefined : parseUnits(o.units) });
    }
    for (const [k, s] of specs) this.points.set(k, new PointObject(s));
    this.deviceObject = new DeviceObject({
      instance: config.instance, name: config.name ?? `${config.preset ?? "device"}-${config.instance}`, vendorName: config.vendorName,
      vendorId: config.vendorId, modelName: config.modelName ?? preset?.modelName ?? "gridhub-sim", maxApdu: config.maxApdu,
      segmentation: this.segmentation, services: config.services,
    }, () => [this.deviceObject.id, ...[...this.points.values()].map((p) => p.id)]);
    this.cov = new CovTable((s) => this.notify(s), () => Date.now());
  }

  get address(): string {
    return this.bound;
  }

  get running(): boolean {
    return this.client !== undefined;
  }

  /** binds (again, on the same port after a stop) and announces itself with a broadcast I-Am */
  async start(): Promise<void> {
    if (this.client) return;
    const transport = new UdpTransport({
      address: this.host, port: this.port, broadcast: () => this.segment.others(this.bound),
      intercept: (frame, from, info) => this.intercept(frame, from, info),
      onDrop: (reason, from, detail) => this.log.debug({ device: this.instance, from, reason, detail }, "dropped a frame"),
    });
    const client = new BACnetClient({ transport, apduTimeout: 3000 });
    client.on("error", (e: Error) => this.log.warn({ device: this.instance, err: e }, "simulated device socket error"));
    try {
      const a = await transport.ready;
      this.port = a.port;
    } catch (e) {
      client.close();
      throw new Error(`simulated BACnet device ${this.instance} cannot bind ${this.host}:${this.port}: ${(e as Error).message}`, { cause: e });
    }
    this.client = client;
    this.bound = transport.localAddress;
    this.responder = new Responder(transport, this.config.maxApdu, this.segmentation === Segmentation.SEGMENTED_BOTH
      || this.segmentation === Segmentation.SEGMENTED_TRANSMIT, this.log);
    this.segment.join(this.bound);
    client.on("whoIs", (c) => this.onWhoIs(c as never));
    client.on("readProperty", (c) => this.onReadProperty(c as never));
    client.on("readPropertyMultiple", (c) => this.onReadPropertyMultiple(c as never));
    client.on("writeProperty", (c) => this.onWriteProperty(c as never));
    client.on("subscribeCov", (c) => this.onSubscribeCov(c as never));
    this.responder.iAm(undefined, this.instance, this.segmentation, this.config.vendorId);
  }

  /** goes silent, as a device that is switched off: its COV subscriptions are lost */
  async stop(): Promise<void> {
    if (!this.client) return;
    this.segment.leave(this.bound);
    this.responder?.close();
    this.client.close();
    this.client = undefined;
    this.cov.clear();
  }

  point(object: string): PointObject {
    const p = this.points.get(keyOf(parseObjectId(object)));
    if (!p) throw new Error(`device ${this.instance} has no ${object}`);
    return p;
  }

  /** a write made at the device (an operator at its front panel, or its own program) */
  localWrite(object: string, value: number | null, priority = 16): void {
    const p = this.point(object);
    const tag = value === null ? T.NULL : p.kind === "analog" ? T.REAL : p.kind === "binary" ? T.ENUMERATED : T.UNSIGNED_INTEGER;
    const data = [{ type: tag, value } as BACNetAppData];
    p.write(P.PRESENT_VALUE, data, priority);
    this.cov.changed(p);
  }

  /** what an input measures now (the plant, or a test): COV subscribers hear of it */
  sense(object: string, value: number): void {
    const p = this.point(object);
    p.sense(value);
    this.cov.changed(p);
  }

  /** one step of the preset's plant behaviour */
  tick(dt: number): void {
    if (!this.step) return;
    const plant: Plant = {
      get: (type, instance) => this.points.get(`${type}:${instance}`)?.presentValue ?? 0,
      sense: (type, instance, v) => {
        const p = this.points.get(`${type}:${instance}`);
        if (!p) return;
        p.sense(v);
        this.cov.changed(p);
      },
    };
    this.step(plant, dt);
  }

  info(): Record<string, unknown> {
    return {
      instance: this.instance, address: this.bound, running: this.running, preset: this.config.preset, served: { ...this.served },
      notifications: { ...this.notifications },
      objects: [...this.points.values()].map((p) => ({
        object: formatObjectId(p.id), name: p.spec.name, presentValue: p.presentValue,
        ...(p.commandable ? { priorityArray: p.priorityArray() } : {}),
      })),
      covSubscriptions: this.cov.active().map((s) => ({
        subscriber: s.subscriber, processId: s.processId, object: formatObjectId(s.object.id), lifetime: s.lifetime, renewals: s.renewals,
      })),
    };
  }

  private object(id: BACNetObjectID): SimObject | undefined {
    if (id.type === this.deviceObject.id.type && (id.instance === this.instance || id.instance === 4194303)) return this.deviceObject;
    return this.points.get(keyOf(id));
  }

  /** rejects what the library would drop or not answer: undecodable requests and services this device lacks */
  private intercept(frame: Buffer, from: string, info: FrameInfo): boolean {
    const a = info.apdu;
    if (!a || !this.responder) return false;
    if (a.pduType === PduType.SEGMENT_ACK) {
      this.responder.onSegmentAck(from, frame, a.offset);
      return true;
    }
    if (a.pduType !== PduType.CONFIRMED_REQUEST) return false;
    if (a.invokeId === undefined || a.service === undefined || a.bodyOffset === undefined) return true;
    if (a.flags & PduConReqBit.SEGMENTED_MESSAGE) {
      this.responder.abort(from, a.invokeId, AbortReason.SEGMENTATION_NOT_SUPPORTED);
      return true;
    }
    const reason = rejectReason(a.service, frame, a.bodyOffset, this.config.services);
    if (reason === undefined) return false;
    this.log.debug({ device: this.instance, from, reason }, "rejected a request");
    this.served.rejected++;
    this.responder.reject(from, a.invokeId, reason);
    return true;
  }

  private answer<T>(c: Confirmed<T>, act: () => void) {
    try {
      act();
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      this.responder?.error(c.header.sender.address, c.invokeId, c.service, e.errorClass, e.errorCode);
    }
  }

  private onWhoIs(c: { payload: { lowLimit?: number; highLimit?: number }; header: { sender: { address: string; forwardedFrom?: string | null }; func?: number } }) {
    const { lowLimit, highLimit } = c.payload;
    if (lowLimit !== undefined && highLimit !== undefined && (this.instance < lowLimit || this.instance > highLimit)) return;
    // a directed Who-Is is answered directly; a broadcast one (local or forwarded by a BBMD) with a broadcast
    const directed = c.header.func === B.ORIGINAL_UNICAST_NPDU;
    this.responder?.iAm(directed ? c.header.sender.address : undefined, this.instance, this.segmentation, this.config.vendorId);
  }

  private onReadProperty(c: Confirmed<{ objectId: BACNetObjectID; property: { id: number; index: number } }>) {
    this.served.readProperty++;
    this.answer(c, () => {
      const { objectId, property } = c.payload;
      const o = this.object(objectId);
      if (!o) throw new SimError(ErrorClass.OBJECT, ErrorCode.UNKNOWN_OBJECT);
      const index = property.index === ASN1_ARRAY_ALL ? undefined : property.index;
      const data = o.read(property.id, index);
      this.responder!.complexAck(c.header.sender.address, c as Request, c.service,
        (b) => services.ReadProperty.encodeAcknowledge(b, o.id, property.id, property.index, data));
    });
  }

  private onReadPropertyMultiple(c: Confirmed<{ properties: { objectId: BACNetObjectID; properties: { id: number; index: number }[] }[] }>) {
    this.served.readPropertyMultiple++;
    const results = c.payload.properties.map(({ objectId, properties }) => {
      const o = this.object(objectId);
      const wanted = properties.flatMap((p) => (p.id === P.ALL || p.id === P.REQUIRED || p.id === P.OPTIONAL) && o
        ? [...o.properties.keys()].map((id) => ({ id, index: ASN1_ARRAY_ALL }))
        : [p]);
      return {
        objectId: o?.id ?? objectId,
        values: wanted.map((p) => {
          try {
            if (!o) throw new SimError(ErrorClass.OBJECT, ErrorCode.UNKNOWN_OBJECT);
            return { property: p, value: o.read(p.id, p.index === ASN1_ARRAY_ALL ? undefined : p.index) };
          } catch (e) {
            if (!(e instanceof SimError)) throw e;
            return { property: p, value: [{ value: { type: "BacnetError", errorClass: e.errorClass, errorCode: e.errorCode } }] };
          }
        }),
      };
    });
    this.responder?.complexAck(c.header.sender.address, c as Request, c.service, (b) => services.ReadPropertyMultiple.encodeAcknowledge(b, results));
  }

  private onWriteProperty(c: Confirmed<{ objectId: BACNetObjectID; value: { property: { id: number; index: number }; value: BACNetAppData[]; priority: number } }>) {
    this.served.writeProperty++;
    this.answer(c, () => {
      const { objectId, value } = c.payload;
      const o = this.object(objectId);
      if (!o) throw new SimError(ErrorClass.OBJECT, ErrorCode.UNKNOWN_OBJECT);
      o.write(value.property.id, value.value, value.priority, value.property.index === ASN1_ARRAY_ALL ? undefined : value.property.index);
      this.responder!.simpleAck(c.header.sender.address, c.invokeId, c.service);
      if (o instanceof PointObject) this.cov.changed(o);
    });
  }

  private onSubscribeCov(c: Confirmed<{ subscriberProcessId: number; monitoredObjectId: BACNetObjectID; cancellationRequest: boolean;
    issueConfirmedNotifications?: boolean; lifetime?: number }>) {
    this.served.subscribeCov++;
    this.answer(c, () => {
      const p = c.payload;
      const o = this.object(p.monitoredObjectId);
      if (!(o instanceof PointObject)) throw new SimError(ErrorClass.OBJECT, o ? ErrorCode.OPTIONAL_FUNCTIONALITY_NOT_SUPPORTED : ErrorCode.UNKNOWN_OBJECT);
      const subscriber = c.header.sender.address;
      this.responder!.simpleAck(subscriber, c.invokeId, c.service);
      if (p.cancellationRequest) this.cov.cancel(subscriber, p.subscriberProcessId, o);
      else this.cov.subscribe(subscriber, p.subscriberProcessId, o, p.issueConfirmedNotifications ?? false, p.lifetime ?? 0);
    });
  }

  private notify(s: CovSubscription) {
    const client = this.client;
    if (!client) return;
    const values = [P.PRESENT_VALUE, P.STATUS_FLAGS].map((id) => ({ property: { id }, value: s.object.read(id) }));
    const remaining = this.cov.remaining(s);
    if (!s.confirmed) {
      this.notifications.unconfirmed++;
      client.unconfirmedCOVNotification({ address: s.subscriber }, s.processId, this.instance, s.object.id, remaining, values);
      return;
    }
    this.notifications.confirmed++;
    client.confirmedCOVNotification({ address: s.subscriber }, s.object.id, s.processId, this.instance, remaining, values)
      .then(() => void this.notifications.acknowledged++)
      .catch((e: Error) => this.log.debug({ device: this.instance, err: e.message }, "confirmed COV notification unanswered"));
  }
}
