// Minimal ONNX model writer: plain JS objects in, serialized ModelProto bytes out.
import os from "node:os";
import { AttrType, DataType, modelProtoType, type ElemType } from "@/lib/offline/onnx/proto";

export type TensorData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface TensorInit {
  name: string;
  dims: number[];
  data: TensorData;
}

/** A graph input/output. Shape entries: number = fixed dim, string = symbolic dim (dim_param), null = unknown. */
export interface ValueInfo {
  name: string;
  elemType: ElemType;
  shape: (number | string | null)[];
}

/**
 * Attribute value. Shorthand: an integer number is INT, a non-integer number is FLOAT, a string is STRING,
 * a number[] is INTS. Use the tagged forms when the shorthand is ambiguous (e.g. a float attribute of 1.0).
 */
export type AttrValue =
  | number
  | string
  | number[]
  | { type: "float"; value: number }
  | { type: "int"; value: number | bigint }
  | { type: "string"; value: string }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "tensor"; value: TensorInit };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttrValue>;
}

export interface OnnxModelSpec {
  nodes: OnnxNode[];
  initializers?: TensorInit[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Default-domain opset version; 17 unless given. */
  opset?: number;
  /** Extra opset imports, e.g. { "com.microsoft": 1 } for contrib ops such as MatMulNBits. */
  extraOpsets?: Record<string, number>;
  graphName?: string;
  producerName?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

// opset 17 needs IR version >= 8; onnxruntime-node 1.30 reads up to IR 10+.
const IR_VERSION = 8;

export const float = (value: number): AttrValue => ({ type: "float", value });
export const floats = (value: number[]): AttrValue => ({ type: "floats", value });
export const ints = (value: number[]): AttrValue => ({ type: "ints", value });
export const int = (value: number | bigint): AttrValue => ({ type: "int", value });

function dataTypeOf(data: TensorData): number {
  if (data instanceof Float32Array) return DataType.float;
  if (data instanceof BigInt64Array) return DataType.int64;
  if (data instanceof Int32Array) return DataType.int32;
  if (data instanceof Int8Array) return DataType.int8;
  if (data instanceof Uint8Array) return DataType.uint8;
  throw new Error("ONNX tensor: unsupported data array type");
}

function tensorProto(t: TensorInit): Record<string, unknown> {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new Error(`ONNX tensor "${t.name}": dims [${t.dims}] hold ${count} values but data has ${t.data.length}`);
  }
  // raw_data must be little-endian; typed arrays are host-endian, so refuse big-endian hosts.
  if (os.endianness() !== "LE") throw new Error("ONNX writer: big-endian hosts are not supported");
  return {
    name: t.name,
    dims: t.dims,
    data_type: dataTypeOf(t.data),
    raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  };
}

function valueInfoProto(v: ValueInfo): Record<string, unknown> {
  const elem = DataType[v.elemType];
  if (elem === undefined) throw new Error(`ONNX value "${v.name}": unknown element type "${v.elemType}"`);
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: elem,
        shape: {
          dim: v.shape.map((d) => (d === null ? {} : typeof d === "string" ? { dim_param: d } : { dim_value: d })),
        },
      },
    },
  };
}

function attributeProto(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === "number") {
    return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  }
  if (typeof v === "string") return { name, type: AttrType.STRING, s: Buffer.from(v, "utf8") };
  if (Array.isArray(v)) {
    if (!v.every(Number.isInteger)) throw new Error(`ONNX attribute "${name}": use floats() for a float list`);
    return { name, type: AttrType.INTS, ints: v };
  }
  switch (v.type) {
    case "float":
      return { name, type: AttrType.FLOAT, f: v.value };
    case "int":
      return { name, type: AttrType.INT, i: typeof v.value === "bigint" ? v.value.toString() : v.value };
    case "string":
      return { name, type: AttrType.STRING, s: Buffer.from(v.value, "utf8") };
    case "floats":
      return { name, type: AttrType.FLOATS, floats: v.value };
    case "ints":
      return { name, type: AttrType.INTS, ints: v.value };
    case "tensor":
      return { name, type: AttrType.TENSOR, t: tensorProto(v.value) };
  }
}

function nodeProto(n: OnnxNode, index: number): Record<string, unknown> {
  return {
    op_type: n.opType,
    input: n.inputs,
    output: n.outputs,
    name: n.name ?? `${n.opType}_${index}`,
    domain: n.domain ?? "",
    attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attributeProto(k, v)),
  };
}

/** Serialize a graph to ONNX ModelProto bytes. */
export function writeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const opsets = [{ domain: "", version: spec.opset ?? 17 }];
  for (const [domain, version] of Object.entries(spec.extraOpsets ?? {})) opsets.push({ domain, version });
  const obj = {
    ir_version: IR_VERSION,
    producer_name: spec.producerName ?? "bugsift",
    producer_version: "0.1.0",
    doc_string: spec.docString ?? "",
    opset_import: opsets,
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName ?? "graph",
      node: spec.nodes.map(nodeProto),
      initializer: (spec.initializers ?? []).map(tensorProto),
      input: spec.inputs.map(valueInfoProto),
      output: spec.outputs.map(valueInfoProto),
    },
  };
  const T = modelProtoType();
  return T.encode(T.fromObject(obj)).finish();
}

/** Decode ONNX bytes into a plain object (snake_case fields), for inspection and tests. */
export function readOnnxModel(bytes: Uint8Array): Record<string, any> {
  const T = modelProtoType();
  return T.toObject(T.decode(bytes), { longs: Number, bytes: Buffer, defaults: false }) as Record<string, any>;
}
