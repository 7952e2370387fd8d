export * from "./search";
export * from "./similar";
export * from "./filters";
export * from "./highlight";
