// A tiny sentence-transformers BERT checkpoint written from TypeScript (config.json, model.safetensors with
// Hugging Face BertModel tensor names, the fixture tokenizer, module configs), and the reference forward pass over
// the same tensors (tests/helpers/bert-reference.ts), for tests of the safetensors -> ONNX conversion and the wheel source.
import fs from "node:fs";
import path from "node:path";
import { mulberry32 } from "@/lib/random";
import { encodeSafetensors } from "@/lib/offline/onnx/safetensors";
import { referenceBertForward, type Mat } from "@/tests/helpers/bert-reference";

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

/** last_hidden_state [seq][hidden] for token ids (token type 0, no padding), by the shared JS reference pass. */
export function referenceForward(t: Tensors, ids: number[], c: TinyBert = TINY): Mat {
  const weights = { get: (name: string) => t[name]!.data, linearLayout: "out-in" as const };
  return referenceBertForward(weights, ids, { hidden: c.hidden, heads: c.heads, layers: c.layers, eps: c.eps });
}
