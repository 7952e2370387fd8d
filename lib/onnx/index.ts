export * from "./writer.ts";
export * from "./graph.ts";
export * from "./st-dir.ts";
export { DataType, type ElemType } from "./proto.ts";
export * from "./bert.ts";
