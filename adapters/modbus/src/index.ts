/** @gridhub/modbus: Modbus TCP and RTU devices, plain registers and SunSpec models. */
import { defineAdapter } from "gridhub/hub";
import { DeviceAddress, PointAddress } from "./address.ts";
import { ModbusAdapter } from "./adapter.ts";
import { ModbusConfig } from "./config.ts";

export { ModbusConfig } from "./config.ts";
export { DeviceAddress, PointAddress } from "./address.ts";

export default defineAdapter({
  protocol: "modbus",
  role: "southbound",
  config: ModbusConfig,
  pointAddress: PointAddress,
  deviceAddress: DeviceAddress,
  capabilities: { discover: true, batchRead: true },
}, (config, ctx) => new ModbusAdapter(config, ctx));
