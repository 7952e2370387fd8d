// A trainable linear head on a frozen encoder: v' = W v with W [d x d] initialised to the identity, trained on
// precomputed (frozen) embeddings with any of the four losses. Cheap adaptation of any model, including a
// downloaded transformer we cannot fine-tune here.
//
// Export folds the head INTO the ONNX graph, before pooling: the graph's token-level output X [b, s, d] becomes
// X W^T. This is exact for mean, mean_sqrt_len and CLS pooling because they are linear in the token vectors
// (pool(X W^T) = pool(X) W^T) and the final L2 normalisation removes the scale difference between training
// (the head saw normalised vectors) and inference. Max pooling is not linear, so export refuses it with an error
// rather than silently changing the model. (For texts split into several windows the runtime normalises each
// window before combining, which makes the fold a close approximation rather than exact.)
import fs from "node:fs";
import path from "node:path";
import { loadModelDir } from "@/lib/embedding/modeldir";
import type { Encoder } from "@/lib/embedding/types";
import { modelProtoType } from "@/lib/offline/onnx/proto";
import type { ObjectiveOptions } from "@/lib/offline/train/objective";
import { batchInputs, fit, type Trainable, type TrainProgress, type TrainSummary } from "@/lib/offline/train/fit";
import type { Mat } from "@/lib/offline/train/tensor";

export class LinearHead {
  readonly dim: number;
  /** Row-major [dim x dim]: out = W v. */
  readonly weight: Float32Array;

  constructor(dim: number, weight?: Float32Array) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`linear head: dim must be a positive integer, got ${dim}`);
    if (weight && weight.length !== dim * dim) throw new Error(`linear head: weight has ${weight.length} values, expected ${dim}x${dim}`);
    this.dim = dim;
    this.weight = weight ?? LinearHead.identity(dim);
  }

  static identity(dim: number): Float32Array {
    const w = new Float32Array(dim * dim);
    for (let i = 0; i < dim; i++) w[i * dim + i] = 1;
    return w;
  }

  /** Y = X W^T for X [n x dim]. */
  forward(x: Mat<Float32Array>): Mat<Float32Array> {
    const d = this.dim;
    if (x.cols !== d) throw new Error(`linear head: input has ${x.cols} columns, head expects ${d}`);
    const y = new Float32Array(x.rows * d);
    for (let r = 0; r < x.rows; r++) {
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += this.weight[i * d + k]! * x.data[r * d + k]!;
        y[r * d + i] = s;
      }
    }
    return { data: y, rows: x.rows, cols: d };
  }

  /** dL/dW = dY^T X given dL/dY for the X forward() saw. */
  backward(x: Mat<Float32Array>, gy: Float32Array): Float32Array {
    const d = this.dim;
    const gw = new Float32Array(d * d);
    for (let r = 0; r < x.rows; r++) {
      for (let i = 0; i < d; i++) {
        const g = gy[r * d + i]!;
        if (g === 0) continue;
        for (let k = 0; k < d; k++) gw[i * d + k]! += g * x.data[r * d + k]!;
      }
    }
    return gw;
  }

  /** Apply to one vector and L2-normalise (what the folded ONNX model returns). */
  embed(v: Float32Array): Float32Array {
    const y = this.forward({ data: v, rows: 1, cols: this.dim }).data;
    let s = 0;
    for (const x of y) s += x * x;
    const n = Math.sqrt(s);
    if (n > 0) for (let i = 0; i < y.length; i++) y[i]! /= n;
    return y;
  }
}

/** Frozen embeddings for texts, in order, as one [n x d] matrix. */
export async function precomputeEmbeddings(
  encoder: Encoder,
  texts: string[],
  onProgress?: (done: number, total: number) => void,
): Promise<Mat<Float32Array>> {
  const vecs = await encoder.encode(texts, { onProgress });
  const d = encoder.dims;
  const data = new Float32Array(texts.length * d);
  vecs.forEach((v, i) => {
    if (v.length !== d) throw new Error(`encoder returned a ${v.length}-dim vector, expected ${d}`);
    data.set(v, i * d);
  });
  return { data, rows: texts.length, cols: d };
}

/** An example over rows of the precomputed embedding matrix. */
export interface RowExample {
  anchor: number;
  positive: number;
  negative?: number;
  groups?: readonly (string | number)[];
}

export interface HeadTrainOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  warmupFraction?: number;
  maxGradNorm?: number;
  seed?: number;
  objective?: ObjectiveOptions;
  onProgress?: (p: TrainProgress) => void;
}

export const DEFAULT_HEAD_TRAIN = { epochs: 5, batchSize: 64, lr: 1e-3, warmupFraction: 0.1, maxGradNorm: 1, seed: 42 } as const;

/** The head over precomputed embeddings as a Trainable: row indices in, projected rows out. */
function trainableHead(head: LinearHead, embeddings: Mat<Float32Array>): Trainable<number> {
  const d = embeddings.cols;
  return {
    dim: d,
    forward(batch) {
      const { inputs: rows, refs } = batchInputs(batch);
      for (const r of rows) {
        if (!(r >= 0 && r < embeddings.rows)) throw new Error(`head training: example row ${r} outside the ${embeddings.rows} embeddings`);
      }
      const x = new Float32Array(rows.length * d);
      rows.forEach((r, i) => x.set(embeddings.data.subarray(r * d, (r + 1) * d), i * d));
      const xm = { data: x, rows: rows.length, cols: d };
      return {
        emb: head.forward(xm),
        refs,
        backward(grad) {
          const gw = head.backward(xm, grad);
          return { grads: [gw], apply: (adam) => adam.update(head.weight, gw) };
        },
      };
    },
  };
}

