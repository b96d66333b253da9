/** What each service-family module (registration, event, report, opt, poll) provides per payload. */
import type { XmlElement } from "gridhub/xml";
import type { XmlWriter } from "gridhub/xml";
import type { OadrMessageOf, OadrMessageType } from "./types.ts";

export interface PayloadCodec<T extends OadrMessageType> {
  /** Reads the payload element (e.g. oadr:oadrDistributeEvent) into its message. */
  read(el: XmlElement): OadrMessageOf<T>;
  /** Writes the payload element's content; the caller writes the element itself. */
  write(w: XmlWriter, msg: OadrMessageOf<T>): void;
}

export type PayloadCodecs<T extends OadrMessageType> = { readonly [K in T]: PayloadCodec<K> };
