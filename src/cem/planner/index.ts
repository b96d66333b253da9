export * from "./types.ts";
export * from "./cost.ts";
export * from "./grid.ts";
export * from "./fixed.ts";
export * from "./energy.ts";
export * from "./plan.ts";
export * from "./split.ts";
