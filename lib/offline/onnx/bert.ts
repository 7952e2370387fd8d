// A BERT-architecture encoder graph (post-LayerNorm, like bert-base / all-MiniLM). Weights come either from a
// trained checkpoint (opts.weights, Hugging Face BertModel tensor names; see from-checkpoint.ts) or, for tests and
// benchmarks, are deterministic pseudo-random: then the runtime exercises the exact operator mix and tensor shapes
// of a real sentence-transformers BERT export without any download.
// The fp32 graph mirrors what torch.onnx emits for BertModel at opset 12 (decomposed LayerNorm, Div-scaled QK^T,
// Unsqueeze/Cast/Sub/Mul(-10000) mask, erf GELU), because onnxruntime's online optimizer pattern-matches exactly
// that form into fused Attention / LayerNormalization / BiasGelu kernels. The int8 graph names onnxruntime's
// contrib kernels (QAttention, DynamicQuantizeMatMul, Gelu) itself, because the optimizer does not fuse
// attention around quantised projections (see docs/encoder.md).
import fs from "node:fs";
import path from "node:path";
import { GraphBuilder } from "@/lib/offline/onnx/graph";
import { writeSentenceTransformersDir } from "@/lib/offline/onnx/st-dir";
import type { ValueInfo } from "@/lib/offline/onnx/writer";
import type { PoolingMode } from "@/lib/embedding/types";
import { mulberry32 } from "@/lib/random";

export interface BertConfig {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPosition: number;
  typeVocabSize: number;
  layerNormEps: number;
}

export type BertPreset = "tiny" | "minilm";
export type BertQuantize = "none" | "int8" | "int8-ffn";
export const BERT_QUANTIZE: BertQuantize[] = ["none", "int8", "int8-ffn"];

export const BERT_PRESETS: Record<BertPreset, Omit<BertConfig, "vocabSize">> = {
  tiny: { hidden: 32, layers: 2, heads: 4, ffn: 64, maxPosition: 512, typeVocabSize: 2, layerNormEps: 1e-12 },
  minilm: { hidden: 384, layers: 6, heads: 12, ffn: 1536, maxPosition: 512, typeVocabSize: 2, layerNormEps: 1e-12 },
};

export interface BuildBertOptions {
  seed?: number;
  /**
   * Dynamic int8 quantization of encoder-layer weights (activations quantised per tensor at run time, weights
   * per output column): QAttention for the packed Q/K/V projection and attention, DynamicQuantizeMatMul for the
   * other dense layers. "int8": every dense layer; "int8-ffn": only the two FFN layers (2/3 of the matmul
   * FLOPs), attention in fp32 (the contrib Attention kernel).
   */
  quantize?: BertQuantize;
  /** Trained weights instead of random ones (see BertWeights). */
  weights?: BertWeights;
  /** Dense layers (e.g. "encoder.layer.0.output.dense") left in fp32 when quantizing. */
  keepFp32?: string[];
}

/**
 * Trained weights looked up by Hugging Face BertModel name ("embeddings.word_embeddings.weight",
 * "encoder.layer.0.attention.self.query.weight", ...). Linear weights are in PyTorch's [out, in] layout; the
 * builder transposes them. Must throw (naming the tensor) when the name is absent.
 */
export type BertWeights = (name: string) => { shape: number[]; data: Float32Array };

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

export { mulberry32 };

