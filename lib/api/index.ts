export * from "./errors";
export * from "./respond";
export * from "./body";
export * from "./ratelimit";
export * from "./handler";
export * from "./methods";
export * from "./paths";
