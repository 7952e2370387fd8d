// sentence-transformers checkpoint (PyTorch layout: config.json + model.safetensors + tokenizer + module
// configs) -> bugsift model dir (model.onnx beside the same configs), without Python. The graph is the
// project's own BERT builder fed the checkpoint's tensors, so the served graph keeps the form onnxruntime fuses.
import fs from "node:fs";
import path from "node:path";
import { buildBertOnnx, type BertConfig, type BertWeights } from "@/lib/offline/onnx/bert";
import { SafetensorsFile } from "@/lib/offline/onnx/safetensors";
import { loadModelDir, poolingFromConfig } from "@/lib/embedding/modeldir";

export interface ConvertOptions {
  quantize?: "none" | "int8";
  log?: (line: string) => void;
}

/** Written beside model.onnx: what it was converted from and how (read by tools that need to tell fp32 from int8). */
export const CONVERT_STAMP = "bugsift-onnx.json";
/** Bumped whenever the emitted graph changes, so cached conversions are redone. */
export const CONVERTER_VERSION = "bert-opset12-q7col-4";

// int8 quantises every dense layer except the FFN down-projections of the first two layers. Their inputs (GELU
// outputs) carry the widest activation outliers, and DynamicQuantizeLinear has one scale per tensor (the whole
// batch): quantising them cost all-MiniLM-L6-v2 the most (min cosine to fp32 over 56 Jira reports at batch 32:
// 0.988 with every layer int8, 0.9935 with these two kept fp32, for ~11% of the matmul FLOPs).
const INT8_KEEP_FP32 = ["encoder.layer.0.output.dense", "encoder.layer.1.output.dense"];

// Files the conversion itself writes; never copied from the source (a stale model.onnx must not survive).
const OUTPUTS = ["model.onnx", "onnx/model.onnx", CONVERT_STAMP];

function readJson(dir: string, rel: string): Record<string, any> {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${dir}: required file ${rel} is missing`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`checkpoint ${dir}: ${rel} is not valid JSON (${(e as Error).message})`);
  }
}

/** BertConfig from a Hugging Face config.json, refusing anything the BERT graph would compute differently. */
export function bertConfigFromHf(dir: string, c: Record<string, any>): BertConfig {
  const archs: string[] = Array.isArray(c.architectures) ? c.architectures : [];
  const label = `${archs.join(", ") || "no architectures"} (model_type ${JSON.stringify(c.model_type)})`;
  if (c.model_type !== "bert" || archs.some((a) => !/^Bert/.test(a))) {
    throw new Error(
      `checkpoint ${dir}: unsupported architecture ${label}; only BERT-family encoders (model_type "bert", e.g. all-MiniLM-L6-v2) convert`,
    );
  }
  if (c.hidden_act !== undefined && c.hidden_act !== "gelu") {
    throw new Error(`checkpoint ${dir}: hidden_act ${JSON.stringify(c.hidden_act)} is not supported (the graph uses exact erf GELU)`);
  }
  if (c.position_embedding_type !== undefined && c.position_embedding_type !== "absolute") {
    throw new Error(`checkpoint ${dir}: position_embedding_type ${JSON.stringify(c.position_embedding_type)} is not supported (absolute only)`);
  }
  const int = (k: string, dflt?: number): number => {
    const v = c[k] ?? dflt;
    if (!Number.isInteger(v) || v <= 0) throw new Error(`checkpoint ${dir}: config.json ${k} must be a positive integer (got ${JSON.stringify(c[k])})`);
    return v;
  };
  return {
    vocabSize: int("vocab_size"),
    hidden: int("hidden_size"),
    layers: int("num_hidden_layers"),
    heads: int("num_attention_heads"),
    ffn: int("intermediate_size"),
    maxPosition: int("max_position_embeddings"),
    typeVocabSize: int("type_vocab_size", 2),
    layerNormEps: Number(c.layer_norm_eps ?? 1e-12),
  };
}

/** Tensor lookup by BertModel name; task-model checkpoints (BertForMaskedLM, ...) prefix names with "bert.". */
function weightsFrom(st: SafetensorsFile, file: string): BertWeights {
  return (name) => {
    for (const n of [name, `bert.${name}`]) if (st.has(n)) return st.float32(n);
    // Very old checkpoints call LayerNorm parameters gamma/beta.
    const legacy = name.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta");
    for (const n of [legacy, `bert.${legacy}`]) if (st.has(n)) return st.float32(n);
    throw new Error(`${file}: no tensor ${name} (nor bert.${name}); is this a BERT checkpoint?`);
  };
}

function copyTree(src: string, dest: string, skip: (rel: string) => boolean, rel = ""): void {
  fs.mkdirSync(path.join(dest, rel), { recursive: true });
  for (const ent of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
    const r = path.join(rel, ent.name);
    if (skip(r)) continue;
    if (ent.isDirectory()) copyTree(src, dest, skip, r);
    else if (ent.isFile()) fs.copyFileSync(path.join(src, r), path.join(dest, r), fs.constants.COPYFILE_FICLONE);
  }
}

/** Write bytes at file via a temp file + rename, so readers never see a half-written file. */
function writeAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** model.onnx + onnx/model.onnx (the path @huggingface/transformers loads) + the stamp, into dir. */
function writeOnnxFiles(dir: string, onnx: Uint8Array, stamp: Record<string, unknown>): void {
  const model = path.join(dir, "model.onnx");
  writeAtomic(model, onnx);
  // A hard link (same bytes, no extra disk), swapped in by rename like the file itself.
  const linked = path.join(dir, "onnx", "model.onnx");
  const tmpLink = `${linked}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(path.dirname(linked), { recursive: true });
  try {
    fs.linkSync(model, tmpLink);
    fs.renameSync(tmpLink, linked);
  } catch {
    writeAtomic(linked, onnx);
  } finally {
    fs.rmSync(tmpLink, { force: true });
  }
  writeAtomic(path.join(dir, CONVERT_STAMP), JSON.stringify(stamp, null, 2) + "\n");
}

