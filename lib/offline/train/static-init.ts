// Initial token vectors from corpus statistics alone ("model2vec-like" without a teacher). With a few hundred
// labelled pairs, training from random vectors cannot learn that "crash" ~ "segfault"; a truncated SVD of a
// token co-occurrence statistic gives every corpus token a distributional vector before training starts.
//   lsa:  tf-idf token x document matrix, truncated SVD, rows = U * S^p. The default, with p = 0 (whitened: every
//         latent dimension weighs the same), which retrieved duplicates best on the Hadoop Jira experiment.
//   ppmi: positive PMI of tokens co-occurring within a window (context-distribution smoothing 0.75), SVD,
//         rows = U * S^p (Levy & Goldberg); slower and no better there.
//   random: Gaussian rows (baseline / tests).
// Rows are then unit-normalised and scaled by a per-token weight (idf or SIF), which mean pooling turns into a
// weighted mean, so the weighting survives ONNX export unchanged (it lives in the rows).
// Tokens never seen in the corpus (and special tokens) get a zero row: they add nothing to a mean.
import { csrFromTriplets, randomizedSvd } from "@/lib/offline/train/linalg";
import { gaussian, rng } from "@/lib/offline/train/tensor";

export type InitMethod = "ppmi" | "lsa" | "random";
export type TokenWeighting = "idf" | "sif" | "none";

export interface CorpusTokenStats {
  vocabSize: number;
  docs: number;
  totalTokens: number;
  /** Documents containing each token. */
  df: Float64Array;
  /** Total occurrences of each token. */
  tf: Float64Array;
}

export function corpusTokenStats(docs: ArrayLike<number>[], vocabSize: number): CorpusTokenStats {
  const df = new Float64Array(vocabSize);
  const tf = new Float64Array(vocabSize);
  const lastDoc = new Int32Array(vocabSize).fill(-1);
  let total = 0;
  docs.forEach((doc, d) => {
    for (let i = 0; i < doc.length; i++) {
      const t = doc[i]!;
      if (!(t >= 0 && t < vocabSize)) throw new Error(`token id ${t} outside vocabulary of ${vocabSize}`);
      tf[t]!++;
      total++;
      if (lastDoc[t] !== d) {
        lastDoc[t] = d;
        df[t]!++;
      }
    }
  });
  return { vocabSize, docs: docs.length, totalTokens: total, df, tf };
}

/** Smoothed idf: log((N + 1) / (df + 1)) + 1, as scikit-learn. */
export function idfWeights(stats: CorpusTokenStats): Float64Array {
  const w = new Float64Array(stats.vocabSize);
  for (let t = 0; t < w.length; t++) w[t] = Math.log((stats.docs + 1) / (stats.df[t]! + 1)) + 1;
  return w;
}

/** SIF weight a / (a + p(t)) (Arora et al.), as model2vec uses. */
export function sifWeights(stats: CorpusTokenStats, a = 1e-3): Float64Array {
  const w = new Float64Array(stats.vocabSize);
  const n = Math.max(stats.totalTokens, 1);
  for (let t = 0; t < w.length; t++) w[t] = a / (a + stats.tf[t]! / n);
  return w;
}

export interface StaticInitOptions {
  dim: number;
  method?: InitMethod;
  weighting?: TokenWeighting;
  /** Token ids that must stay zero (e.g. [CLS], [SEP], [PAD]). */
  zeroIds?: number[];
  /** Tokens seen fewer times than this keep a zero row. Default 1 (every seen token gets a vector). */
  minCount?: number;
  /** Co-occurrence window (each side) for ppmi. Default 5. */
  window?: number;
  /** Exponent on singular values: rows = U * S^p. Default 0.5 for ppmi, 1 for lsa (the recipe uses 0). */
  singularPower?: number;
  seed?: number;
  powerIters?: number;
  /**
   * Weight of a random "identity" component added to every vocabulary row (also tokens unseen in the corpus):
   * near-orthogonal random directions make exact token matches count, like a keyword match, on top of the
   * distributional part. 0 disables.
   */
  lexicalWeight?: number;
}

export interface StaticInit {
  table: Float32Array;
  stats: CorpusTokenStats;
  /** Tokens that received a non-zero row. */
  active: number;
}

