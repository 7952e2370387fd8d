export * from "./service";
export * from "./context";
export * from "./dto";
export * from "./sync";
export * from "./vectors";
export * from "./facets";
export * from "./health";
