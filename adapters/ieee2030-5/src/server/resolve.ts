/**
 * GET: a path -> the resource one client sees there, or undefined (404). GETs and notifications both come here,
 * so a notification carries exactly what a GET of the subscribed resource would return.
 */
import type { ResourceName, SepResource } from "../codec/index.ts";
import type { ListQuery } from "../common/paging.ts";
import { RESPONSE_SET } from "./paths.ts";
import type { DeviceRec } from "./records.ts";
import type { Renderer } from "./render.ts";
import type { ServerState } from "./state.ts";

export type Rendered = { [K in ResourceName]: { type: K; value: SepResource<K> } }[ResourceName];

const doc = <K extends ResourceName>(type: K, value: SepResource<K> | undefined): Rendered | undefined =>
  value === undefined ? undefined : ({ type, value } as Rendered);

/** Paths anyone with a trusted certificate may read, registered or not (open enrolment starts here). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/dcap", "/tm", "/edev"]);

export function resolveGet(r: Renderer, state: ServerState, path: string, viewer: DeviceRec | undefined, q: ListQuery, now: number): Rendered | undefined {
  const s = path.split("/").slice(1);
  if (s.some((x) => x === "")) return undefined;
  const [head, a, b, c, d, e, f, g] = s;
  switch (head) {
    case "dcap": return s.length === 1 ? doc("DeviceCapability", r.deviceCapability()) : undefined;
    case "tm": return s.length === 1 ? doc("Time", r.time(now)) : undefined;
    case "edev": {
      if (s.length === 1) return doc("EndDeviceList", r.endDeviceList(viewer, q));
      if (!viewer || a !== viewer.id) return undefined;
      if (s.length === 2) return doc("EndDevice", r.endDevice(viewer));
      if (s.length === 3 && b === "rg") return doc("Registration", r.registration(viewer));
      if (s.length === 3 && b === "fsa") return doc("FunctionSetAssignmentsList", r.fsaList(viewer, q));
      if (s.length === 3 && b === "sub") return doc("SubscriptionList", r.subscriptionList(viewer, q));
      if (s.length === 4 && b === "sub") {
        const sub = state.subscriptions.get(c);
        return sub && sub.device === viewer.id ? doc("Subscription", { href: path, ...sub.value }) : undefined;
      }
      return undefined;
    }
  }
  if (!viewer) return undefined;
  switch (head) {
    case "fsa": {
      const fsa = state.fsas.get(a);
      if (!fsa || !r.fsasOf(viewer).includes(fsa)) return undefined;
      if (s.length === 2) return doc("FunctionSetAssignments", r.fsa(fsa));
      if (s.length !== 3) return undefined;
      if (b === "derp") return doc("DERProgramList", r.derProgramList(path, fsa.derPrograms, q));
      if (b === "dr") return doc("DemandResponseProgramList", r.drProgramList(path, fsa.drPrograms, q));
      if (b === "tp") return doc("TariffProfileList", r.tariffProfileList(path, fsa.tariffs, q));
      return undefined;
    }
    case "derp": {
      if (s.length === 1) return doc("DERProgramList", r.derProgramList(path, undefined, q));
      const p = state.derPrograms.get(a);
      if (!p) return undefined;
      if (s.length === 2) return doc("DERProgram", r.derProgram(p));
      if (s.length === 3) {
        if (b === "derc") return doc("DERControlList", r.derControlList(p.id, now, q));
        if (b === "actderc") return doc("DERControlList", r.derControlList(p.id, now, q, true));
        if (b === "dderc") return doc("DefaultDERControl", r.defaultDerControl(p));
        if (b === "dc") return doc("DERCurveList", r.derCurveList(p.id, q));
        return undefined;
      }
      if (s.length === 4 && b === "derc") {
        const ctl = state.controls.get(c);
        return ctl && ctl.kind === "der" && ctl.program === p.id ? doc("DERControl", r.derControl(ctl, now)) : undefined;
      }
      if (s.length === 4 && b === "dc") {
        const curve = state.curves.get(c);
        return curve && curve.program === p.id ? doc("DERCurve", { href: path, ...curve.value }) : undefined;
      }
      return undefined;
    }
    case "dr": {
      if (s.length === 1) return doc("DemandResponseProgramList", r.drProgramList(path, undefined, q));
      const p = state.drPrograms.get(a);
      if (!p) return undefined;
      if (s.length === 2) return doc("DemandResponseProgram", r.drProgram(p));
      if (s.length === 3 && b === "edc") return doc("EndDeviceControlList", r.endDeviceControlList(p.id, now, q));
      if (s.length === 3 && b === "actedc") return doc("EndDeviceControlList", r.endDeviceControlList(p.id, now, q, true));
      if (s.length === 4 && b === "edc") {
        const ctl = state.controls.get(c);
        return ctl && ctl.kind === "drlc" && ctl.program === p.id ? doc("EndDeviceControl", r.endDeviceControl(ctl, now)) : undefined;
      }
      return undefined;
    }
    case "tp": {
      if (s.length === 1) return doc("TariffProfileList", r.tariffProfileList(path, undefined, q));
      const t = state.tariffs.get(a);
      if (!t) return undefined;
      if (s.length === 2) return doc("TariffProfile", r.tariffProfile(t));
      if (b !== "rc") return undefined;
      if (s.length === 3) return doc("RateComponentList", r.rateComponentList(t, q));
      const rate = t.rates.find((x) => x.id === c);
      if (!rate) return undefined;
      if (s.length === 4) return doc("RateComponent", r.rateComponent(t, rate));
      if (s.length === 5 && d === "rt") return doc("ReadingType", r.readingType(t, rate));
      if (d !== "tti") return undefined;
      if (s.length === 5) return doc("TimeTariffIntervalList", r.timeTariffIntervalList(t, rate, now, q));
      const tti = rate.intervals.find((x) => x.id === e);
      if (!tti) return undefined;
      if (s.length === 6) return doc("TimeTariffInterval", r.timeTariffInterval(t, rate, tti, now));
      if (f !== "cti") return undefined;
      if (s.length === 7) return doc("ConsumptionTariffIntervalList", r.consumptionTariffIntervalList(t, rate, tti, q));
      const block = tti.prices.find((x) => String(x.consumptionBlock) === g);
      return s.length === 8 && block ? doc("ConsumptionTariffInterval", { href: path, ...block }) : undefined;
    }
    case "mup": {
      if (s.length === 1) return doc("MirrorUsagePointList", r.mirrorUsagePointList(viewer, q));
      const m = state.mups.get(a);
      return s.length === 2 && m && m.owner === viewer.lfdi ? doc("MirrorUsagePoint", r.mirrorUsagePoint(m)) : undefined;
    }
    case "rsps": {
      if (s.length === 1) return doc("ResponseSetList", r.responseSetList(q));
      if (a !== RESPONSE_SET) return undefined;
      if (s.length === 2) return doc("ResponseSet", r.responseSet());
      if (b !== "rsp") return undefined;
      if (s.length === 3) return doc("ResponseList", r.responseList(viewer, q));
      const rsp = state.responses.get(c);
      return s.length === 4 && rsp && rsp.value.endDeviceLFDI === viewer.lfdi ? doc("Response", r.response(rsp)) : undefined;
    }
  }
  return undefined;
}

/** Resources a client may subscribe to: the event lists, default controls and its FSA list. */
export function subscribable(path: string, viewer: DeviceRec): boolean {
  return /^\/derp\/\d+\/(derc|actderc|dderc)$/.test(path) || /^\/dr\/\d+\/(edc|actedc)$/.test(path) || path === `/edev/${viewer.id}/fsa`;
}
