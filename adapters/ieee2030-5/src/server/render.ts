/**
 * State -> 2030.5 resources, as one client sees them at one time: EventStatus follows the clock (scheduled,
 * active, completed) and cancellations; lists are paged; a client sees only its own EndDevice, mirrors and
 * responses.
 */
import type { SepResource } from "../codec/index.ts";
import { modesOf } from "../mapping/der.ts";
import { mridOf } from "../common/ids.ts";
import { page, type ListQuery } from "../common/paging.ts";
import { P, RESPONSE_SET } from "./paths.ts";
import type { ControlRec, DerProgramRec, DeviceRec, DrProgramRec, FsaRec, MupRec, ResponseRec, SubscriptionRec, TariffRec } from "./records.ts";
import type { ServerState } from "./state.ts";

/** Lists the server sends notifications for (subscribable="1"); everything else is "0". */
export const SUBSCRIBABLE = 1;
const NOT_SUBSCRIBABLE = 0;
/** Time quality 5: the host clock, whose source the server cannot vouch for. */
const TIME_QUALITY = 5;
const EVENT = { scheduled: 0, active: 1, cancelled: 2, cancelledRandom: 3, completed: 5 } as const;

export class Renderer {
  constructor(private readonly state: ServerState, private readonly opts: { pollRate: number; name: string }) {}

  deviceCapability(): SepResource<"DeviceCapability"> {
    return {
      href: P.dcap, pollRate: this.opts.pollRate,
      DemandResponseProgramListLink: { href: P.drList, all: this.state.drPrograms.size },
      DERProgramListLink: { href: P.derpList, all: this.state.derPrograms.size },
      ResponseSetListLink: { href: P.rspsList, all: 1 },
      TariffProfileListLink: { href: P.tpList, all: this.state.tariffs.size },
      TimeLink: { href: P.tm },
      EndDeviceListLink: { href: P.edevList, all: 1 },
      MirrorUsagePointListLink: { href: P.mupList },
    };
  }

  time(now: number): SepResource<"Time"> {
    return { href: P.tm, pollRate: this.opts.pollRate, currentTime: now, dstEndTime: 0, dstOffset: 0, dstStartTime: 0, quality: TIME_QUALITY, tzOffset: 0 };
  }

  endDevice(d: DeviceRec): SepResource<"EndDevice"> {
    return {
      href: P.edev(d.id), subscribable: NOT_SUBSCRIBABLE, lFDI: d.lfdi, sFDI: d.sfdi, changedTime: d.changedTime, enabled: true,
      FunctionSetAssignmentsListLink: { href: P.fsaList(d.id), all: this.fsasOf(d).length },
      ...(d.pin !== undefined ? { RegistrationLink: { href: P.rg(d.id) } } : {}),
      SubscriptionListLink: { href: P.subList(d.id), all: this.subscriptionsOf(d).length },
    };
  }

  endDeviceList(viewer: DeviceRec | undefined, q: ListQuery): SepResource<"EndDeviceList"> {
    const p = page(viewer ? [viewer] : [], q);
    return { href: P.edevList, subscribable: NOT_SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, EndDevice: p.items.map((d) => this.endDevice(d)) };
  }

  registration(d: DeviceRec): SepResource<"Registration"> | undefined {
    if (d.pin === undefined) return undefined;
    return { href: P.rg(d.id), pollRate: this.opts.pollRate, dateTimeRegistered: d.registered ?? d.changedTime, pIN: d.pin };
  }

  fsasOf(d: DeviceRec): FsaRec[] {
    return [...this.state.fsas.values()].filter((f) => !f.devices || f.devices.includes(d.lfdi));
  }

  fsa(f: FsaRec): SepResource<"FunctionSetAssignments"> {
    return {
      href: P.fsa(f.id), subscribable: NOT_SUBSCRIBABLE,
      DemandResponseProgramListLink: { href: P.fsaDr(f.id), all: f.drPrograms.length },
      DERProgramListLink: { href: P.fsaDerp(f.id), all: f.derPrograms.length },
      TariffProfileListLink: { href: P.fsaTp(f.id), all: f.tariffs.length },
      TimeLink: { href: P.tm },
      mRID: f.mRID, ...(f.description ? { description: f.description } : {}),
    };
  }

  fsaList(d: DeviceRec, q: ListQuery): SepResource<"FunctionSetAssignmentsList"> {
    const p = page(this.fsasOf(d), q);
    return { href: P.fsaList(d.id), subscribable: SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, FunctionSetAssignments: p.items.map((f) => this.fsa(f)) };
  }

