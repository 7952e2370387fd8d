// Tokenization for the encoder, on top of @huggingface/tokenizers (pure JS, same code transformers.js uses).
// That library has no truncation, padding or offsets, so we do truncation/windowing/padding here: encode the
// content once without special tokens, cut it into windows, then wrap each window in the template's special
// tokens ([CLS] ... [SEP] for BERT). Offsets are not exposed by the library (v0.2.0), so none are returned.
import fs from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

export interface TokenizedBatch {
  batchSize: number;
  seqLen: number;
  /** [batchSize * seqLen], row-major, right-padded. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Unpadded length of each row (special tokens included). */
  lengths: number[];
}

export interface WindowOptions {
  /** Max tokens per window, special tokens included. */
  maxLength: number;
  /** Tokens shared by consecutive windows (HF "stride"). Default: min(64, window/4). */
  stride?: number;
  /** Cap on windows per text; when exceeded, windows are picked evenly, always keeping first and last. */
  maxWindows?: number;
}

export class TextTokenizer {
  readonly tokenizer: Tokenizer;
  /** Special tokens the post-processor puts before / after a single sequence. */
  readonly prefixIds: number[];
  readonly suffixIds: number[];
  readonly padId: number;
  readonly vocabSize: number;

  constructor(tokenizerJson: Record<string, any>, tokenizerConfig: Record<string, any> = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    // Discover the single-sequence template by encoding a probe with and without special tokens.
    const probe = "a";
    const bare = this.tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = this.tokenizer.encode(probe, { add_special_tokens: true }).ids;
    const at = indexOfSeq(full, bare);
    if (bare.length === 0 || at < 0) throw new Error("tokenizer.json: cannot infer the special-token template");
    this.prefixIds = full.slice(0, at);
    this.suffixIds = full.slice(at + bare.length);
    const padToken: string | undefined =
      tokenizerJson.padding?.pad_token ?? tokenizerConfig.pad_token?.content ?? tokenizerConfig.pad_token;
    this.padId = tokenizerJson.padding?.pad_id ?? (padToken ? this.tokenizer.token_to_id(padToken) : undefined) ?? 0;
    this.vocabSize = this.tokenizer.get_vocab(true).size;
  }

  /** Load tokenizer.json (+ tokenizer_config.json when present) from a model directory. */
  static fromDir(dir: string): TextTokenizer {
    const jsonPath = path.join(dir, "tokenizer.json");
    if (!fs.existsSync(jsonPath)) throw new Error(`tokenizer.json not found in ${dir}`);
    const cfgPath = path.join(dir, "tokenizer_config.json");
    const cfg = fs.existsSync(cfgPath) ? JSON.parse(fs.readFileSync(cfgPath, "utf8")) : {};
    return new TextTokenizer(JSON.parse(fs.readFileSync(jsonPath, "utf8")), cfg);
  }

  get numSpecial(): number {
    return this.prefixIds.length + this.suffixIds.length;
  }

  /** Content token ids, no special tokens, no truncation. */
  contentIds(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Token strings (for debugging/tests), no special tokens. */
  tokens(text: string): string[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).tokens;
  }

  wrap(content: number[]): number[] {
    return [...this.prefixIds, ...content, ...this.suffixIds];
  }

  /** Ids with special tokens, truncated (right) to maxLength like HF `truncation=True`. */
  encode(text: string, maxLength: number): number[] {
    return this.wrap(this.contentIds(text).slice(0, this.contentBudget(maxLength)));
  }

  /** Split a text into overlapping windows of at most maxLength tokens each (special tokens included). */
  windows(text: string, opts: WindowOptions): number[][] {
    return this.windowsOf(this.contentIds(text), opts);
  }

  windowsOf(content: number[], opts: WindowOptions): number[][] {
    const size = this.contentBudget(opts.maxLength);
    if (content.length <= size) return [this.wrap(content)];
    const stride = Math.min(opts.stride ?? Math.min(64, Math.floor(size / 4)), size - 1);
    if (stride < 0) throw new Error(`window stride must be >= 0, got ${stride}`);
    const step = size - stride;
    const starts: number[] = [];
    for (let s = 0; ; s += step) {
      if (s + size >= content.length) {
        // Last window is right-aligned so it is always full and ends exactly at the end of the text.
        starts.push(Math.max(0, content.length - size));
        break;
      }
      starts.push(s);
    }
    const picked = pickEvenly(starts, opts.maxWindows ?? Infinity);
    return picked.map((s) => this.wrap(content.slice(s, s + size)));
  }

  /** Right-pad rows to the longest row. */
  pad(rows: number[][]): TokenizedBatch {
    const batchSize = rows.length;
    const seqLen = rows.reduce((m, r) => Math.max(m, r.length), 0);
    const inputIds = new BigInt64Array(batchSize * seqLen).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(batchSize * seqLen);
    for (let b = 0; b < batchSize; b++) {
      const row = rows[b]!;
      const off = b * seqLen;
      for (let i = 0; i < row.length; i++) {
        inputIds[off + i] = BigInt(row[i]!);
        attentionMask[off + i] = 1n;
      }
    }
    return {
      batchSize,
      seqLen,
      inputIds,
      attentionMask,
      tokenTypeIds: new BigInt64Array(batchSize * seqLen),
      lengths: rows.map((r) => r.length),
    };
  }

  /** Encode + truncate + pad a batch of texts. */
  encodeBatch(texts: string[], maxLength: number): TokenizedBatch {
    return this.pad(texts.map((t) => this.encode(t, maxLength)));
  }

  private contentBudget(maxLength: number): number {
    const size = maxLength - this.numSpecial;
    if (!Number.isInteger(maxLength) || size < 1) {
      throw new Error(`maxLength ${maxLength} leaves no room for content after ${this.numSpecial} special tokens`);
    }
    return size;
  }
}

function indexOfSeq(hay: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** n items spread evenly over xs, first and last included. */
function pickEvenly<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  if (n <= 1) return xs.slice(0, Math.max(n, 0));
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}
