// Writes the sentence-transformers ONNX export layout, so our encoder, sentence-transformers-style tooling and
// @huggingface/transformers (which looks for onnx/model.onnx) can all load the same directory.
import fs from "node:fs";
import path from "node:path";
import type { PoolingMode } from "@/lib/embedding/types";

export interface SentenceTransformersDirOptions {
  onnx: Uint8Array;
  /** tokenizer.json to copy; sibling tokenizer_config.json, special_tokens_map.json, vocab.txt are copied too. */
  tokenizerJsonPath: string;
  /** HF config.json contents (model_type, hidden_size, ...). */
  config: Record<string, unknown>;
  pooling: PoolingMode;
  normalize: boolean;
  maxSeqLength: number;
  /** Embedding width; defaults to config.hidden_size. */
  dims?: number;
  /** Extra files to write (relative path -> contents). */
  extraFiles?: Record<string, string | Uint8Array>;
}

const TOKENIZER_SIBLINGS = ["special_tokens_map.json", "vocab.txt"];

export function poolingConfig(dims: number, pooling: PoolingMode): Record<string, unknown> {
  return {
    word_embedding_dimension: dims,
    pooling_mode_cls_token: pooling === "cls",
    pooling_mode_mean_tokens: pooling === "mean",
    pooling_mode_max_tokens: pooling === "max",
    pooling_mode_mean_sqrt_len_tokens: pooling === "mean_sqrt_len",
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: false,
    include_prompt: true,
  };
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

// Source files may be read-only (shared data); remove first so a rewrite never hits EACCES, then make writable.
function copyFresh(src: string, dest: string): void {
  fs.rmSync(dest, { force: true });
  fs.copyFileSync(src, dest);
  fs.chmodSync(dest, 0o644);
}

/** Write (or overwrite) a sentence-transformers ONNX model directory. Returns the directory. */
export function writeSentenceTransformersDir(dir: string, opts: SentenceTransformersDirOptions): string {
  const dims = opts.dims ?? Number(opts.config.hidden_size);
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new Error("writeSentenceTransformersDir: pass dims or a config with an integer hidden_size");
  }
  if (!fs.existsSync(opts.tokenizerJsonPath)) {
    throw new Error(`writeSentenceTransformersDir: tokenizer.json not found at ${opts.tokenizerJsonPath}`);
  }
  fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });

  const modelPath = path.join(dir, "model.onnx");
  fs.rmSync(modelPath, { force: true }); // may be hard-linked to onnx/model.onnx
  fs.writeFileSync(modelPath, opts.onnx);
  // @huggingface/transformers loads onnx/model.onnx; a hard link avoids doubling disk use.
  const linked = path.join(dir, "onnx", "model.onnx");
  fs.rmSync(linked, { force: true });
  try {
    fs.linkSync(modelPath, linked);
  } catch {
    fs.copyFileSync(modelPath, linked);
  }

  const tokDir = path.dirname(opts.tokenizerJsonPath);
  copyFresh(opts.tokenizerJsonPath, path.join(dir, "tokenizer.json"));
  for (const name of TOKENIZER_SIBLINGS) {
    const src = path.join(tokDir, name);
    if (fs.existsSync(src)) copyFresh(src, path.join(dir, name));
  }
  // model_max_length drives truncation in transformers.js; keep it equal to our max_seq_length.
  const tokCfgPath = path.join(tokDir, "tokenizer_config.json");
  const tokCfg = fs.existsSync(tokCfgPath) ? JSON.parse(fs.readFileSync(tokCfgPath, "utf8")) : {};
  writeJson(path.join(dir, "tokenizer_config.json"), { ...tokCfg, model_max_length: opts.maxSeqLength });

  writeJson(path.join(dir, "config.json"), opts.config);
  writeJson(path.join(dir, "1_Pooling", "config.json"), poolingConfig(dims, opts.pooling));
  const modules: Record<string, unknown>[] = [
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
  ];
  if (opts.normalize) {
    modules.push({ idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" });
    fs.mkdirSync(path.join(dir, "2_Normalize"), { recursive: true });
  } else {
    fs.rmSync(path.join(dir, "2_Normalize"), { recursive: true, force: true });
  }
  writeJson(path.join(dir, "modules.json"), modules);
  writeJson(path.join(dir, "sentence_bert_config.json"), {
    max_seq_length: opts.maxSeqLength,
    do_lower_case: false,
  });
  for (const [rel, content] of Object.entries(opts.extraFiles ?? {})) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}
