/**
 * One pass over the server, as 2030.5 discovery goes: DeviceCapability -> Time -> this EndDevice (registered by
 * POST when the server does not list it) -> Registration (PIN check) -> FunctionSetAssignments -> DER programs
 * (controls, default control, curves), DRLC programs (controls) and tariffs (rates, reading types, intervals,
 * prices). The result is a snapshot; deciding what it means is the event book's job.
 */
import type { ResourceName, SepResource } from "../codec/index.ts";
import { SepTransportError } from "../common/http-client.ts";
import type { RateInput } from "../mapping/pricing.ts";
import type { Walker } from "./walker.ts";

type R<K extends ResourceName> = SepResource<K>;

export interface ProgramSnapshot<C> {
  mRID: string;
  primacy: number;
  href: string;
  /** the event list: subscribable when its `subscribable` attribute is 1 or more */
  list?: { href: string; subscribable: boolean };
  controls: C[];
}

export interface Snapshot {
  dcap: R<"DeviceCapability">;
  /** server time minus local time (ms), when the server has a Time resource */
  clockOffsetMs?: number;
  endDevice: R<"EndDevice"> & { href: string };
  der: (ProgramSnapshot<R<"DERControl">> & { default?: R<"DefaultDERControl"> })[];
  drlc: ProgramSnapshot<R<"EndDeviceControl">>[];
  rates: (RateInput & { intervalsHref: string })[];
  /** curves linked from DER controls, by absolute URL */
  curves: Map<string, R<"DERCurve">>;
  /** the FSA list, for subscriptions (program changes) */
  fsaList?: { href: string; subscribable: boolean };
  /** the shortest pollRate the server asked for (seconds) */
  pollRate: number;
}

export class RegistrationError extends Error {}

export interface DiscoveryOptions {
  lfdi: string;
  sfdi: number;
  pin?: number;
  deviceCategory?: string;
  now(): number;
}

const DEFAULT_POLL_RATE = 900;

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof SepTransportError && err.status === 404) return undefined;
    throw err;
  }
}

async function findEndDevice(w: Walker, dcap: R<"DeviceCapability">, o: DiscoveryOptions): Promise<R<"EndDevice"> & { href: string }> {
  const listHref = dcap.EndDeviceListLink?.href;
  if (!listHref) throw new RegistrationError("the server's DeviceCapability has no EndDeviceListLink");
  const { items } = await w.list(listHref, "EndDeviceList", (l) => l.EndDevice);
  let mine = items.find((e) => e.lFDI === o.lfdi || e.sFDI === o.sfdi);
  if (!mine) {
    let reply;
    try {
      reply = await w.http.send("POST", w.url(listHref), "EndDevice", {
        sFDI: o.sfdi, lFDI: o.lfdi, changedTime: o.now(), ...(o.deviceCategory ? { deviceCategory: o.deviceCategory } : {}),
      });
    } catch (err) {
      if (err instanceof SepTransportError && err.kind === "http" && !err.retryable) throw new RegistrationError(`the server refused this EndDevice: ${err.message}`);
      throw err;
    }
    if (!reply.location) throw new RegistrationError("the server created the EndDevice without saying where (no Location)");
    mine = await w.get(reply.location, "EndDevice");
    mine = { ...mine, href: mine.href ?? reply.location };
  }
  if (!mine.href) throw new RegistrationError("the server's EndDevice has no href");
  return mine as R<"EndDevice"> & { href: string };
}

