import { dirname, resolve } from "node:path";
import { startApi } from "../api/server.ts";
import { loadConfigFile } from "../config/load.ts";
import { Hub } from "../hub/hub.ts";

export async function startCommand(configPath: string) {
  const file = resolve(configPath);
  const config = loadConfigFile(file);
  const hub = await Hub.start(config, { baseDir: dirname(file) });
  const api = config.api.enabled ? await startApi(hub) : undefined;
  if (api) hub.logger.info({ url: api.url, ui: `${api.url}/ui/` }, `operator UI on ${api.url}/ui/, API on ${api.url}/api (write token: data/api-token, or api.token in the config)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.logger.info({ signal }, "stopping");
    await api?.close();
    await hub.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
