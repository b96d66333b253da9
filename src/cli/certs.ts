/** `gridhub certs`: a certificate's identities (OpenADR fingerprint, 2030.5 LFDI/SFDI) and its chain check. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { checkChain, identityOf } from "../security/index.ts";

export function certsCommand(): Command {
  const certs = new Command("certs").description("certificate identities and chain checks");
  certs.command("show").description("print a certificate's subject, expiry, OpenADR fingerprint and IEEE 2030.5 LFDI/SFDI")
    .argument("<cert>", "PEM or DER certificate").option("--json", "print JSON")
    .action((file: string, o: { json?: boolean }) => {
      const id = identityOf(readFileSync(file));
      if (o.json) return void process.stdout.write(`${JSON.stringify(id, null, 2)}\n`);
      process.stdout.write([
        `subject:             ${id.subject.replaceAll("\n", ", ")}`, `issuer:              ${id.issuer.replaceAll("\n", ", ")}`,
        `serial:              ${id.serialNumber}`, `valid to:            ${id.validTo}`,
        `OpenADR fingerprint: ${id.openadrFingerprint}`, `2030.5 LFDI:         ${id.lfdi}`, `2030.5 SFDI:         ${id.sfdi}`,
        `SHA-256:             ${id.sha256}`, "",
      ].join("\n"));
    });
  certs.command("check").description("verify a certificate chain against trust anchors and CRLs, as the TLS endpoints do; exits 1 when refused")
    .argument("<cert>", "PEM certificate, leaf first, intermediates after").requiredOption("--key <file>", "its private key (for the test handshake)")
    .requiredOption("--ca <file>", "trust anchors (PEM)").option("--crl <file...>", "CRL files (PEM); give every CA's CRL")
    .option("--warn-days <n>", "warn when it expires within this many days", "30")
    .action(async (file: string, o: { key: string; ca: string; crl?: string[]; warnDays: string }) => {
      const r = await checkChain(file, o.key, o.ca, o.crl ?? []);
      if (!r.ok) {
        process.stderr.write(`refused: ${r.reason}\n`);
        process.exit(1);
      }
      const soon = r.expiresInDays <= Number(o.warnDays);
      process.stdout.write(`ok: chain verified${o.crl?.length ? " with CRLs" : ""}; expires in ${r.expiresInDays} day(s)${soon ? " (WARNING: renew soon)" : ""}\n`);
    });
  return certs;
}
