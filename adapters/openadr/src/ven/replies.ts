/** Checks what the VTN answered: the payload expected, and eiResponse code 200. */
import { OadrResponseCode, type OadrMessage, type OadrMessageOf, type OadrMessageType } from "../codec/index.ts";

/** The VTN answered with an OpenADR error code (e.g. 463: it does not know this VEN any more). */
export class VtnRefusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = "VtnRefusal";
  }

  get notRegistered(): boolean {
    return this.code === OadrResponseCode.NOT_REGISTERED_OR_AUTHORIZED;
  }
}

function responseCodeOf(reply: OadrMessage): { code: number; text?: string } | undefined {
  const r = "eiResponse" in reply ? reply.eiResponse : undefined;
  return r ? { code: r.responseCode, ...(r.responseDescription ? { text: r.responseDescription } : {}) } : undefined;
}

/** The reply as the payload type expected; an error code (in it or in an oadrResponse instead) is a VtnRefusal. */
export function expectReply<T extends OadrMessageType>(reply: OadrMessage | undefined, type: T, what: string): OadrMessageOf<T> {
  if (!reply) throw new VtnRefusal(OadrResponseCode.DEPLOYMENT_ERROR_OR_OTHER_ERROR, `${what}: the VTN sent an empty reply, expected ${type}`);
  const r = responseCodeOf(reply);
  if (r && r.code !== OadrResponseCode.OK) {
    throw new VtnRefusal(r.code, `${what}: the VTN answered ${r.code}${r.text ? ` (${r.text})` : ""}`);
  }
  if (reply.type !== type) {
    throw new VtnRefusal(OadrResponseCode.DEPLOYMENT_ERROR_OR_OTHER_ERROR, `${what}: the VTN answered ${reply.type}, expected ${type}`);
  }
  return reply as OadrMessageOf<T>;
}
