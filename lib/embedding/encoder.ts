// ONNX Runtime sentence encoder: tokenize -> length-bucketed batches -> session.run -> pool -> normalise.
// Long texts are split into overlapping windows whose vectors are combined (mean/max) and re-normalised.
import { config } from "@/lib/config";
import os from "node:os";
import path from "node:path";
import ort from "onnxruntime-node";
import { loadModelDir, type ModelDirInfo } from "@/lib/embedding/modeldir";
import { combineChunks, l2Normalize, poolTokens } from "@/lib/embedding/pooling";
import { TextTokenizer } from "@/lib/embedding/tokenizer";
import type { ChunkPooling, EncodeOptions, Encoder, PoolingMode } from "@/lib/embedding/types";

export interface EncoderOptions {
  /** Default: os.cpus().length. */
  intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin-wait for work (onnxruntime's own default is on). On a small shared box
   * (2 cores running the app, the DB and this) spinning steals CPU from everything else and measured slower
   * under load (bench/encode.ts), so the default is off. Default: env ORT_ALLOW_SPINNING === "1", else false.
   */
  allowSpinning?: boolean;
  /** Override sentence_bert_config.json max_seq_length (must not exceed it by the position table). */
  maxLength?: number;
  /** Overlap in tokens between consecutive windows of a long text. Default min(64, window/4). */
  stride?: number;
  /** Max windows per text (evenly spread, first and last kept). Default 16. */
  maxWindows?: number;
  /** Default batch size for encode(). Default 32. */
  batchSize?: number;
  /** Cap on batchSize x paddedLength per session.run, bounding attention memory. Default 8192. */
  maxBatchTokens?: number;
  chunkPooling?: ChunkPooling;
}

const HIDDEN_OUTPUTS = ["last_hidden_state", "token_embeddings"];

// Texts beyond this are cut to their head and tail before tokenizing: windows are capped anyway
// (maxWindows), and a multi-megabyte log paste should not stall the event loop in the tokenizer.
const MAX_CHARS = 100_000;
function clampChars(t: string): string {
  return t.length <= MAX_CHARS ? t : `${t.slice(0, MAX_CHARS / 2)}\n...\n${t.slice(-MAX_CHARS / 2)}`;
}

export class OnnxEncoder implements Encoder {
  readonly modelDir: string;
  readonly dims: number;
  readonly maxLength: number;
  readonly pooling: PoolingMode;
  readonly info: ModelDirInfo;
  readonly tokenizer: TextTokenizer;
  private readonly session: ort.InferenceSession;
  private readonly outputName: string;
  private readonly feedsTokenTypes: boolean;
  private readonly feedsMask: boolean;
  private readonly opts: Required<Omit<EncoderOptions, "intraOpNumThreads" | "maxLength" | "stride" | "allowSpinning">> & {
    stride?: number;
  };
  /** Serialises session.run calls: concurrent runs would oversubscribe the intra-op thread pool. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(info: ModelDirInfo, tokenizer: TextTokenizer, session: ort.InferenceSession, opts: EncoderOptions) {
    this.info = info;
    this.modelDir = info.dir;
    this.dims = info.dims;
    this.pooling = info.pooling;
    this.maxLength = opts.maxLength ?? info.maxSeqLength;
    this.tokenizer = tokenizer;
    this.session = session;
    const names = session.inputNames;
    if (!names.includes("input_ids")) {
      throw new Error(`model dir ${info.dir}: ONNX graph has no input "input_ids" (inputs: ${names.join(", ")})`);
    }
    const unknown = names.filter((n) => !["input_ids", "attention_mask", "token_type_ids"].includes(n));
    if (unknown.length) throw new Error(`model dir ${info.dir}: ONNX graph has unsupported inputs ${unknown.join(", ")}`);
    // Static-embedding graphs may take only input_ids; feed each optional input only when the graph has it.
    this.feedsMask = names.includes("attention_mask");
    this.feedsTokenTypes = names.includes("token_type_ids");
    const out = HIDDEN_OUTPUTS.find((n) => session.outputNames.includes(n));
    if (!out) {
      throw new Error(
        `model dir ${info.dir}: ONNX graph has neither output ${HIDDEN_OUTPUTS.join(" nor ")} (outputs: ${session.outputNames.join(", ")})`,
      );
    }
    this.outputName = out;
    this.opts = {
      stride: opts.stride,
      maxWindows: opts.maxWindows ?? 16,
      batchSize: opts.batchSize ?? 32,
      maxBatchTokens: opts.maxBatchTokens ?? 8192,
      chunkPooling: opts.chunkPooling ?? "mean",
    };
  }

  static async load(modelDir: string, opts: EncoderOptions = {}): Promise<OnnxEncoder> {
    const info = loadModelDir(modelDir);
    if (opts.maxLength !== undefined && (opts.maxLength < 2 || opts.maxLength > Number(info.config.max_position_embeddings ?? Infinity))) {
      throw new Error(`encoder: maxLength ${opts.maxLength} is outside 2..max_position_embeddings`);
    }
    let tokenizer: TextTokenizer;
    try {
      tokenizer = TextTokenizer.fromDir(info.dir);
    } catch (e) {
      throw new Error(`model dir ${info.dir}: cannot load tokenizer.json (${(e as Error).message})`);
    }
    const allowSpinning = opts.allowSpinning ?? config().ortAllowSpinning;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(info.onnxPath, {
        intraOpNumThreads: opts.intraOpNumThreads ?? os.cpus().length,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        extra: { session: { intra_op: { allow_spinning: allowSpinning ? "1" : "0" } } },
      });
    } catch (e) {
      throw new Error(`model dir ${info.dir}: cannot load ${path.relative(info.dir, info.onnxPath)} (${(e as Error).message})`);
    }
    return new OnnxEncoder(info, tokenizer, session, opts);
  }

  /** Window plan for a text: the token id rows that will be run (exposed for tests and diagnostics). */
  windows(text: string, maxWindows = this.opts.maxWindows): number[][] {
    return this.tokenizer.windows(text, {
      maxLength: this.maxLength,
      stride: this.opts.stride,
      maxWindows: Math.min(maxWindows, this.opts.maxWindows),
    });
  }

