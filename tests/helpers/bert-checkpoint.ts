// A tiny sentence-transformers BERT checkpoint written from TypeScript (config.json, model.safetensors with
// Hugging Face BertModel tensor names, the fixture tokenizer, module configs), and a plain-JS forward pass over
// the same tensors, for tests of the safetensors -> ONNX conversion and the wheel source.
import fs from "node:fs";
import path from "node:path";
import { mulberry32 } from "@/lib/random";
import { encodeSafetensors } from "@/lib/offline/onnx/safetensors";

export const TOKENIZER_DIR = path.resolve(import.meta.dirname, "../../assets/tokenizer");

export interface TinyBert {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPosition: number;
  eps: number;
}
export const TINY: TinyBert = { vocab: 30522, hidden: 32, layers: 2, heads: 4, ffn: 64, maxPosition: 64, eps: 1e-12 };

export type Tensors = Record<string, { shape: number[]; data: Float32Array }>;

/** Random BERT tensors in PyTorch layout (Linear weight [out, in]), LayerNorm gamma/beta not 1/0. */
export function tinyTensors(c: TinyBert = TINY, seed = 5): Tensors {
  const rand = mulberry32(seed);
  const t: Tensors = {};
  const uniform = (shape: number[], scale: number, offset = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = offset + (rand() * 2 - 1) * scale;
    return { shape, data };
  };
  const H = c.hidden;
  const ln = (p: string) => {
    t[`${p}.weight`] = uniform([H], 0.3, 1);
    t[`${p}.bias`] = uniform([H], 0.1);
  };
  const linear = (p: string, inD: number, outD: number) => {
    t[`${p}.weight`] = uniform([outD, inD], Math.sqrt(3 / inD));
    t[`${p}.bias`] = uniform([outD], 0.05);
  };
  t["embeddings.word_embeddings.weight"] = uniform([c.vocab, H], 0.05);
  t["embeddings.position_embeddings.weight"] = uniform([c.maxPosition, H], 0.05);
  t["embeddings.token_type_embeddings.weight"] = uniform([2, H], 0.05);
  ln("embeddings.LayerNorm");
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}`;
    for (const m of ["query", "key", "value"]) linear(`${p}.attention.self.${m}`, H, H);
    linear(`${p}.attention.output.dense`, H, H);
    ln(`${p}.attention.output.LayerNorm`);
    linear(`${p}.intermediate.dense`, H, c.ffn);
    linear(`${p}.output.dense`, c.ffn, H);
    ln(`${p}.output.LayerNorm`);
  }
  return t;
}

export function hfConfig(c: TinyBert = TINY, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ["BertModel"],
    model_type: "bert",
    hidden_act: "gelu",
    hidden_size: c.hidden,
    intermediate_size: c.ffn,
    layer_norm_eps: c.eps,
    max_position_embeddings: c.maxPosition,
    num_attention_heads: c.heads,
    num_hidden_layers: c.layers,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    type_vocab_size: 2,
    vocab_size: c.vocab,
    ...extra,
  };
}

export interface CheckpointOptions {
  config?: Record<string, unknown>;
  tensors?: Tensors;
  /** Write 1_Pooling/config.json and modules.json (default true). */
  moduleConfigs?: boolean;
  pooling?: "mean" | "cls";
}

/** Write a sentence-transformers checkpoint dir; returns the tensors written. */
export function writeTinyCheckpoint(dir: string, opts: CheckpointOptions = {}): Tensors {
  const tensors = opts.tensors ?? tinyTensors();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(opts.config ?? hfConfig(), null, 2));
  const withIds = { ...tensors, "embeddings.position_ids": { shape: [1, TINY.maxPosition], data: BigInt64Array.from({ length: TINY.maxPosition }, (_, i) => BigInt(i)) } };
  fs.writeFileSync(path.join(dir, "model.safetensors"), encodeSafetensors(withIds));
  for (const f of ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]) {
    fs.copyFileSync(path.join(TOKENIZER_DIR, f), path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, "sentence_bert_config.json"), JSON.stringify({ max_seq_length: 48, do_lower_case: false }));
  if (opts.moduleConfigs ?? true) {
    const pooling = opts.pooling ?? "mean";
    fs.mkdirSync(path.join(dir, "1_Pooling"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "1_Pooling", "config.json"),
      JSON.stringify({ word_embedding_dimension: TINY.hidden, pooling_mode_cls_token: pooling === "cls", pooling_mode_mean_tokens: pooling === "mean" }),
    );
    fs.writeFileSync(
      path.join(dir, "modules.json"),
      JSON.stringify([
        { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
        { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
        { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
      ]),
    );
  }
  return tensors;
}

// ---- plain-JS BertModel forward pass (one unpadded sequence), straight from the PyTorch definitions ----------

type Mat = Float32Array[];
function linear(x: Mat, w: { shape: number[]; data: Float32Array }, b: { data: Float32Array }): Mat {
  const [outD, inD] = w.shape as [number, number];
  return x.map((row) => {
    const o = new Float32Array(outD);
    for (let j = 0; j < outD; j++) {
      let s = b.data[j]!;
      for (let i = 0; i < inD; i++) s += row[i]! * w.data[j * inD + i]!;
      o[j] = s;
    }
    return o;
  });
}
function layerNorm(x: Mat, g: Float32Array, b: Float32Array, eps: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((a, v) => a + v, 0) / row.length;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
    return row.map((v, d) => ((v - mean) / Math.sqrt(variance + eps)) * g[d]! + b[d]!);
  });
}
function erf(x: number): number {
  // Numerical Recipes erfc approximation (fractional error < 1.2e-7).
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

/** last_hidden_state [seq][hidden] for token ids (token type 0, no padding). */
export function referenceForward(t: Tensors, ids: number[], c: TinyBert = TINY): Mat {
  const H = c.hidden;
  const hd = H / c.heads;
  const w = (n: string) => t[n]!;
  let x: Mat = ids.map((id, p) => {
    const r = new Float32Array(H);
    for (let d = 0; d < H; d++) {
      r[d] = w("embeddings.word_embeddings.weight").data[id * H + d]! + w("embeddings.position_embeddings.weight").data[p * H + d]! + w("embeddings.token_type_embeddings.weight").data[d]!;
    }
    return r;
  });
  const ln = (m: Mat, p: string) => layerNorm(m, w(`${p}.weight`).data, w(`${p}.bias`).data, c.eps);
  const add = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
  const dense = (m: Mat, p: string) => linear(m, w(`${p}.weight`), w(`${p}.bias`));
  x = ln(x, "embeddings.LayerNorm");
  for (let l = 0; l < c.layers; l++) {
    const p = `encoder.layer.${l}`;
    const [q, k, v] = ["query", "key", "value"].map((m) => dense(x, `${p}.attention.self.${m}`)) as [Mat, Mat, Mat];
    const ctx: Mat = x.map(() => new Float32Array(H));
    for (let h = 0; h < c.heads; h++) {
      for (let i = 0; i < ids.length; i++) {
        const scores = ids.map((_, j) => {
          let s = 0;
          for (let d = 0; d < hd; d++) s += q[i]![h * hd + d]! * k[j]![h * hd + d]!;
          return s / Math.sqrt(hd);
        });
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < ids.length; j++) for (let d = 0; d < hd; d++) ctx[i]![h * hd + d]! += (e[j]! / z) * v[j]![h * hd + d]!;
      }
    }
    x = ln(add(dense(ctx, `${p}.attention.output.dense`), x), `${p}.attention.output.LayerNorm`);
    const inter = dense(x, `${p}.intermediate.dense`).map((r) => r.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))));
    x = ln(add(dense(inter, `${p}.output.dense`), x), `${p}.output.LayerNorm`);
  }
  return x;
}