  // ---- DER
  derProgram(p: DerProgramRec): SepResource<"DERProgram"> {
    const controls = this.state.controlsOf("der", p.id);
    return {
      href: P.derp(p.id), subscribable: NOT_SUBSCRIBABLE, mRID: p.mRID, ...(p.description ? { description: p.description } : {}), version: p.version,
      ActiveDERControlListLink: { href: P.actderc(p.id) },
      ...(p.default ? { DefaultDERControlLink: { href: P.dderc(p.id) } } : {}),
      DERControlListLink: { href: P.dercList(p.id), all: controls.length },
      DERCurveListLink: { href: P.dcList(p.id), all: this.curvesOf(p.id).length },
      primacy: p.primacy,
    };
  }

  derProgramList(href: string, ids: readonly string[] | undefined, q: ListQuery): SepResource<"DERProgramList"> {
    const programs = (ids ? ids.map((id) => this.state.derPrograms.get(id)!).filter(Boolean) : [...this.state.derPrograms.values()])
      .sort((a, b) => a.primacy - b.primacy || (a.mRID < b.mRID ? 1 : -1));
    const p = page(programs, q);
    return { href, subscribable: SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, DERProgram: p.items.map((x) => this.derProgram(x)) };
  }

  eventStatus(c: ControlRec, now: number, siblings: readonly ControlRec[]): SepResource<"DERControl">["EventStatus"] {
    const end = c.start + c.duration;
    const [currentStatus, dateTime] = c.cancelled
      ? [c.cancelled.randomized ? EVENT.cancelledRandom : EVENT.cancelled, c.cancelled.at]
      : now < c.start ? [EVENT.scheduled, c.creationTime] : now < end ? [EVENT.active, c.start] : [EVENT.completed, end];
    const modes = c.base ? new Set(modesOf(c.base)) : undefined;
    const potentiallySuperseded = !c.cancelled && siblings.some((o) => o !== c && !o.cancelled && o.creationTime > c.creationTime
      && o.start < end && c.start < o.start + o.duration && (!modes || !o.base || modesOf(o.base).some((m) => modes.has(m))));
    return { currentStatus, dateTime, potentiallySuperseded };
  }

  private eventFields(c: ControlRec, href: string, now: number, siblings: readonly ControlRec[]) {
    return {
      href, replyTo: P.rspList(RESPONSE_SET), responseRequired: c.responseRequired, subscribable: NOT_SUBSCRIBABLE,
      mRID: c.mRID, ...(c.description ? { description: c.description } : {}),
      creationTime: c.creationTime, EventStatus: this.eventStatus(c, now, siblings), interval: { duration: c.duration, start: c.start },
      ...(c.randomizeDuration ? { randomizeDuration: c.randomizeDuration } : {}), ...(c.randomizeStart ? { randomizeStart: c.randomizeStart } : {}),
    };
  }

  derControl(c: ControlRec, now: number, siblings = this.state.controlsOf("der", c.program)): SepResource<"DERControl"> {
    return { ...this.eventFields(c, P.derc(c.program, c.id), now, siblings), DERControlBase: c.base!, ...(c.deviceCategory ? { deviceCategory: c.deviceCategory } : {}) };
  }

  derControlList(program: string, now: number, q: ListQuery, activeOnly = false): SepResource<"DERControlList"> {
    const all = this.state.controlsOf("der", program);
    const listed = activeOnly ? all.filter((c) => this.eventStatus(c, now, all).currentStatus === EVENT.active) : all;
    const p = page(listed, q, (c) => c.start);
    return {
      href: activeOnly ? P.actderc(program) : P.dercList(program), subscribable: SUBSCRIBABLE, all: p.all, results: p.results,
      DERControl: p.items.map((c) => this.derControl(c, now, all)),
    };
  }

  defaultDerControl(p: DerProgramRec): SepResource<"DefaultDERControl"> | undefined {
    const d = p.default;
    if (!d) return undefined;
    return {
      href: P.dderc(p.id), subscribable: SUBSCRIBABLE, mRID: d.mRID, ...(d.description ? { description: d.description } : {}),
      version: d.version, DERControlBase: d.base, updatedTime: d.updated,
    };
  }

  curvesOf(program: string) {
    return [...this.state.curves.values()].filter((c) => c.program === program);
  }

  derCurveList(program: string, q: ListQuery): SepResource<"DERCurveList"> {
    const p = page(this.curvesOf(program), q);
    return { href: P.dcList(program), all: p.all, results: p.results, DERCurve: p.items.map((c) => ({ href: P.dc(program, c.id), ...c.value })) };
  }

