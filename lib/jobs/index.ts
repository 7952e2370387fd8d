export * from "./store";
export * from "./reindex";
export * from "./import";
export * from "./models";
