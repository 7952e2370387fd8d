export * from "@/lib/onnx/writer";
export * from "@/lib/onnx/graph";
export * from "@/lib/onnx/st-dir";
export { DataType, type ElemType } from "@/lib/onnx/proto";
export * from "@/lib/onnx/bert";
