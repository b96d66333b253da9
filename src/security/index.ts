export * from "./identity.ts";
export * from "./tls.ts";
