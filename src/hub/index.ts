export * from "./errors.ts";
export * from "./points.ts";
export * from "./contract.ts";
