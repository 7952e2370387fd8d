// GraphBuilder: appends nodes with auto-generated unique tensor names, so graph construction code reads
// like straight-line math (`const y = g.op("MatMul", [x, w])`).
import {
  writeOnnxModel,
  type AttrValue,
  type OnnxModelSpec,
  type OnnxNode,
  type TensorData,
  type TensorInit,
  type ValueInfo,
} from "@/lib/offline/onnx/writer";

export interface OpOptions {
  /** Explicit output names (otherwise generated). */
  outputs?: string[];
  /** Number of outputs to generate when `outputs` is not given. Default 1. */
  numOutputs?: number;
  name?: string;
  domain?: string;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: TensorInit[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh tensor name with the given prefix. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.names.has(name)) name = `${prefix}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Add a constant weight; returns its (unique) name. */
  init(name: string, dims: number[], data: TensorData): string {
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims, data });
    return unique;
  }

  /** 1-D or scalar (dims = []) int64 constant. */
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.init(name, dims, BigInt64Array.from(values.map(BigInt)));
  }

  /** Float constant. */
  float32(name: string, values: number[] | Float32Array, dims: number[] = [values.length]): string {
    return this.init(name, dims, values instanceof Float32Array ? values : Float32Array.from(values));
  }

  /** Append a node; returns the output name (or names when more than one output). */
  op(opType: string, inputs: string[], attributes?: Record<string, AttrValue>, opts?: OpOptions & { numOutputs?: 1 }): string;
  op(opType: string, inputs: string[], attributes: Record<string, AttrValue> | undefined, opts: OpOptions): string | string[];
  op(opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}, opts: OpOptions = {}): string | string[] {
    const outputs =
      opts.outputs?.map((o) => (this.names.add(o), o)) ??
      Array.from({ length: opts.numOutputs ?? 1 }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      inputs,
      outputs,
      attributes,
      name: opts.name ?? this.fresh(`node_${opType}`),
      domain: opts.domain,
    });
    return outputs.length === 1 ? outputs[0]! : outputs;
  }

  build(spec: Omit<OnnxModelSpec, "nodes" | "initializers"> & { inputs: ValueInfo[]; outputs: ValueInfo[] }): Uint8Array {
    return writeOnnxModel({ ...spec, nodes: this.nodes, initializers: this.initializers });
  }
}

/** Convenience for a single node without a builder. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes?: Record<string, AttrValue>,
  extra?: { name?: string; domain?: string },
): OnnxNode {
  return { opType, inputs, outputs, attributes, ...extra };
}