/**
 * Read a sentence-transformers checkpoint dir (config.json, model.safetensors, tokenizer files, modules.json,
 * 1_Pooling, sentence_bert_config.json) and write a bugsift model dir (model.onnx + the configs the loader
 * needs) at outDir, atomically (temp dir + rename). Refuses an unsupported architecture by name.
 *
 * outDir may equal srcDir: then only model.onnx, onnx/model.onnx and the stamp are added (each written to a temp
 * file and renamed), the checkpoint files are left untouched, and the dir loads in PyTorch and in bugsift.
 */
export function convertCheckpoint(srcDir: string, outDir: string, opts: ConvertOptions = {}): { outDir: string; dims: number; pooling: string } {
  const log = opts.log ?? (() => {});
  const quantize = opts.quantize ?? "none";
  if (quantize !== "none" && quantize !== "int8") throw new Error(`convert: unknown quantize mode "${quantize}" (none | int8)`);
  const src = path.resolve(srcDir);
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new Error(`checkpoint ${src} does not exist or is not a directory`);
  const out = path.resolve(outDir);
  const sameDir = fs.existsSync(out) && fs.realpathSync(out) === fs.realpathSync(src);
  if (!sameDir) {
    const inside = (a: string, b: string) => !path.relative(a, b).startsWith("..") && !path.isAbsolute(path.relative(a, b));
    // Replacing a parent of the source would delete the source; writing into the source would nest copies.
    if (inside(out, src) || inside(src, out)) throw new Error(`convert: output ${out} and checkpoint ${src} must not contain one another`);
  }

  const cfg = bertConfigFromHf(src, readJson(src, "config.json"));
  const stPath = path.join(src, "model.safetensors");
  if (!fs.existsSync(stPath)) {
    const bin = fs.existsSync(path.join(src, "pytorch_model.bin"));
    throw new Error(
      `checkpoint ${src}: model.safetensors is missing${bin ? " (only pytorch_model.bin, a pickle bugsift does not read: re-save with safe_serialization=True)" : ""}`,
    );
  }
  for (const rel of ["tokenizer.json", path.join("1_Pooling", "config.json")]) {
    if (!fs.existsSync(path.join(src, rel))) throw new Error(`checkpoint ${src}: required file ${rel} is missing`);
  }
  const pooling = poolingFromConfig(src, readJson(src, path.join("1_Pooling", "config.json")));

  const st = SafetensorsFile.read(stPath);
  log(`reading ${stPath}: ${st.entries.size} tensors, ${cfg.layers} layers x ${cfg.hidden} hidden`);
  const keepFp32 = quantize === "int8" ? INT8_KEEP_FP32.filter((l) => Number(l.split(".")[2]) < cfg.layers) : [];
  const onnx = buildBertOnnx(cfg, { quantize, keepFp32, weights: weightsFrom(st, stPath) });
  log(`built ONNX graph (${quantize === "int8" ? "int8 dynamic quantisation" : "fp32"}): ${(onnx.length / 1e6).toFixed(1)} MB`);
  const stamp = { converter: CONVERTER_VERSION, source: "model.safetensors", quantize, keepFp32, config: cfg, pooling };

  if (sameDir) {
    writeOnnxFiles(src, onnx, stamp);
    const info = loadModelDir(src);
    log(`added model.onnx to ${src}`);
    return { outDir: src, dims: info.dims, pooling: info.pooling };
  }

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.convert-${process.pid}-${Date.now()}`;
  const old = `${out}.old-${process.pid}-${Date.now()}`;
  try {
    copyTree(src, tmp, (rel) => OUTPUTS.includes(rel) || rel === "onnx" || /\.(tmp|convert|old)-\d+/.test(rel));
    writeOnnxFiles(tmp, onnx, stamp);
    const info = loadModelDir(tmp); // validate before it replaces anything
    // Old dir (if any) moves aside first, so `out` is always either the old or the new model.
    const hadOld = fs.existsSync(out);
    if (hadOld) fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
    log(`wrote ${out}`);
    return { outDir: out, dims: info.dims, pooling: info.pooling };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * convertCheckpoint unless outDir already holds a conversion of this kind by the current converter (its stamp
 * says so). For derived dirs kept beside a checkpoint, e.g. models/all-MiniLM-L6-v2-int8. Returns whether it
 * converted.
 */
export function ensureConverted(srcDir: string, outDir: string, opts: ConvertOptions = {}): boolean {
  const stampFile = path.join(outDir, CONVERT_STAMP);
  let stamp: { quantize?: string; converter?: string } = {};
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    // missing or unreadable: convert
  }
  if (stamp.quantize === (opts.quantize ?? "none") && stamp.converter === CONVERTER_VERSION && fs.existsSync(path.join(outDir, "model.onnx"))) return false;
  convertCheckpoint(srcDir, outDir, opts);
  return true;
}