function normal(rand: () => number, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Number of weights per token that go through matmuls (for FLOP estimates). */
export function bertMatmulParamsPerToken(c: BertConfig): number {
  return c.layers * (4 * c.hidden * c.hidden + 2 * c.hidden * c.ffn);
}

/**
 * FLOPs to encode one token in a sequence of length seq: 2 per matmul weight, plus attention
 * (QK^T and PV: 2 * 2 * seq * hidden per layer).
 */
export function bertFlopsPerToken(c: BertConfig, seq: number): number {
  return 2 * bertMatmulParamsPerToken(c) + c.layers * 4 * seq * c.hidden;
}

/** onnxruntime's contrib-op domain (the fused kernels the int8 graph names directly). */
const MS = "com.microsoft";
/** Bits of an int8 graph's weights, sign included (see quantizeWeights), and the largest magnitude they hold. */
const WEIGHT_BITS = 7;
const WEIGHT_QMAX = 2 ** (WEIGHT_BITS - 1) - 1;

export function buildBertOnnx(cfg: BertConfig, opts: BuildBertOptions = {}): Uint8Array {
  const { hidden: H, heads, ffn, layers } = cfg;
  if (H % heads !== 0) throw new Error(`BERT config: hidden ${H} is not divisible by heads ${heads}`);
  const hd = H / heads;
  const rand = mulberry32(opts.seed ?? 42);
  const std = 0.02;
  const quantMode = opts.quantize ?? "none";
  if (!BERT_QUANTIZE.includes(quantMode)) throw new Error(`unknown quantize mode "${quantMode}"`);
  const quantized = quantMode !== "none";
  const g = new GraphBuilder();
  // A parameter: the trained tensor when weights are given (shape-checked), else the random initialiser. The
  // random initialisers run in the same order as always, so seeded models stay bit-identical across versions.
  const param = (name: string, shape: number[], random: () => Float32Array): Float32Array => {
    if (!opts.weights) return random();
    const t = opts.weights(name);
    if (t.shape.join(",") !== shape.join(",")) {
      throw new Error(`BERT weights: ${name} has shape [${t.shape}], config.json implies [${shape}]`);
    }
    return t.data;
  };

  const ones = (n: number) => new Float32Array(n).fill(1);
  // LayerNorm written out the way torch.onnx exports it at opset < 17; onnxruntime fuses it back into one
  // LayerNormalization kernel, and only that fused form lets its BERT Attention fusion fire (see header).
  const lnAxes = [-1];
  const lnEps = g.float32("ln_eps", [cfg.layerNormEps], []);
  const two = g.float32("two", [2], []);
  const layerNorm = (x: string, prefix: string) => {
    const mean = g.op("ReduceMean", [x], { axes: lnAxes, keepdims: 1 });
    const centered = g.op("Sub", [x, mean]);
    const variance = g.op("ReduceMean", [g.op("Pow", [centered, two])], { axes: lnAxes, keepdims: 1 });
    const normed = g.op("Div", [centered, g.op("Sqrt", [g.op("Add", [variance, lnEps])])]);
    const gamma = param(`${prefix}.weight`, [H], () => ones(H));
    const beta = param(`${prefix}.bias`, [H], () => new Float32Array(H));
    return g.op("Add", [g.op("Mul", [normed, g.float32(`${prefix}.weight`, gamma)]), g.float32(`${prefix}.bias`, beta)]);
  };

  // A dense layer's weights, W as [inDim, outDim] and b. 1/sqrt(fan_in) random init (not BERT's 0.02) so each
  // sublayer changes the residual stream as much as a trained one does; with 0.02 every output collapses onto
  // the [CLS]/position signal and all texts look alike.
  const denseWeights = (inDim: number, outDim: number, prefix: string) => {
    const w = opts.weights
      ? transpose(param(`${prefix}.weight`, [outDim, inDim], () => new Float32Array(0)), outDim, inDim)
      : normal(rand, inDim * outDim, 1 / Math.sqrt(inDim));
    const b = param(`${prefix}.bias`, [outDim], () => normal(rand, outDim, std));
    return { w, b };
  };
  const isQuantized = (prefix: string, ffn: boolean) => quantized && (quantMode === "int8" || ffn) && !opts.keepFp32?.includes(prefix);
  // Symmetric weights with one scale per output column (quantize_dynamic's per_channel form): trained
  // weights have columns of very different range, and one per-tensor scale costs a real model ~0.05 cosine.
  // Weights use 7 bits (-63..63, quantize_dynamic's reduce_range): on x86 CPUs without VNNI (AVX2, AVX-512F)
  // onnxruntime's u8 x s8 kernels add pairs of products in 16 bits (vpmaddubsw), and 2 x 255 x 127 overflows
  // it. With 8-bit weights a tiny BERT fell to 0.94 cosine against fp32 on such a CPU (0.9999 with 7 bits), and
  // a model dir may be built on one machine and served on another.
  const quantizeWeights = (w: Float32Array, inDim: number, outDim: number, prefix: string) => {
    const scales = new Float32Array(outDim);
    for (let i = 0; i < inDim; i++) for (let c = 0; c < outDim; c++) scales[c] = Math.max(scales[c]!, Math.abs(w[i * outDim + c]!));
    for (let c = 0; c < outDim; c++) scales[c] = scales[c]! / WEIGHT_QMAX || 1;
    const wq = new Int8Array(w.length);
    for (let i = 0; i < w.length; i++) wq[i] = Math.max(-WEIGHT_QMAX, Math.min(WEIGHT_QMAX, Math.round(w[i]! / scales[i % outDim]!)));
    return {
      wq: g.init(`${prefix}.weight_quantized`, [inDim, outDim], wq),
      scale: g.float32(`${prefix}.weight_scale`, scales, [outDim]),
      zeroPoint: g.init(`${prefix}.weight_zero_point`, [outDim], new Int8Array(outDim)),
    };
  };

  // Dense layer x[..., inDim] @ W[inDim, outDim] + b. The fp32 graph spells it MatMul + Add, as torch.onnx does.
  // A quantised layer is the contrib kernel onnxruntime would fuse quantize_dynamic's output into,
  // DynamicQuantizeMatMul (x quantised per tensor on the fly, u8 x s8), with the bias folded in.
  const dense = (x: string, inDim: number, outDim: number, prefix: string, ffn = false) => {
    const { w, b } = denseWeights(inDim, outDim, prefix);
    const bias = g.float32(`${prefix}.bias`, b);
    if (!isQuantized(prefix, ffn)) return g.op("Add", [g.op("MatMul", [x, g.init(`${prefix}.weight`, [inDim, outDim], w)]), bias]);
    const wq = quantizeWeights(w, inDim, outDim, prefix);
    return g.op("DynamicQuantizeMatMul", [x, wq.wq, wq.scale, wq.zeroPoint, bias], {}, { domain: MS });
  };
  const quantize = (x: string) => {
    const [q, scale, zeroPoint] = g.op("DynamicQuantizeLinear", [x], {}, { numOutputs: 3 }) as string[];
    return { q: q!, scale: scale!, zeroPoint: zeroPoint! };
  };

  // Embeddings: word + position (first seq rows of the table) + token type, then LayerNorm.
  const word = g.op("Gather", [g.init("embeddings.word_embeddings.weight", [cfg.vocabSize, H], param("embeddings.word_embeddings.weight", [cfg.vocabSize, H], () => normal(rand, cfg.vocabSize * H, std))), "input_ids"], { axis: 0 });
  const seqLen1d = g.op("Unsqueeze", [g.op("Gather", [g.op("Shape", ["input_ids"]), g.int64("one_idx", [1], [])], { axis: 0 })], { axes: [0] });
  const posTable = g.init("embeddings.position_embeddings.weight", [cfg.maxPosition, H], param("embeddings.position_embeddings.weight", [cfg.maxPosition, H], () => normal(rand, cfg.maxPosition * H, std)));
  const pos = g.op("Slice", [posTable, g.int64("zero_1d", [0]), seqLen1d, g.int64("axis0", [0])]);
  const typ = g.op("Gather", [g.init("embeddings.token_type_embeddings.weight", [cfg.typeVocabSize, H], param("embeddings.token_type_embeddings.weight", [cfg.typeVocabSize, H], () => normal(rand, cfg.typeVocabSize * H, std))), "token_type_ids"], { axis: 0 });
  let x = layerNorm(g.op("Add", [g.op("Add", [word, pos]), typ]), "embeddings.LayerNorm");

  if (quantized) {
    // Quantised graphs name onnxruntime's fused kernels themselves. Its optimizer does not fuse attention around
    // quantised projections: left to it, the int8 graph ran Q/K/V as three int8 matmuls followed by unfused
    // Reshape/Transpose/MatMul/Softmax chains, a third of the int8 run time at batch 32. QAttention does the
    // packed Q/K/V projection in int8 (per-column weight scales) and the attention itself in one kernel; the
    // bias of every other dense layer is folded into its int8 kernel.
    const maskIndex = g.op("Cast", ["attention_mask"], { to: 6 }); // int32 [B, S]: 1 attends, 0 is padding
    for (let l = 0; l < layers; l++) {
      const p = `encoder.layer.${l}`;
      // Q, K and V packed side by side: W [H, 3H], b [3H], as both attention kernels take them.
      const qkvNames = ["query", "key", "value"].map((n) => `${p}.attention.self.${n}`);
      const parts = qkvNames.map((n) => denseWeights(H, H, n));
      const w = new Float32Array(H * 3 * H);
      for (let i = 0; i < H; i++) parts.forEach((part, j) => w.set(part.w.subarray(i * H, (i + 1) * H), i * 3 * H + j * H));
      const b = new Float32Array(3 * H);
      parts.forEach((part, j) => b.set(part.b, j * H));
      const qkvBias = g.float32(`${p}.attention.qkv.bias`, b);
      let ctx: string;
      if (qkvNames.every((n) => isQuantized(n, false))) {
        const wq = quantizeWeights(w, H, 3 * H, `${p}.attention.qkv`);
        const xq = quantize(x);
        ctx = g.op("QAttention", [xq.q, wq.wq, qkvBias, xq.scale, wq.scale, maskIndex, xq.zeroPoint, wq.zeroPoint], { num_heads: heads }, { domain: MS });
      } else {
        // int8-ffn, or Q/K/V kept fp32: the fp32 Attention kernel the optimizer would have fused anyway.
        ctx = g.op("Attention", [x, g.init(`${p}.attention.qkv.weight`, [H, 3 * H], w), qkvBias, maskIndex], { num_heads: heads }, { domain: MS });
      }
      const attnOut = dense(ctx, H, H, `${p}.attention.output.dense`);
      x = layerNorm(g.op("Add", [attnOut, x]), `${p}.attention.output.LayerNorm`);
      const h = dense(x, H, ffn, `${p}.intermediate.dense`, true);
      const gelu = g.op("Gelu", [h], {}, { domain: MS }); // exact (erf) GELU
      const out = dense(gelu, ffn, H, `${p}.output.dense`, true);
      x = layerNorm(g.op("Add", [out, x]), `${p}.output.LayerNorm`);
    }
  } else {
    // Additive attention bias [B, 1, 1, S]: 0 for real tokens, -10000 for padding (BERT's value; also what the
    // runtime's fusion pattern expects).
    const mask4 = g.op("Unsqueeze", [g.op("Unsqueeze", ["attention_mask"], { axes: [1] })], { axes: [2] });
    const maskF = g.op("Cast", [mask4], { to: 1 });
    const bias = g.op("Mul", [g.op("Sub", [g.float32("one", [1], []), maskF]), g.float32("mask_fill", [-10000], [])]);

    const headShape = g.int64("head_shape", [0, 0, heads, hd]);
    const mergeShape = g.int64("merge_shape", [0, 0, H]);
    const scale = g.float32("attn_scale", [Math.sqrt(hd)], []);
    const sqrt2 = g.float32("gelu_sqrt2", [Math.SQRT2], []);
    const half = g.float32("half", [0.5], []);

    for (let l = 0; l < layers; l++) {
      const p = `encoder.layer.${l}`;
      const split = (t: string, perm: number[]) => g.op("Transpose", [g.op("Reshape", [t, headShape])], { perm });
      const q = split(dense(x, H, H, `${p}.attention.self.query`), [0, 2, 1, 3]); // [B, nh, S, hd]
      const k = split(dense(x, H, H, `${p}.attention.self.key`), [0, 2, 3, 1]); // [B, nh, hd, S]
      const v = split(dense(x, H, H, `${p}.attention.self.value`), [0, 2, 1, 3]); // [B, nh, S, hd]
      const scores = g.op("Add", [g.op("Div", [g.op("MatMul", [q, k]), scale]), bias]);
      const probs = g.op("Softmax", [scores], { axis: 3 });
      const ctx = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: [0, 2, 1, 3] }), mergeShape]);
      const attnOut = dense(ctx, H, H, `${p}.attention.output.dense`);
      x = layerNorm(g.op("Add", [attnOut, x]), `${p}.attention.output.LayerNorm`);
      // Exact (erf) GELU, as in BERT; onnxruntime fuses this pattern into a single Gelu kernel.
      const h = dense(x, H, ffn, `${p}.intermediate.dense`, true);
      const gelu = g.op("Mul", [g.op("Mul", [h, g.op("Add", [g.op("Erf", [g.op("Div", [h, sqrt2])]), g.float32("one_f", [1], [])])]), half]);
      const out = dense(gelu, ffn, H, `${p}.output.dense`, true);
      x = layerNorm(g.op("Add", [out, x]), `${p}.output.LayerNorm`);
    }
  }
  g.op("Identity", [x], {}, { outputs: ["last_hidden_state"] });

  const ids = (name: string): ValueInfo => ({ name, elemType: "int64", shape: ["batch_size", "sequence_length"] });
  return g.build({
    inputs: [ids("input_ids"), ids("attention_mask"), ids("token_type_ids")],
    outputs: [{ name: "last_hidden_state", elemType: "float", shape: ["batch_size", "sequence_length", H] }],
    graphName: "bert",
    opset: 12,
    extraOpsets: quantized ? { [MS]: 1 } : undefined,
    docString: opts.weights
      ? `BERT encoder converted from a checkpoint (bugsift from-checkpoint, quantize ${quantMode})`
      : "BERT encoder with deterministic pseudo-random weights (bugsift build-bert-onnx)",
  });
}

