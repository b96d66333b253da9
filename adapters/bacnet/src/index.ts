/** @gridhub/bacnet: the BACnet/IP southbound adapter (see README.md). */
import { defineAdapter } from "gridhub/hub";
import { BacnetAdapter } from "./adapter.ts";
import { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";

export { AdapterConfig, DeviceAddress, PointAddress };

export default defineAdapter({
  protocol: "bacnet",
  role: "southbound",
  config: AdapterConfig,
  pointAddress: PointAddress,
  deviceAddress: DeviceAddress,
  capabilities: { discover: true, subscribe: true, batchRead: true, relinquish: true },
}, (config, ctx) => new BacnetAdapter(config, ctx));
