export * from "./schema.ts";
export * from "./errors.ts";
export * from "./loader.ts";
export * from "./values.ts";
export * from "./engine.ts";
export * from "./interval.ts";
