#!/usr/bin/env -S npx tsx
/** gridhub command line. */
import { Command, Option } from "commander";
import { startCommand } from "./start.ts";
import { validateMappingsCommand, validateConfigCommand } from "./validate.ts";
import { devicesCommand, eventsCommand, sendCommand } from "./inspect.ts";
import { discoverCommand } from "./discover.ts";
import { DEFAULT_CONFIG } from "./paths.ts";
import { certsCommand } from "./certs.ts";

const program = new Command("gridhub")
  .description("Customer Energy Manager gateway: OpenADR / IEEE 2030.5 on the grid side, ECHONET Lite / BACnet / Modbus / OPC UA on the building side")
  .version("0.1.0")
  .showHelpAfterError();

const configOption = () => new Option("-c, --config <file>", "hub config (YAML)").default(DEFAULT_CONFIG, "the embedded demo config");

program.command("start").description("run the hub (adapters, simulators, API) until SIGINT/SIGTERM")
  .addOption(configOption())
  .action((o) => startCommand(o.config));
program.command("validate-mappings").description("check mapping tables (schema, references, ranges); exits 1 with file:line:field errors")
  .argument("[dirs...]", "directories or files", ["mappings"])
  .action((dirs: string[]) => validateMappingsCommand(dirs));
program.command("validate-config").description("check a hub config, its mapping tables and each adapter's config and addresses")
  .addOption(configOption())
  .action((o) => validateConfigCommand(o.config));
program.command("devices").description("list devices with their adapters, tables and live point values")
  .addOption(configOption()).option("--json", "print JSON")
  .action((o) => devicesCommand(o.config, Boolean(o.json)));
program.command("events").description("list grid events the hub knows (from the store)")
  .addOption(configOption()).option("--json", "print JSON").option("-n, --limit <n>", "how many", "50")
  .action((o) => eventsCommand(o.config, Boolean(o.json), Number(o.limit)));
program.command("send").description("publish a neutral message (JSON file, or - for stdin) to a running hub")
  .argument("<file>").addOption(configOption())
  .action((file: string, o) => sendCommand(o.config, file));

program.command("discover").description("scan for devices with an adapter's discovery, showing progress (through the running hub, or standalone)")
  .argument("<adapter>", "adapter instance name from the config").addOption(configOption())
  .option("-t, --timeout <seconds>", "scan duration", "10").option("--json", "print the job as JSON")
  .action((adapter: string, o) => {
    const seconds = Number(o.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) throw new Error("--timeout must be 1..300 seconds");
    return discoverCommand(o.config, adapter, { timeoutMs: Math.round(seconds * 1000), json: Boolean(o.json) });
  });

program.addCommand(certsCommand());

program.parseAsync().catch((e: Error) => {
  process.stderr.write(`gridhub: ${e.message}\n`);
  process.exit(1);
});
