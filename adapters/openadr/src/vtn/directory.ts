/**
 * Binds certificates to venIDs. The TLS layer has already refused certificates that do not chain to the configured
 * trust anchors (or are revoked or expired); here a provisioned fingerprint gets its configured venID, and any other
 * accepted certificate gets a venID derived from its fingerprint when open registration is on.
 */
import type { VenProvision, VtnConfig } from "./config.ts";

export class VenDirectory {
  private readonly byFingerprint: Map<string, VenProvision>;

  constructor(private readonly config: Pick<VtnConfig, "vens" | "openRegistration">) {
    this.byFingerprint = new Map(config.vens.map((v) => [v.fingerprint, v]));
  }

  /** The configured entry for a certificate, if any. */
  provision(fingerprint: string): VenProvision | undefined {
    return this.byFingerprint.get(fingerprint.toUpperCase());
  }

  /** The venID bound to a certificate, or undefined when this VTN does not accept it. */
  venIDFor(fingerprint: string): string | undefined {
    const p = this.provision(fingerprint);
    if (p) return p.venID ?? derivedVenID(fingerprint);
    return this.config.openRegistration ? derivedVenID(fingerprint) : undefined;
  }
}

/**
 * The certificate's OpenADR fingerprint itself: stable across restarts and VTN processes (no shared counter), and
 * what a VEN that was not given a venID proposes.
 */
export const derivedVenID = (fingerprint: string) => fingerprint.toUpperCase();
