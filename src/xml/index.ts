export * from "./parse.ts";
export * from "./writer.ts";