export interface BuildBertDirOptions extends BuildBertOptions {
  preset?: BertPreset;
  /** Overrides on top of the preset. */
  config?: Partial<BertConfig>;
  /** Directory holding tokenizer.json (+ vocab.txt, tokenizer_config.json, special_tokens_map.json). */
  tokenizerDir: string;
  pooling?: PoolingMode;
  normalize?: boolean;
  maxSeqLength?: number;
}

function vocabSizeOf(tokenizerJsonPath: string): number {
  const tj = JSON.parse(fs.readFileSync(tokenizerJsonPath, "utf8"));
  const ids: number[] = Object.values(tj.model?.vocab ?? {}) as number[];
  for (const t of tj.added_tokens ?? []) ids.push(t.id);
  if (ids.length === 0) throw new Error(`${tokenizerJsonPath}: no model.vocab`);
  return Math.max(...ids) + 1;
}

export function resolveBertConfig(opts: Pick<BuildBertDirOptions, "preset" | "config" | "tokenizerDir">): BertConfig {
  const base = BERT_PRESETS[opts.preset ?? "tiny"];
  if (!base) throw new Error(`unknown BERT preset "${opts.preset}" (use ${Object.keys(BERT_PRESETS).join(" | ")})`);
  const vocabSize = vocabSizeOf(path.join(opts.tokenizerDir, "tokenizer.json"));
  return { ...base, vocabSize, ...opts.config };
}

