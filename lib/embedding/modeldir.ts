// Load and validate a sentence-transformers ONNX model directory, failing with an error that names the file.
import fs from "node:fs";
import path from "node:path";
import type { PoolingMode } from "@/lib/embedding/types";

export interface ModelDirInfo {
  dir: string;
  /** model.onnx at the root, else onnx/model.onnx (hub layout). */
  onnxPath: string;
  tokenizerJsonPath: string;
  config: Record<string, any>;
  pooling: PoolingMode;
  /** Whether modules.json lists a Normalize module (the encoder normalises output regardless). */
  normalize: boolean;
  maxSeqLength: number;
  /** Embedding width from 1_Pooling/config.json (word_embedding_dimension) or config.hidden_size. */
  dims: number;
}

function readJson(dir: string, rel: string, required: true): Record<string, any>;
function readJson(dir: string, rel: string, required: false): Record<string, any> | undefined;
function readJson(dir: string, rel: string, required: boolean): Record<string, any> | undefined {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) {
    if (required) throw new Error(`model dir ${dir}: required file ${rel} is missing`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`model dir ${dir}: ${rel} is not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object") throw new Error(`model dir ${dir}: ${rel} must hold a JSON object/array`);
  return value as Record<string, any>;
}

const POOLING_KEYS: [string, PoolingMode][] = [
  ["pooling_mode_cls_token", "cls"],
  ["pooling_mode_mean_tokens", "mean"],
  ["pooling_mode_max_tokens", "max"],
  ["pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len"],
];

export function poolingFromConfig(dir: string, cfg: Record<string, any>): PoolingMode {
  if (typeof cfg.pooling_mode === "string") {
    const m = { cls: "cls", mean: "mean", max: "max", mean_sqrt_len_tokens: "mean_sqrt_len" }[cfg.pooling_mode as string];
    if (m) return m as PoolingMode;
  }
  const on = POOLING_KEYS.filter(([k]) => cfg[k] === true).map(([, m]) => m);
  const unsupported = ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"].filter((k) => cfg[k] === true);
  if (unsupported.length) throw new Error(`model dir ${dir}: 1_Pooling/config.json uses unsupported ${unsupported.join(", ")}`);
  if (on.length !== 1) {
    throw new Error(
      `model dir ${dir}: 1_Pooling/config.json must enable exactly one of ${POOLING_KEYS.map(([k]) => k).join(", ")} (found ${on.length})`,
    );
  }
  return on[0]!;
}

export function loadModelDir(dirIn: string): ModelDirInfo {
  const dir = path.resolve(dirIn);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`model dir ${dir} does not exist`);

  const onnxPath = [path.join(dir, "model.onnx"), path.join(dir, "onnx", "model.onnx")].find((p) => fs.existsSync(p));
  if (!onnxPath) throw new Error(`model dir ${dir}: required file model.onnx (or onnx/model.onnx) is missing`);
  if (fs.statSync(onnxPath).size < 16) throw new Error(`model dir ${dir}: ${path.relative(dir, onnxPath)} is empty or truncated`);

  const tokenizerJsonPath = path.join(dir, "tokenizer.json");
  readJson(dir, "tokenizer.json", true);
  const config = readJson(dir, "config.json", true);
  const poolCfg = readJson(dir, path.join("1_Pooling", "config.json"), true);
  const pooling = poolingFromConfig(dir, poolCfg);

  const modules = readJson(dir, "modules.json", false);
  if (modules && !Array.isArray(modules)) throw new Error(`model dir ${dir}: modules.json must be a JSON array`);
  const normalize = (modules as { type?: string }[] | undefined)?.some((m) => String(m.type ?? "").endsWith("Normalize")) ?? false;

  const maxPos = Number(config.max_position_embeddings ?? Infinity);
  const stCfg = readJson(dir, "sentence_bert_config.json", false);
  const tokCfg = readJson(dir, "tokenizer_config.json", false);
  let maxSeqLength: number;
  // sentence-transformers 6 may write a sentence_bert_config.json without max_seq_length (the limit then lives in
  // tokenizer_config.json's model_max_length), so the key, not the file, decides which source applies.
  if (stCfg?.max_seq_length !== undefined && stCfg.max_seq_length !== null) {
    maxSeqLength = Number(stCfg.max_seq_length);
    if (!Number.isInteger(maxSeqLength) || maxSeqLength < 2) {
      throw new Error(`model dir ${dir}: sentence_bert_config.json max_seq_length must be an integer >= 2`);
    }
    if (maxSeqLength > maxPos) {
      throw new Error(
        `model dir ${dir}: sentence_bert_config.json max_seq_length ${maxSeqLength} exceeds config.json max_position_embeddings ${maxPos}`,
      );
    }
  } else {
    // No sentence-transformers limit: fall back to the tokenizer limit, capped by the position table.
    const tokMax = Number(tokCfg?.model_max_length);
    maxSeqLength = Math.min(Number.isInteger(tokMax) && tokMax > 1 && tokMax < 1e6 ? tokMax : 512, maxPos);
  }

  const dims = Number(poolCfg.word_embedding_dimension ?? config.hidden_size);
  if (!Number.isInteger(dims) || dims <= 0) {
    throw new Error(`model dir ${dir}: cannot tell the embedding size (1_Pooling/config.json word_embedding_dimension or config.json hidden_size)`);
  }
  return { dir, onnxPath, tokenizerJsonPath, config, pooling, normalize, maxSeqLength, dims };
}