  // ---- DRLC
  drProgram(p: DrProgramRec): SepResource<"DemandResponseProgram"> {
    return {
      href: P.dr(p.id), mRID: p.mRID, ...(p.description ? { description: p.description } : {}),
      ActiveEndDeviceControlListLink: { href: P.actedc(p.id) },
      EndDeviceControlListLink: { href: P.edcList(p.id), all: this.state.controlsOf("drlc", p.id).length },
      primacy: p.primacy,
    };
  }

  drProgramList(href: string, ids: readonly string[] | undefined, q: ListQuery): SepResource<"DemandResponseProgramList"> {
    const programs = (ids ?? [...this.state.drPrograms.keys()]).filter((id) => this.state.drPrograms.has(id))
      .sort((a, b) => this.state.drPrograms.get(a)!.primacy - this.state.drPrograms.get(b)!.primacy);
    const p = page(programs, q);
    return { href, subscribable: NOT_SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, DemandResponseProgram: p.items.map((id) => this.drProgram(this.state.drPrograms.get(id)!)) };
  }

  endDeviceControl(c: ControlRec, now: number, siblings = this.state.controlsOf("drlc", c.program)): SepResource<"EndDeviceControl"> {
    return { ...this.eventFields(c, P.edc(c.program, c.id), now, siblings), ...c.drlc! };
  }

  endDeviceControlList(program: string, now: number, q: ListQuery, activeOnly = false): SepResource<"EndDeviceControlList"> {
    const all = this.state.controlsOf("drlc", program);
    const listed = activeOnly ? all.filter((c) => this.eventStatus(c, now, all).currentStatus === EVENT.active) : all;
    const p = page(listed, q, (c) => c.start);
    return {
      href: activeOnly ? P.actedc(program) : P.edcList(program), subscribable: SUBSCRIBABLE, all: p.all, results: p.results,
      EndDeviceControl: p.items.map((c) => this.endDeviceControl(c, now, all)),
    };
  }

  // ---- pricing
  tariffProfile(t: TariffRec): SepResource<"TariffProfile"> {
    return {
      href: P.tp(t.id), mRID: t.mRID, ...(t.description ? { description: t.description } : {}),
      ...(t.currency !== undefined ? { currency: t.currency } : {}),
      ...(t.pricePowerOfTenMultiplier !== undefined ? { pricePowerOfTenMultiplier: t.pricePowerOfTenMultiplier } : {}),
      primacy: t.primacy, ...(t.rateCode ? { rateCode: t.rateCode } : {}),
      RateComponentListLink: { href: P.rcList(t.id), all: t.rates.length }, serviceCategoryKind: 0,
    };
  }

  tariffProfileList(href: string, ids: readonly string[] | undefined, q: ListQuery): SepResource<"TariffProfileList"> {
    const tariffs = (ids ?? [...this.state.tariffs.keys()]).map((id) => this.state.tariffs.get(id)).filter((t): t is TariffRec => !!t);
    const p = page(tariffs, q);
    return { href, subscribable: NOT_SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, TariffProfile: p.items.map((t) => this.tariffProfile(t)) };
  }

  rateComponent(t: TariffRec, r: TariffRec["rates"][number]): SepResource<"RateComponent"> {
    return {
      href: P.rc(t.id, r.id), mRID: r.mRID, ...(r.description ? { description: r.description } : {}),
      ReadingTypeLink: { href: P.rt(t.id, r.id) }, roleFlags: r.roleFlags,
      TimeTariffIntervalListLink: { href: P.ttiList(t.id, r.id), all: r.intervals.length },
    };
  }

  rateComponentList(t: TariffRec, q: ListQuery): SepResource<"RateComponentList"> {
    const p = page(t.rates, q);
    return { href: P.rcList(t.id), all: p.all, results: p.results, RateComponent: p.items.map((r) => this.rateComponent(t, r)) };
  }

  readingType(t: TariffRec, r: TariffRec["rates"][number]): SepResource<"ReadingType"> {
    return { href: P.rt(t.id, r.id), ...r.readingType };
  }