export async function discover(w: Walker, serverUrl: string, o: DiscoveryOptions): Promise<Snapshot> {
  const dcap = await w.get(serverUrl, "DeviceCapability");
  const rates: number[] = [dcap.pollRate ?? DEFAULT_POLL_RATE];
  let clockOffsetMs: number | undefined;
  if (dcap.TimeLink) {
    const sent = Date.now();
    const tm = await w.get(dcap.TimeLink.href, "Time");
    const offset = tm.currentTime * 1000 - (sent + Date.now()) / 2;
    // currentTime has a one-second resolution: a smaller offset is no information
    clockOffsetMs = Math.abs(offset) < 1000 ? 0 : Math.round(offset);
  }

  const endDevice = await findEndDevice(w, dcap, o);
  if (o.pin !== undefined) {
    const rg = endDevice.RegistrationLink && (await optional(w.get(endDevice.RegistrationLink.href, "Registration")));
    if (!rg) throw new RegistrationError("the server shows no Registration for this EndDevice; its PIN cannot be checked");
    if (rg.pIN !== o.pin) throw new RegistrationError(`the server's registration PIN ${rg.pIN} is not this device's ${o.pin}: wrong server or wrong device record`);
  }

  const derLists: string[] = [];
  const drLists: string[] = [];
  const tariffLists: string[] = [];
  let fsaList: Snapshot["fsaList"];
  if (endDevice.FunctionSetAssignmentsListLink) {
    const href = endDevice.FunctionSetAssignmentsListLink.href;
    const { list, items } = await w.list(href, "FunctionSetAssignmentsList", (l) => l.FunctionSetAssignments);
    if (list.pollRate) rates.push(list.pollRate);
    fsaList = { href, subscribable: (list.subscribable ?? 0) >= 1 };
    for (const fsa of items) {
      if (fsa.DERProgramListLink) derLists.push(fsa.DERProgramListLink.href);
      if (fsa.DemandResponseProgramListLink) drLists.push(fsa.DemandResponseProgramListLink.href);
      if (fsa.TariffProfileListLink) tariffLists.push(fsa.TariffProfileListLink.href);
    }
  } else {
    // no function set assignments: the server-wide programs apply
    if (dcap.DERProgramListLink) derLists.push(dcap.DERProgramListLink.href);
    if (dcap.DemandResponseProgramListLink) drLists.push(dcap.DemandResponseProgramListLink.href);
    if (dcap.TariffProfileListLink) tariffLists.push(dcap.TariffProfileListLink.href);
  }

  const der: Snapshot["der"] = [];
  const curves = new Map<string, R<"DERCurve">>();
  const seen = new Set<string>();
  for (const href of derLists) {
    const { list, items } = await w.list(href, "DERProgramList", (l) => l.DERProgram);
    if (list.pollRate) rates.push(list.pollRate);
    for (const p of items) {
      if (seen.has(p.mRID)) continue;
      seen.add(p.mRID);
      const entry: Snapshot["der"][number] = { mRID: p.mRID, primacy: p.primacy, href: w.url(p.href ?? href), controls: [] };
      if (p.DERControlListLink) {
        const { list: cl, items: controls } = await w.list(p.DERControlListLink.href, "DERControlList", (l) => l.DERControl);
        entry.controls = controls;
        entry.list = { href: w.url(p.DERControlListLink.href), subscribable: (cl.subscribable ?? 0) >= 1 };
      }
      if (p.DefaultDERControlLink) {
        const dflt = await optional(w.get(p.DefaultDERControlLink.href, "DefaultDERControl"));
        if (dflt) entry.default = dflt;
      }
      for (const c of [...entry.controls.map((x) => x.DERControlBase), ...(entry.default ? [entry.default.DERControlBase] : [])]) {
        for (const link of [c.opModFreqWatt, c.opModVoltVar, c.opModVoltWatt, c.opModWattPF, c.opModWattVar]) {
          if (!link || curves.has(w.url(link.href))) continue;
          const curve = await optional(w.get(link.href, "DERCurve"));
          if (curve) curves.set(w.url(link.href), curve);
        }
      }
      der.push(entry);
    }
  }

  const drlc: Snapshot["drlc"] = [];
  for (const href of drLists) {
    const { list, items } = await w.list(href, "DemandResponseProgramList", (l) => l.DemandResponseProgram);
    if (list.pollRate) rates.push(list.pollRate);
    for (const p of items) {
      if (seen.has(p.mRID)) continue;
      seen.add(p.mRID);
      const entry: Snapshot["drlc"][number] = { mRID: p.mRID, primacy: p.primacy, href: w.url(p.href ?? href), controls: [] };
      if (p.EndDeviceControlListLink) {
        const { list: cl, items: controls } = await w.list(p.EndDeviceControlListLink.href, "EndDeviceControlList", (l) => l.EndDeviceControl);
        entry.controls = controls;
        entry.list = { href: w.url(p.EndDeviceControlListLink.href), subscribable: (cl.subscribable ?? 0) >= 1 };
      }
      drlc.push(entry);
    }
  }

  const rateInputs: Snapshot["rates"] = [];
  for (const href of tariffLists) {
    const { list, items } = await w.list(href, "TariffProfileList", (l) => l.TariffProfile);
    if (list.pollRate) rates.push(list.pollRate);
    for (const tariff of items) {
      if (seen.has(tariff.mRID) || !tariff.RateComponentListLink) continue;
      seen.add(tariff.mRID);
      const { items: components } = await w.list(tariff.RateComponentListLink.href, "RateComponentList", (l) => l.RateComponent);
      for (const rate of components) {
        const readingType = await optional(w.get(rate.ReadingTypeLink.href, "ReadingType"));
        const { items: ttis } = await w.list(rate.TimeTariffIntervalListLink.href, "TimeTariffIntervalList", (l) => l.TimeTariffInterval);
        const intervals: RateInput["intervals"] = [];
        for (const tti of ttis) {
          const blocks = tti.ConsumptionTariffIntervalListLink
            ? (await w.list(tti.ConsumptionTariffIntervalListLink.href, "ConsumptionTariffIntervalList", (l) => l.ConsumptionTariffInterval)).items
            : [];
          intervals.push({ tti: { ...tti, ...(tti.replyTo ? { replyTo: w.url(tti.replyTo) } : {}) }, blocks });
        }
        rateInputs.push({ tariff, rate, ...(readingType ? { readingType } : {}), intervals, intervalsHref: w.url(rate.TimeTariffIntervalListLink.href) });
      }
    }
  }

  return {
    dcap, endDevice, der, drlc, rates: rateInputs, curves, pollRate: Math.min(...rates),
    ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}), ...(fsaList ? { fsaList: { ...fsaList, href: w.url(fsaList.href) } } : {}),
  };
}