/** HF config.json for a BERT config. */
export function hfBertConfig(c: BertConfig): Record<string, unknown> {
  return {
    architectures: ["BertModel"],
    model_type: "bert",
    attention_probs_dropout_prob: 0.1,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: c.hidden,
    initializer_range: 0.02,
    intermediate_size: c.ffn,
    layer_norm_eps: c.layerNormEps,
    max_position_embeddings: c.maxPosition,
    num_attention_heads: c.heads,
    num_hidden_layers: c.layers,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    type_vocab_size: c.typeVocabSize,
    vocab_size: c.vocabSize,
  };
}

/** Build a BERT ONNX model and write it as a sentence-transformers directory. Returns the config used. */
export function buildBertModelDir(outDir: string, opts: BuildBertDirOptions): BertConfig {
  const cfg = resolveBertConfig(opts);
  const onnx = buildBertOnnx(cfg, opts);
  const stamp = buildStamp(cfg, opts);
  writeSentenceTransformersDir(outDir, {
    onnx,
    tokenizerJsonPath: path.join(opts.tokenizerDir, "tokenizer.json"),
    config: hfBertConfig(cfg),
    pooling: opts.pooling ?? "mean",
    normalize: opts.normalize ?? true,
    maxSeqLength: opts.maxSeqLength ?? cfg.maxPosition,
    extraFiles: { "build-stamp.json": JSON.stringify(stamp, null, 2) + "\n" },
  });
  return cfg;
}

