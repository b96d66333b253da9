/**
 * EiRegisterParty from the VEN's side: query, create (and re-register with the registrationID it holds),
 * cancel, and the VTN's cancel. The registration is kept in the store so that a restart resumes without
 * registering again; a VTN that no longer knows the VEN answers 463 and the VEN registers anew.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AdapterStore } from "gridhub/store";
import { durationMs } from "gridhub/model";
import type { OadrMessageOf } from "../codec/index.ts";
import type { OadrClient } from "../transport/client.ts";
import { expectReply, VtnRefusal } from "./replies.ts";

export interface Registration {
  registrationID: string;
  venID: string;
  vtnID: string;
  /** requestedOadrPollFreq, in ms */
  pollFreqMs?: number;
  registeredAt: string;
}

export interface RegistrationOptions {
  client: OadrClient;
  store: AdapterStore;
  logger: Logger;
  now(): Date;
  venName: string;
  /** venID proposed at the first registration (config or certificate fingerprint) */
  proposedVenID: string;
  /** push mode: the VEN's endpoint; undefined in pull mode */
  transportAddress(): string | undefined;
}

const DOC = ["state", "registration"] as const;

export class RegistrationService {
  private reg?: Registration;

  constructor(private readonly o: RegistrationOptions) {}

  async load(): Promise<Registration | undefined> {
    this.reg = await this.o.store.getDoc<Registration>(...DOC);
    return this.reg;
  }

  current(): Registration | undefined {
    return this.reg;
  }

  async query(): Promise<OadrMessageOf<"oadrCreatedPartyRegistration">> {
    const reply = await this.o.client.send("EiRegisterParty", { type: "oadrQueryRegistration", requestID: randomUUID() });
    return expectReply(reply, "oadrCreatedPartyRegistration", "oadrQueryRegistration");
  }

  /** Queries the VTN, then creates the registration (a re-registration when one is held). */
  async register(): Promise<Registration> {
    const info = await this.query();
    const b = info.profiles.find((p) => p.profileName === "2.0b");
    if (!b || !b.transports.includes("simpleHttp")) {
      throw new VtnRefusal(469, `VTN ${info.vtnID} offers no 2.0b profile over simpleHttp`);
    }
    const prior = this.reg;
    const address = this.o.transportAddress();
    const reply = await this.o.client.send("EiRegisterParty", {
      type: "oadrCreatePartyRegistration",
      requestID: randomUUID(),
      ...(prior ? { registrationID: prior.registrationID } : {}),
      venID: prior?.venID ?? this.o.proposedVenID,
      profileName: "2.0b",
      transportName: "simpleHttp",
      ...(address ? { transportAddress: address } : {}),
      reportOnly: false,
      xmlSignature: false,
      venName: this.o.venName,
      httpPullModel: address === undefined,
    });
    const created = expectReply(reply, "oadrCreatedPartyRegistration", "oadrCreatePartyRegistration");
    if (!created.registrationID || !created.venID) {
      throw new VtnRefusal(469, "oadrCreatedPartyRegistration without registrationID or venID");
    }
    const freq = created.requestedOadrPollFreq ?? info.requestedOadrPollFreq;
    this.reg = {
      registrationID: created.registrationID, venID: created.venID, vtnID: created.vtnID,
      ...(freq ? { pollFreqMs: durationMs(freq) } : {}), registeredAt: this.o.now().toISOString(),
    };
    await this.o.store.putDoc(...DOC, this.reg);
    await this.o.store.audit({ action: prior ? "openadr.reregistered" : "openadr.registered", target: created.vtnID, outcome: "ok",
      detail: { venID: created.venID, registrationID: created.registrationID } });
    this.o.logger.info({ venID: created.venID, vtnID: created.vtnID, registrationID: created.registrationID }, prior ? "re-registered" : "registered");
    return this.reg;
  }

  /** The VEN leaves: oadrCancelPartyRegistration, then forgets the registration. */
  async cancel(): Promise<void> {
    const reg = this.reg;
    if (!reg) return;
    const reply = await this.o.client.send("EiRegisterParty", {
      type: "oadrCancelPartyRegistration", requestID: randomUUID(), registrationID: reg.registrationID, venID: reg.venID,
    });
    expectReply(reply, "oadrCanceledPartyRegistration", "oadrCancelPartyRegistration");
    await this.forget("cancelled by the VEN");
  }

  /** The registration is gone (cancelled by either side, or unknown to the VTN). */
  async forget(why: string): Promise<void> {
    if (!this.reg) return;
    await this.o.store.audit({ action: "openadr.unregistered", target: this.reg.vtnID, outcome: "ok", detail: { why, venID: this.reg.venID } });
    this.o.logger.info({ venID: this.reg.venID, why }, "registration ended");
    this.reg = undefined;
    await this.o.store.deleteDoc(...DOC);
  }
}
