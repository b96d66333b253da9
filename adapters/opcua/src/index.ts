/** @gridhub/opcua: OPC UA client adapter (package default export) and, under ./simulator, a chiller-plant server. */
import { defineAdapter } from "gridhub/hub";
import { OpcUaAdapter } from "./adapter.ts";
import { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";

export default defineAdapter({
  protocol: "opcua",
  role: "southbound",
  config: AdapterConfig,
  pointAddress: PointAddress,
  deviceAddress: DeviceAddress,
  capabilities: { discover: true, subscribe: true, batchRead: true, relinquish: false },
}, (config, ctx) => new OpcUaAdapter(config, ctx));

export { OpcUaAdapter } from "./adapter.ts";
export { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";
export type { BrowseEntry } from "./browse.ts";