function buildStamp(cfg: BertConfig, opts: BuildBertDirOptions): Record<string, unknown> {
  return {
    cfg,
    seed: opts.seed ?? 42,
    init: "fanin-v2-opset12-q8col",
    quantize: opts.quantize ?? "none",
    pooling: opts.pooling ?? "mean",
    normalize: opts.normalize ?? true,
    maxSeqLength: opts.maxSeqLength ?? cfg.maxPosition,
    // The quantised graph's form (contrib kernels), so dirs built before it changed are rebuilt.
    ...((opts.quantize ?? "none") !== "none" ? { int8Graph: "qattention-v2", weightBits: WEIGHT_BITS } : {}),
  };
}

/** Build only when the dir is missing or was built with different options (for tests and benches). */
export function ensureBertModelDir(outDir: string, opts: BuildBertDirOptions): string {
  const stampPath = path.join(outDir, "build-stamp.json");
  const want = JSON.stringify(buildStamp(resolveBertConfig(opts), opts), null, 2) + "\n";
  const ready = () =>
    fs.existsSync(stampPath) &&
    fs.readFileSync(stampPath, "utf8") === want &&
    ["model.onnx", "onnx/model.onnx", "tokenizer.json", "1_Pooling/config.json"].every((f) => fs.existsSync(path.join(outDir, f)));
  if (ready()) return outDir;
  // Build into a sibling temp dir and rename, so parallel test files never see a half-written model.
  const tmp = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    buildBertModelDir(tmp, opts);
    if (ready()) return outDir; // another process won the race
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    try {
      fs.renameSync(tmp, outDir);
    } catch (e) {
      if (!ready()) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return outDir;
}
