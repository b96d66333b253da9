/** EiOpt service: oadrCreateOpt/oadrCreatedOpt, oadrCancelOpt/oadrCanceledOpt (availability and opt schedules). */
import {
  readEiResponse,
  readEiTarget,
  readPeriod,
  readQualifiedEventID,
  writeEiResponse,
  writeEiTarget,
  writeProperties,
  writeQualifiedEventID,
} from "./common.ts";
import type { PayloadCodecs } from "./family.ts";
import * as lex from "./lexical.ts";
import { NS } from "./namespaces.ts";
import { compact, dateTime, many, oneOf, opt, path, req, str, token } from "./read.ts";
import type { Period } from "./types.ts";
import { optReasons, optTypes } from "./vocabularies.ts";
import type { XmlElement } from "gridhub/xml";

const { pyld, ei, emix, xcal, oadr } = NS;

/** xcal:vavailability/components/available/properties. */
function readAvailability(el: XmlElement): Period[] {
  return many(path(el, [xcal, "components"]), xcal, "available", (a) => req(a, xcal, "properties", readPeriod));
}

export const optCodecs: PayloadCodecs<"oadrCreateOpt" | "oadrCreatedOpt" | "oadrCancelOpt" | "oadrCanceledOpt"> = {
  oadrCreateOpt: {
    read: (el) =>
      compact({
        type: "oadrCreateOpt",
        optID: req(el, ei, "optID", str),
        optType: req(el, ei, "optType", oneOf(optTypes)),
        optReason: req(el, ei, "optReason", oneOf(optReasons)),
        marketContext: opt(el, emix, "marketContext", token),
        venID: req(el, ei, "venID", str),
        vavailability: opt(el, xcal, "vavailability", readAvailability),
        createdDateTime: req(el, ei, "createdDateTime", dateTime),
        requestID: req(el, pyld, "requestID", str),
        qualifiedEventID: opt(el, ei, "qualifiedEventID", readQualifiedEventID),
        eiTarget: req(el, ei, "eiTarget", readEiTarget),
        deviceClass: opt(el, oadr, "oadrDeviceClass", readEiTarget),
      }),
    write(w, m) {
      w.leaf("ei:optID", m.optID)
        .leaf("ei:optType", m.optType, optTypes.format)
        .leaf("ei:optReason", m.optReason, optReasons.format)
        .optLeaf("emix:marketContext", m.marketContext)
        .leaf("ei:venID", m.venID);
      if (m.vavailability) {
        w.start("xcal:vavailability").start("xcal:components");
        for (const p of w.list(m.vavailability, "available")) {
          w.start("xcal:available");
          writeProperties(w, p);
          w.end();
        }
        w.end().end();
      }
      w.leaf("ei:createdDateTime", m.createdDateTime, lex.formatDateTime).leaf("pyld:requestID", m.requestID);
      if (m.qualifiedEventID) writeQualifiedEventID(w, m.qualifiedEventID);
      writeEiTarget(w, "ei:eiTarget", m.eiTarget);
      if (m.deviceClass) writeEiTarget(w, "oadr:oadrDeviceClass", m.deviceClass);
    },
  },
  oadrCreatedOpt: {
    read: (el) => ({
      type: "oadrCreatedOpt",
      eiResponse: req(el, ei, "eiResponse", readEiResponse),
      optID: req(el, ei, "optID", str),
    }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      w.leaf("ei:optID", m.optID);
    },
  },
  oadrCancelOpt: {
    read: (el) => ({
      type: "oadrCancelOpt",
      requestID: req(el, pyld, "requestID", str),
      optID: req(el, ei, "optID", str),
      venID: req(el, ei, "venID", str),
    }),
    write(w, m) {
      w.leaf("pyld:requestID", m.requestID).leaf("ei:optID", m.optID).leaf("ei:venID", m.venID);
    },
  },
  oadrCanceledOpt: {
    read: (el) =>
      compact({
        type: "oadrCanceledOpt",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        optID: opt(el, ei, "optID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      w.optLeaf("ei:optID", m.optID);
    },
  },
};
