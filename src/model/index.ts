export * from "./common.ts";
export * from "./profiles.ts";
export * from "./grid.ts";
export * from "./device.ts";
export * from "./catalogue.ts";
export * from "./envelope.ts";
export * from "./quantity.ts";
export * from "./time.ts";
