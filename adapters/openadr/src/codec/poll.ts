/** OadrPoll service and the generic acknowledgement: oadrPoll, oadrResponse. */
import { readEiResponse, writeEiResponse } from "./common.ts";
import type { PayloadCodecs } from "./family.ts";
import { NS } from "./namespaces.ts";
import { compact, opt, req, str } from "./read.ts";

const { ei } = NS;

export const pollCodecs: PayloadCodecs<"oadrPoll" | "oadrResponse"> = {
  oadrPoll: {
    read: (el) => ({ type: "oadrPoll", venID: req(el, ei, "venID", str) }),
    write(w, m) {
      w.leaf("ei:venID", m.venID);
    },
  },
  oadrResponse: {
    read: (el) =>
      compact({
        type: "oadrResponse",
        eiResponse: req(el, ei, "eiResponse", readEiResponse),
        venID: opt(el, ei, "venID", str),
      }),
    write(w, m) {
      writeEiResponse(w, m.eiResponse);
      w.optLeaf("ei:venID", m.venID);
    },
  },
};