  timeTariffInterval(t: TariffRec, r: TariffRec["rates"][number], i: TariffRec["rates"][number]["intervals"][number], now: number): SepResource<"TimeTariffInterval"> {
    const asControl: ControlRec = { kind: "drlc", id: i.id, program: r.id, mRID: i.mRID, creationTime: i.creationTime, start: i.start,
      duration: i.duration, responseRequired: i.responseRequired, ...(i.cancelled ? { cancelled: { at: i.cancelled, randomized: false } } : {}) };
    return {
      href: P.tti(t.id, r.id, i.id), replyTo: P.rspList(RESPONSE_SET), responseRequired: i.responseRequired, subscribable: NOT_SUBSCRIBABLE,
      mRID: i.mRID, ...(i.description ? { description: i.description } : {}),
      creationTime: i.creationTime, EventStatus: this.eventStatus(asControl, now, []), interval: { duration: i.duration, start: i.start },
      ConsumptionTariffIntervalListLink: { href: P.ctiList(t.id, r.id, i.id), all: i.prices.length }, touTier: i.touTier,
    };
  }

  timeTariffIntervalList(t: TariffRec, r: TariffRec["rates"][number], now: number, q: ListQuery): SepResource<"TimeTariffIntervalList"> {
    const sorted = [...r.intervals].sort((a, b) => a.start - b.start);
    const p = page(sorted, q, (i) => i.start);
    return { href: P.ttiList(t.id, r.id), subscribable: NOT_SUBSCRIBABLE, all: p.all, results: p.results, TimeTariffInterval: p.items.map((i) => this.timeTariffInterval(t, r, i, now)) };
  }

  consumptionTariffIntervalList(t: TariffRec, r: TariffRec["rates"][number], i: TariffRec["rates"][number]["intervals"][number], q: ListQuery): SepResource<"ConsumptionTariffIntervalList"> {
    const p = page([...i.prices].sort((a, b) => a.consumptionBlock - b.consumptionBlock), q);
    return {
      href: P.ctiList(t.id, r.id, i.id), all: p.all, results: p.results,
      ConsumptionTariffInterval: p.items.map((b) => ({ href: P.cti(t.id, r.id, i.id, b.consumptionBlock), ...b })),
    };
  }

  // ---- mirrors, responses, subscriptions
  mirrorUsagePoint(m: MupRec): SepResource<"MirrorUsagePoint"> {
    const readings = Object.values(m.readings);
    return { href: P.mup(m.id), ...m.value, ...(readings.length ? { MirrorMeterReading: readings } : {}) };
  }

  mirrorUsagePointList(viewer: DeviceRec, q: ListQuery): SepResource<"MirrorUsagePointList"> {
    const p = page([...this.state.mups.values()].filter((m) => m.owner === viewer.lfdi), q);
    return { href: P.mupList, subscribable: NOT_SUBSCRIBABLE, all: p.all, results: p.results, pollRate: this.opts.pollRate, MirrorUsagePoint: p.items.map((m) => this.mirrorUsagePoint(m)) };
  }

  responseSet(): SepResource<"ResponseSet"> {
    return { href: P.rsps(RESPONSE_SET), mRID: mridOf(this.opts.name, "responses"), description: "event responses", ResponseListLink: { href: P.rspList(RESPONSE_SET) } };
  }

  responseSetList(q: ListQuery): SepResource<"ResponseSetList"> {
    const p = page([this.responseSet()], q);
    return { href: P.rspsList, all: p.all, results: p.results, pollRate: this.opts.pollRate, ResponseSet: p.items };
  }

  responsesOf(viewer: DeviceRec): ResponseRec[] {
    return [...this.state.responses.values()].filter((r) => r.value.endDeviceLFDI === viewer.lfdi)
      .sort((a, b) => (b.value.createdDateTime ?? b.received) - (a.value.createdDateTime ?? a.received) || Number(b.id) - Number(a.id));
  }

  response(r: ResponseRec): SepResource<"Response"> {
    return { href: P.rsp(r.set, r.id), ...r.value };
  }

  responseList(viewer: DeviceRec, q: ListQuery): SepResource<"ResponseList"> {
    const p = page(this.responsesOf(viewer), q, (r) => r.value.createdDateTime ?? r.received);
    return { href: P.rspList(RESPONSE_SET), all: p.all, results: p.results, Response: p.items.map((r) => this.response(r)) };
  }

  subscriptionsOf(d: DeviceRec): SubscriptionRec[] {
    return [...this.state.subscriptions.values()].filter((s) => s.device === d.id);
  }

  subscriptionList(d: DeviceRec, q: ListQuery): SepResource<"SubscriptionList"> {
    const p = page(this.subscriptionsOf(d), q);
    return { href: P.subList(d.id), all: p.all, results: p.results, pollRate: this.opts.pollRate, Subscription: p.items.map((s) => ({ href: P.sub(d.id, s.id), ...s.value })) };
  }
}
