export * from "./errors";
export * from "./respond";
export * from "./body";
export * from "./ratelimit";
export * from "./handler";
