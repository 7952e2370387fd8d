export * from "./find";
export * from "./sweep";
export * from "./calibrate";
export * from "./clusters";
export * from "./thresholds";
export * from "./explain";
export * from "./df";
