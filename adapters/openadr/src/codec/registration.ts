/** EiRegisterParty service: query, create/created, cancel/canceled party registration, request reregistration. */
import { durationProp, readEiResponse, writeDurationProp, writeEiResponse } from "./common.ts";
import type { PayloadCodecs } from "./family.ts";
import * as lex from "./lexical.ts";
import { NS } from "./namespaces.ts";
import { bool, compact, many, oneOf, opt, path, req, some, str } from "./read.ts";
import type { Reader } from "./read.ts";
import type { OadrExtension, OadrInfo, OadrProfile, OadrService } from "./types.ts";
import { profileNames, serviceNames, transportNames } from "./vocabularies.ts";
import type { XmlWriter } from "gridhub/xml";

const { oadr, pyld, ei } = NS;

const readInfo: Reader<OadrInfo> = (el) => ({ key: req(el, oadr, "oadrKey", str), value: req(el, oadr, "oadrValue", str) });

const readProfile: Reader<OadrProfile> = (el) => ({
  profileName: req(el, oadr, "oadrProfileName", oneOf(profileNames)),
  transports: some(path(el, [oadr, "oadrTransports"]), oadr, "oadrTransport", (t) =>
    req(t, oadr, "oadrTransportName", oneOf(transportNames)),
  ),
});

const readService: Reader<OadrService> = (el) => ({
  serviceName: req(el, oadr, "oadrServiceName", oneOf(serviceNames)),
  info: some(el, oadr, "oadrInfo", readInfo),
});

const readExtension: Reader<OadrExtension> = (el) => ({
  extensionName: req(el, oadr, "oadrExtensionName", str),
  info: many(el, oadr, "oadrInfo", readInfo),
});

function writeInfo(w: XmlWriter, info: OadrInfo): void {
  w.start("oadr:oadrInfo").leaf("oadr:oadrKey", info.key).leaf("oadr:oadrValue", info.value).end();
}

function writeProfile(w: XmlWriter, p: OadrProfile): void {
  w.start("oadr:oadrProfile").leaf("oadr:oadrProfileName", p.profileName, profileNames.format).start("oadr:oadrTransports");
  for (const t of w.nonEmpty(p.transports, "oadrTransport")) {
    w.start("oadr:oadrTransport").leaf("oadr:oadrTransportName", t, transportNames.format).end();
  }
  w.end().end();
}

export const registrationCodecs: PayloadCodecs<
  | "oadrQueryRegistration"
  | "oadrCreatePartyRegistration"
  | "oadrCreatedPartyRegistration"
  | "oadrCancelPartyRegistration"
  | "oadrCanceledPartyRegistration"
  | "oadrRequestReregistration"
> = {
  oadrQueryRegistration: {
    read: (el) => ({ type: "oadrQueryRegistration", requestID: req(el, pyld, "requestID", str) }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID);
    },
  },
  oadrCreatePartyRegistration: {
    read: (el) =>
      compact({
        type: "oadrCreatePartyRegistration",
        requestID: req(el, pyld, "requestID", str),
        registrationID: opt(el, ei, "registrationID", str),
        venID: opt(el, ei, "venID", str),
        profileName: req(el, oadr, "oadrProfileName", oneOf(profileNames)),
        transportName: req(el, oadr, "oadrTransportName", oneOf(transportNames)),
        transportAddress: opt(el, oadr, "oadrTransportAddress", str),
        reportOnly: req(el, oadr, "oadrReportOnly", bool),
        xmlSignature: req(el, oadr, "oadrXmlSignature", bool),
        venName: opt(el, oadr, "oadrVenName", str),
        httpPullModel: opt(el, oadr, "oadrHttpPullModel", bool),
      }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID)
        .optLeaf("ei:registrationID", m.registrationID)
        .optLeaf("ei:venID", m.venID)
        .leaf("oadr:oadrProfileName", m.profileName, profileNames.format)
        .leaf("oadr:oadrTransportName", m.transportName, transportNames.format)
        .optLeaf("oadr:oadrTransportAddress", m.transportAddress)
        .leaf("oadr:oadrReportOnly", m.reportOnly, lex.formatBoolean)
        .leaf("oadr:oadrXmlSignature", m.xmlSignature, lex.formatBoolean)
        .optLeaf("oadr:oadrVenName", m.venName)
        .optLeaf("oadr:oadrHttpPullModel", m.httpPullModel, lex.formatBoolean);
    },
  },
  oadrCreatedPartyRegistration: {
    read: (el) =>
      compact({
        type: "oadrCreatedPartyRegistration",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        registrationID: opt(el, ei, "registrationID", str),
        venID: opt(el, ei, "venID", str),
        vtnID: req(el, ei, "vtnID", str),
        profiles: some(path(el, [oadr, "oadrProfiles"]), oadr, "oadrProfile", readProfile),
        requestedOadrPollFreq: opt(el, oadr, "oadrRequestedOadrPollFreq", durationProp),
        serviceSpecificInfo: opt(el, oadr, "oadrServiceSpecificInfo", (s) => many(s, oadr, "oadrService", readService)),
        extensions: opt(el, oadr, "oadrExtensions", (x) => many(x, oadr, "oadrExtension", readExtension)),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      w.optLeaf("ei:registrationID", m.registrationID).optLeaf("ei:venID", m.venID).leaf("ei:vtnID", m.vtnID);
      w.start("oadr:oadrProfiles");
      for (const p of w.nonEmpty(m.profiles, "oadrProfile")) writeProfile(w, p);
      w.end();
      if (m.requestedOadrPollFreq !== undefined) writeDurationProp(w, "oadr:oadrRequestedOadrPollFreq", m.requestedOadrPollFreq);
      if (m.serviceSpecificInfo) {
        w.start("oadr:oadrServiceSpecificInfo");
        for (const s of w.list(m.serviceSpecificInfo, "oadrService")) {
          w.start("oadr:oadrService").leaf("oadr:oadrServiceName", s.serviceName, serviceNames.format);
          for (const info of w.nonEmpty(s.info, "oadrInfo")) writeInfo(w, info);
          w.end();
        }
        w.end();
      }
      if (m.extensions) {
        w.start("oadr:oadrExtensions");
        for (const x of w.list(m.extensions, "oadrExtension")) {
          w.start("oadr:oadrExtension").leaf("oadr:oadrExtensionName", x.extensionName);
          for (const info of w.list(x.info, "oadrInfo")) writeInfo(w, info);
          w.end();
        }
        w.end();
      }
    },
  },
  oadrCancelPartyRegistration: {
    read: (el) =>
      compact({
        type: "oadrCancelPartyRegistration",
        requestID: req(el, pyld, "requestID", str),
        registrationID: req(el, ei, "registrationID", str),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID).leaf("ei:registrationID", m.registrationID).optLeaf("ei:venID", m.venID);
    },
  },
  oadrCanceledPartyRegistration: {
    read: (el) =>
      compact({
        type: "oadrCanceledPartyRegistration",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        registrationID: opt(el, ei, "registrationID", str),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      w.optLeaf("ei:registrationID", m.registrationID).optLeaf("ei:venID", m.venID);
    },
  },
  oadrRequestReregistration: {
    read: (el) => ({ type: "oadrRequestReregistration", venID: req(el, ei, "venID", str) }),
    write(w, m) {
      w.leaf("ei:venID", m.venID);
    },
  },
};
