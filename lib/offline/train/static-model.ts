// The StaticEmbedding model (sentence-transformers StaticEmbedding / model2vec shape): one vector per WordPiece
// token, text vector = mean of its token vectors, L2-normalised. No attention, so it trains in seconds in plain
// TypeScript and runs as a single Gather in ONNX.
//
// Token weighting lives in the rows: a weighted mean sum(w_t e_t)/n equals the plain mean of rows scaled by w_t,
// and the final L2 normalisation removes any global factor. So the exported graph needs no weight tensor, and
// special tokens ([CLS]/[SEP], which the runtime's mean pooling counts) are given zero rows: they only rescale
// the mean, which normalisation undoes, making the runtime vector identical in direction to forward() here.
import fs from "node:fs";
import path from "node:path";
import { GraphBuilder } from "@/lib/offline/onnx/graph";
import { readOnnxModel } from "@/lib/offline/onnx/writer";
import { writeSentenceTransformersDir } from "@/lib/offline/onnx/st-dir";
import type { Mat } from "@/lib/offline/train/tensor";

export const STATIC_MODEL_TYPE = "bugsift-static";

export interface StaticModelInit {
  vocabSize: number;
  dim: number;
  /** Initial [vocabSize x dim] table; zeros when omitted. */
  table?: Float32Array;
  /** Token ids excluded from pooling and kept at zero (special tokens). */
  specialIds?: number[];
}

/** Sparse gradient of the table: distinct row ids and one gradient row per id. */
export interface RowGrad {
  rows: Int32Array;
  grads: Float32Array;
}

export class StaticEmbeddingModel {
  readonly vocabSize: number;
  readonly dim: number;
  readonly table: Float32Array;
  readonly special: Uint8Array;
  /** Scratch: row id -> slot in the current backward pass (-1 = none). */
  private readonly slot: Int32Array;