/** Build a [vocabSize x dim] initial table from tokenised documents (content ids, no special tokens). */
export function initStaticTable(docs: ArrayLike<number>[], vocabSize: number, opts: StaticInitOptions): StaticInit {
  const dim = opts.dim;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`static init: dim must be a positive integer, got ${dim}`);
  const method = opts.method ?? "ppmi";
  const stats = corpusTokenStats(docs, vocabSize);
  const zero = new Set(opts.zeroIds ?? []);
  const minCount = opts.minCount ?? 1;
  // Compact index over the tokens that get a vector.
  const compact = new Int32Array(vocabSize).fill(-1);
  const tokens: number[] = [];
  for (let t = 0; t < vocabSize; t++) {
    if (stats.tf[t]! >= minCount && !zero.has(t)) {
      compact[t] = tokens.length;
      tokens.push(t);
    }
  }
  const m = tokens.length;
  const rows = new Float64Array(m * dim); // compact token x dim
  const seed = opts.seed ?? 1;

  if (method === "random" || m === 0) {
    const g = gaussian(rng(seed));
    for (let i = 0; i < rows.length; i++) rows[i] = g();
  } else {
    const matrix =
      method === "ppmi" ? ppmiMatrix(docs, compact, m, opts.window ?? 5) : tfidfMatrix(docs, compact, tokens, stats);
    const k = Math.min(dim, m, matrix.cols);
    const svd = randomizedSvd(matrix, k, { seed, powerIters: opts.powerIters });
    const p = opts.singularPower ?? (method === "ppmi" ? 0.5 : 1);
    for (let c = 0; c < k; c++) {
      const sc = Math.pow(svd.s[c]!, p);
      const u = svd.u[c]!;
      for (let i = 0; i < m; i++) rows[i * dim + c] = u[i]! * sc;
    }
    // dim > rank: remaining columns stay zero; training can still use them.
  }

  const weights =
    opts.weighting === "none" ? null : opts.weighting === "sif" ? sifWeights(stats) : idfWeights(stats);
  const table = new Float32Array(vocabSize * dim);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += rows[i * dim + c]! * rows[i * dim + c]!;
    const n = Math.sqrt(s);
    if (n < 1e-12) continue;
    const t = tokens[i]!;
    const w = (weights ? weights[t]! : 1) / n;
    for (let c = 0; c < dim; c++) table[t * dim + c] = rows[i * dim + c]! * w;
  }
  const lexical = opts.lexicalWeight ?? 0;
  if (lexical > 0) {
    const g = gaussian(rng(seed + 7919));
    const r = new Float64Array(dim);
    for (let t = 0; t < vocabSize; t++) {
      for (let c = 0; c < dim; c++) r[c] = g(); // drawn for every token so rows do not depend on the corpus
      if (zero.has(t)) continue;
      let s = 0;
      for (let c = 0; c < dim; c++) s += r[c]! * r[c]!;
      const k = (lexical * (weights ? weights[t]! : 1)) / Math.sqrt(s);
      for (let c = 0; c < dim; c++) table[t * dim + c]! += r[c]! * k;
    }
  }
  let active = 0;
  for (let t = 0; t < vocabSize; t++) {
    for (let c = 0; c < dim; c++) {
      if (table[t * dim + c] !== 0) {
        active++;
        break;
      }
    }
  }
  return { table, stats, active };
}

/** Token x document tf-idf (sublinear tf), each document column l2-normalised so long reports do not dominate. */
function tfidfMatrix(docs: ArrayLike<number>[], compact: Int32Array, tokens: number[], stats: CorpusTokenStats) {
  const idf = idfWeights(stats);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  docs.forEach((doc, d) => {
    const counts = new Map<number, number>();
    for (let i = 0; i < doc.length; i++) {
      const k = compact[doc[i]!]!;
      if (k >= 0) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let norm = 0;
    const entries = [...counts].map(([k, n]) => {
      const x = (1 + Math.log(n)) * idf[tokens[k]!]!;
      norm += x * x;
      return [k, x] as const;
    });
    norm = Math.sqrt(norm) || 1;
    for (const [k, x] of entries) {
      r.push(k);
      c.push(d);
      v.push(x / norm);
    }
  });
  return csrFromTriplets(tokens.length, docs.length, r, c, v);
}

/** Positive PMI of window co-occurrences (symmetric, weighted 1/distance), context smoothing alpha = 0.75. */
function ppmiMatrix(docs: ArrayLike<number>[], compact: Int32Array, m: number, window: number) {
  // Accumulate pair counts keyed by i * m + j (fits in a double exactly for m < 2^26).
  const counts = new Map<number, number>();
  for (const doc of docs) {
    const ids: number[] = [];
    for (let i = 0; i < doc.length; i++) ids.push(compact[doc[i]!]!);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      for (let d = 1; d <= window && i + d < ids.length; d++) {
        const b = ids[i + d]!;
        if (b < 0 || b === a) continue;
        const w = 1 / d;
        const k1 = a * m + b;
        const k2 = b * m + a;
        counts.set(k1, (counts.get(k1) ?? 0) + w);
        counts.set(k2, (counts.get(k2) ?? 0) + w);
      }
    }
  }
  const rowSum = new Float64Array(m);
  let total = 0;
  for (const [k, n] of counts) {
    rowSum[Math.floor(k / m)]! += n;
    total += n;
  }
  const alpha = 0.75;
  const ctx = new Float64Array(m);
  let ctxTotal = 0;
  for (let j = 0; j < m; j++) {
    ctx[j] = Math.pow(rowSum[j]!, alpha);
    ctxTotal += ctx[j]!;
  }
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (const [k, n] of counts) {
    const i = Math.floor(k / m);
    const j = k - i * m;
    const pmi = Math.log((n / total) / ((rowSum[i]! / total) * (ctx[j]! / ctxTotal)));
    if (pmi > 0) {
      r.push(i);
      c.push(j);
      v.push(pmi);
    }
  }
  return csrFromTriplets(m, m, r, c, v);
}