  async encode(texts: string[], opts: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.closed) throw new Error("encoder is closed");
    const batchSize = opts.batchSize ?? this.opts.batchSize;
    const chunkPooling = opts.chunkPooling ?? this.opts.chunkPooling;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`encode: batchSize must be a positive integer`);
    const maxWindows = opts.maxWindows ?? this.opts.maxWindows;
    if (!Number.isInteger(maxWindows) || maxWindows < 1) throw new Error(`encode: maxWindows must be a positive integer`);

    // Flatten every text into its windows, remembering which text each window belongs to.
    const rows: { text: number; ids: number[] }[] = [];
    const pending = new Array<number>(texts.length).fill(0); // windows not yet run, per text
    texts.forEach((t, i) => {
      if (typeof t !== "string") throw new Error(`encode: texts[${i}] is not a string`);
      for (const ids of this.windows(clampChars(t), maxWindows)) {
        rows.push({ text: i, ids });
        pending[i]!++;
      }
    });
    // Length bucketing: sorting by length means each batch pads to a near-uniform length.
    const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.ids.length - rows[b]!.ids.length);
    const rowVecs: Float32Array[] = new Array(rows.length);
    let doneTexts = 0;
    let at = 0;
    while (at < order.length) {
      let end = at;
      // Grow the batch while it stays within batchSize and the padded token budget (last row is the longest).
      while (
        end < order.length &&
        end - at < batchSize &&
        (end === at || (end - at + 1) * rows[order[end]!]!.ids.length <= this.opts.maxBatchTokens)
      ) {
        end++;
      }
      const idx = order.slice(at, end);
      const vecs = await this.runBatch(idx.map((i) => rows[i]!.ids));
      idx.forEach((r, k) => {
        rowVecs[r] = vecs[k]!;
      });
      at = end;
      for (const r of idx) if (--pending[rows[r]!.text]! === 0) doneTexts++;
      opts.onProgress?.(doneTexts, texts.length);
    }

    // Restore the caller's order, combining the windows of each text.
    const perText: Float32Array[][] = texts.map(() => []);
    rows.forEach((r, i) => perText[r.text]!.push(rowVecs[i]!));
    return perText.map((vs) => l2Normalize(vs.length === 1 ? vs[0]! : combineChunks(vs, chunkPooling)));
  }

  /** Run one padded batch; returns one L2-normalised pooled vector per row. */
  private runBatch(idRows: number[][]): Promise<Float32Array[]> {
    const job = this.queue.then(async () => {
      const b = this.tokenizer.pad(idRows);
      const shape = [b.batchSize, b.seqLen];
      const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor("int64", b.inputIds, shape) };
      if (this.feedsMask) feeds.attention_mask = new ort.Tensor("int64", b.attentionMask, shape);
      if (this.feedsTokenTypes) feeds.token_type_ids = new ort.Tensor("int64", b.tokenTypeIds, shape);
      const out = await this.session.run(feeds, [this.outputName]);
      const hidden = out[this.outputName]!;
      const [ob, os_, dim] = hidden.dims as number[];
      if (hidden.dims.length !== 3 || ob !== b.batchSize || os_ !== b.seqLen || dim !== this.dims) {
        throw new Error(
          `model dir ${this.modelDir}: output ${this.outputName} has shape [${hidden.dims}], expected [${b.batchSize}, ${b.seqLen}, ${this.dims}]`,
        );
      }
      const vecs = poolTokens(hidden.data as Float32Array, b.attentionMask, b.batchSize, b.seqLen, dim, this.pooling);
      hidden.dispose?.();
      // Normalise each window so every window carries equal weight when a long text's windows are combined.
      return vecs.map(l2Normalize);
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.session.release();
    for (const [k, v] of cache) if (v.encoder === this) cache.delete(k);
  }
}

// Process-wide cache so e.g. the API server loads a model once.
const cache = new Map<string, { promise: Promise<OnnxEncoder>; encoder?: OnnxEncoder }>();

export function getEncoder(modelDir: string, opts?: EncoderOptions): Promise<OnnxEncoder> {
  const key = path.resolve(modelDir);
  let entry = cache.get(key);
  if (!entry) {
    const e: { promise: Promise<OnnxEncoder>; encoder?: OnnxEncoder } = {
      promise: OnnxEncoder.load(key, opts).then(
        (enc) => ((e.encoder = enc), enc),
        (err) => {
          cache.delete(key); // don't cache failures: the dir may be fixed (e.g. download finished)
          throw err;
        },
      ),
    };
    entry = e;
    cache.set(key, entry);
  }
  return entry.promise;
}