  constructor(init: StaticModelInit) {
    const { vocabSize, dim } = init;
    if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error(`static model: vocabSize must be >= 1, got ${vocabSize}`);
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`static model: dim must be >= 1, got ${dim}`);
    if (init.table && init.table.length !== vocabSize * dim) {
      throw new Error(`static model: table has ${init.table.length} values, expected ${vocabSize} x ${dim}`);
    }
    this.vocabSize = vocabSize;
    this.dim = dim;
    this.table = init.table ?? new Float32Array(vocabSize * dim);
    this.special = new Uint8Array(vocabSize);
    for (const id of init.specialIds ?? []) {
      if (!(id >= 0 && id < vocabSize)) throw new Error(`static model: special id ${id} outside the vocabulary`);
      this.special[id] = 1;
      this.table.fill(0, id * dim, (id + 1) * dim);
    }
    this.slot = new Int32Array(vocabSize).fill(-1);
  }

  /** Number of pooled (non-special, in-vocabulary) tokens of a text. */
  private count(ids: ArrayLike<number>): number {
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (t >= 0 && t < this.vocabSize && !this.special[t]) n++;
    }
    return n;
  }

  /** Mean of the token rows (not normalised) into out[off .. off + dim). Empty text gives zeros. */
  private pool(ids: ArrayLike<number>, out: Float32Array, off: number): void {
    const d = this.dim;
    const n = this.count(ids);
    if (n === 0) return;
    const inv = 1 / n;
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (!(t >= 0 && t < this.vocabSize) || this.special[t]) continue;
      const r = t * d;
      for (let k = 0; k < d; k++) out[off + k]! += this.table[r + k]! * inv;
    }
  }

  /** Pooled (un-normalised) vectors for a batch of token-id sequences: [batch x dim]. */
  forward(batch: ArrayLike<number>[]): Mat<Float32Array> {
    const out = new Float32Array(batch.length * this.dim);
    batch.forEach((ids, b) => this.pool(ids, out, b * this.dim));
    return { data: out, rows: batch.length, cols: this.dim };
  }

  /** L2-normalised vector of one token sequence (what the exported model returns). */
  embed(ids: ArrayLike<number>): Float32Array {
    const v = new Float32Array(this.dim);
    this.pool(ids, v, 0);
    let s = 0;
    for (let k = 0; k < this.dim; k++) s += v[k]! * v[k]!;
    const n = Math.sqrt(s);
    if (n > 0) for (let k = 0; k < this.dim; k++) v[k]! /= n;
    return v;
  }

  /** Gradient of the table given dL/d(pooled) for the batch forward() saw. */
  backward(batch: ArrayLike<number>[], gradOut: Mat): RowGrad {
    const d = this.dim;
    if (gradOut.rows !== batch.length || gradOut.cols !== d) {
      throw new Error(`static model backward: gradient is ${gradOut.rows}x${gradOut.cols}, expected ${batch.length}x${d}`);
    }
    const rows: number[] = [];
    let grads = new Float32Array(Math.max(64, batch.length * 32) * d);
    batch.forEach((ids, b) => {
      const n = this.count(ids);
      if (n === 0) return;
      const inv = 1 / n;
      const go = b * d;
      for (let i = 0; i < ids.length; i++) {
        const t = ids[i]!;
        if (!(t >= 0 && t < this.vocabSize) || this.special[t]) continue;
        let s = this.slot[t]!;
        if (s < 0) {
          s = rows.length;
          this.slot[t] = s;
          rows.push(t);
          if ((s + 1) * d > grads.length) {
            const bigger = new Float32Array(grads.length * 2);
            bigger.set(grads);
            grads = bigger;
          }
        }
        const o = s * d;
        for (let k = 0; k < d; k++) grads[o + k]! += gradOut.data[go + k]! * inv;
      }
    });
    for (const t of rows) this.slot[t] = -1;
    return { rows: Int32Array.from(rows), grads: grads.slice(0, rows.length * d) };
  }

  /** Rows that are not all zero (tokens the model can represent). */
  activeRows(): number {
    let n = 0;
    for (let t = 0; t < this.vocabSize; t++) {
      for (let k = 0; k < this.dim; k++) {
        if (this.table[t * this.dim + k] !== 0) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  /**
   * ONNX graph: input_ids, attention_mask [batch, seq] (int64) -> token_embeddings [batch, seq, dim]
   * = Gather(table, input_ids) * mask. Pooling (mean) and normalisation happen in the runtime, as for any
   * sentence-transformers ONNX export. The mask multiply zeroes padding rows so the output is also safe for
   * consumers that sum without the mask.
   */
  toOnnx(): Uint8Array {
    const g = new GraphBuilder();
    const table = g.init("embeddings", [this.vocabSize, this.dim], this.table);
    const gathered = g.op("Gather", [table, "input_ids"], { axis: 0 });
    const maskF = g.op("Cast", ["attention_mask"], { to: 1 });
    const mask3 = g.op("Unsqueeze", [maskF, g.int64("axes", [2])]);
    g.op("Mul", [gathered, mask3], {}, { outputs: ["token_embeddings"] });
    return g.build({
      inputs: [
        { name: "input_ids", elemType: "int64", shape: ["batch", "sequence"] },
        { name: "attention_mask", elemType: "int64", shape: ["batch", "sequence"] },
      ],
      outputs: [{ name: "token_embeddings", elemType: "float", shape: ["batch", "sequence", this.dim] }],
      graphName: "static_embedding",
      docString: "bugsift StaticEmbedding: token table + mean pooling + L2 normalise",
    });
  }
}

export interface SaveStaticOptions {
  /** tokenizer.json the token ids came from (copied into the model dir with its siblings). */
  tokenizerJsonPath: string;
  /**
   * Max tokens per window in the runtime. A static model has no position table, so this is large by default:
   * nearly every report fits one window and runtime vectors equal forward() exactly.
   */
  maxSeqLength?: number;
  /** Training metadata written to bugsift_training.json. */
  training?: Record<string, unknown>;
}

export const STATIC_MAX_SEQ_LENGTH = 8192;

/** Write a sentence-transformers ONNX model dir the runtime encoder (lib/embedding) loads like any other. */
export function saveStaticModel(model: StaticEmbeddingModel, dir: string, opts: SaveStaticOptions): string {
  const maxSeqLength = opts.maxSeqLength ?? STATIC_MAX_SEQ_LENGTH;
  writeSentenceTransformersDir(dir, {
    onnx: model.toOnnx(),
    tokenizerJsonPath: opts.tokenizerJsonPath,
    config: {
      architectures: ["StaticEmbedding"],
      model_type: STATIC_MODEL_TYPE,
      hidden_size: model.dim,
      vocab_size: model.vocabSize,
      // no positions: any length is valid; the encoder checks max_seq_length against this
      max_position_embeddings: maxSeqLength,
    },
    pooling: "mean",
    normalize: true,
    maxSeqLength,
    dims: model.dim,
    extraFiles: opts.training ? { "bugsift_training.json": JSON.stringify(opts.training, null, 2) + "\n" } : undefined,
  });
  return dir;
}

/** Reload the table from a model dir written by saveStaticModel (for continued training or inspection). */
export function loadStaticModel(dir: string, specialIds: number[] = []): StaticEmbeddingModel {
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  if (cfg.model_type !== STATIC_MODEL_TYPE) throw new Error(`model dir ${dir} is not a static model (model_type ${cfg.model_type})`);
  const model = readOnnxModel(fs.readFileSync(path.join(dir, "model.onnx")));
  const init = (model.graph.initializer as any[]).find((t) => t.name === "embeddings");
  if (!init) throw new Error(`model dir ${dir}: model.onnx has no "embeddings" initializer`);
  const raw: Buffer = init.raw_data;
  const table = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const [V, d] = (init.dims as number[]).map(Number);
  return new StaticEmbeddingModel({ vocabSize: V!, dim: d!, table, specialIds });
}
