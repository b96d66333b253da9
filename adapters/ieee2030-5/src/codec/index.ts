export * from "./codec.ts";
export * from "./errors.ts";
export * from "./namespaces.ts";
export * from "./resources.ts";
export type { TypedValue } from "./dsl.ts";
