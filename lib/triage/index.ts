export * from "./record";
export * from "./verdicts";
