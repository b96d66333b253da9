export * from "./identity.ts";
export * from "./tls.ts";
export * from "./chain.ts";
