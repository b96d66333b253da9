/** @gridhub/echonet-lite: ECHONET Lite controller (UDP 3610) for HEMS device classes and the Route B smart meter. */
import { defineAdapter } from "gridhub/hub";
import { EchonetLiteAdapter } from "./adapter.ts";
import { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";

export default defineAdapter(
  {
    protocol: "echonet-lite",
    role: "southbound",
    config: AdapterConfig,
    pointAddress: PointAddress,
    deviceAddress: DeviceAddress,
    capabilities: { discover: true, subscribe: true, batchRead: true, relinquish: false },
  },
  (config, ctx) => new EchonetLiteAdapter(config, ctx),
);

export { AdapterConfig, DeviceAddress, PointAddress } from "./config.ts";