export async function trainLinearHead(
  embeddings: Mat<Float32Array>,
  examples: readonly RowExample[],
  opts: HeadTrainOptions = {},
): Promise<{ head: LinearHead; summary: TrainSummary }> {
  const head = new LinearHead(embeddings.cols);
  const summary = await fit(trainableHead(head, embeddings), examples, { ...DEFAULT_HEAD_TRAIN, ...opts }, "head training");
  return { head, summary };
}

const TOKEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];

/**
 * Decode `onnx` (bytes), append MatMul(W^T) to its token-level output and re-encode. Refuses max pooling.
 * The output keeps its name and shape, so the runtime encoder loads the result like the original.
 */
export function foldHeadIntoOnnx(onnx: Uint8Array, head: LinearHead, pooling: string): Uint8Array {
  if (pooling === "max") {
    throw new Error(
      "cannot fold a linear head into a max-pooling model: max pooling is not linear, so W would have to be applied after pooling, which the exported graph cannot express",
    );
  }
  // int64 values as strings: a Number round trip would corrupt large constants (e.g. INT64_MAX Slice ends).
  const T = modelProtoType();
  const model = T.toObject(T.decode(onnx), { longs: String, bytes: Buffer, defaults: false }) as Record<string, any>;
  const graph = model.graph as Record<string, any>;
  const outputs = (graph.output ?? []) as Record<string, any>[];
  const out = outputs.find((o) => TOKEN_OUTPUTS.includes(o.name));
  if (!out) {
    throw new Error(`cannot fold head: the graph has no ${TOKEN_OUTPUTS.join(" / ")} output (outputs: ${outputs.map((o) => o.name).join(", ")})`);
  }
  const dimsOut = out.type?.tensor_type?.shape?.dim as Record<string, any>[] | undefined;
  const last = dimsOut?.[dimsOut.length - 1]?.dim_value;
  if (last !== undefined && Number(last) !== head.dim) {
    throw new Error(`cannot fold head: model output ${out.name} has width ${last}, head is ${head.dim}x${head.dim}`);
  }
  // Every initializer must carry its data inline; external data would not survive a decode/encode.
  for (const t of (graph.initializer ?? []) as Record<string, any>[]) {
    if (t.data_location === 1 || t.external_data) throw new Error(`cannot fold head: initializer ${t.name} uses external data`);
  }
  const name = out.name as string;
  const names = new Set<string>([
    ...((graph.node ?? []) as Record<string, any>[]).flatMap((n) => [...(n.output ?? []), ...(n.input ?? [])]),
    ...((graph.initializer ?? []) as Record<string, any>[]).map((t) => t.name),
  ]);
  const fresh = (base: string) => {
    let n = base;
    for (let i = 1; names.has(n); i++) n = `${base}_${i}`;
    names.add(n);
    return n;
  };
  const pre = fresh(`${name}_before_head`);
  const wName = fresh("bugsift_head_weight_t");
  for (const n of (graph.node ?? []) as Record<string, any>[]) {
    n.output = (n.output ?? []).map((o: string) => (o === name ? pre : o));
    n.input = (n.input ?? []).map((i: string) => (i === name ? pre : i));
  }
  // MatMul(X [b, s, d], W^T [d, d]) = rows of X times W^T, i.e. W x per token.
  const d = head.dim;
  const wt = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) wt[k * d + i] = head.weight[i * d + k]!;
  graph.initializer = [
    ...((graph.initializer ?? []) as unknown[]),
    { name: wName, dims: [d, d], data_type: 1, raw_data: Buffer.from(wt.buffer, wt.byteOffset, wt.byteLength) },
  ];
  graph.node = [
    ...((graph.node ?? []) as unknown[]),
    { op_type: "MatMul", input: [pre, wName], output: [name], name: fresh("bugsift_head_matmul"), domain: "" },
  ];
  return T.encode(T.fromObject(model)).finish();
}

/**
 * Write a new model dir = `srcDir` with the head folded into its model.onnx (all other files copied).
 * Returns the destination directory.
 */
export function saveHeadModelDir(srcDir: string, dstDir: string, head: LinearHead, training?: Record<string, unknown>): string {
  const info = loadModelDir(srcDir);
  if (info.dims !== head.dim) throw new Error(`model dir ${srcDir} has ${info.dims} dims, head is ${head.dim}x${head.dim}`);
  const src = path.resolve(srcDir);
  const dst = path.resolve(dstDir);
  if (src === dst) throw new Error("saveHeadModelDir: destination must differ from the source model dir");
  if (fs.readdirSync(src).some((f) => f.endsWith(".onnx_data") || f.endsWith(".onnx.data"))) {
    throw new Error(`model dir ${src} stores weights as external data, which head folding does not support`);
  }
  const folded = foldHeadIntoOnnx(fs.readFileSync(info.onnxPath), head, info.pooling);
  fs.rmSync(dst, { recursive: true, force: true });
  fs.cpSync(src, dst, { recursive: true, dereference: true });
  // Replace both the root and the hub-layout copy (they may be hard links of each other).
  for (const rel of ["model.onnx", path.join("onnx", "model.onnx")]) {
    const f = path.join(dst, rel);
    if (fs.existsSync(f)) {
      fs.rmSync(f);
      fs.writeFileSync(f, folded);
    }
  }
  if (!fs.existsSync(path.join(dst, "model.onnx")) && !fs.existsSync(path.join(dst, "onnx", "model.onnx"))) {
    fs.writeFileSync(path.join(dst, "model.onnx"), folded);
  }
  if (training) fs.writeFileSync(path.join(dst, "bugsift_training.json"), JSON.stringify(training, null, 2) + "\n");
  return dst;
}
