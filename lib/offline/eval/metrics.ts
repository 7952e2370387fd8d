// Standard duplicate-retrieval metrics (as used in the bug-deduplication literature: Sun et al. 2011,
// Deshmukh et al. 2017, Rakha et al. 2018). Every metric is a mean over queries of a per-query score,
// so per-query scores are kept: that lets two rankers be compared query by query (paired bootstrap).
//
// Definitions, for one query with ranked candidate list L (best first) and relevant set R (the reports
// of the same duplicate group created before the query):
//   Recall-rate@k  1 if any of the first k entries of L is in R, else 0 (the "recall rate" of
//                  duplicate detection: did the triager see at least one true duplicate in the top k?)
//   RR             1 / rank of the first relevant entry (rank is 1-based), 0 when none is retrieved
//   AP             (1/|R|) * sum over relevant entries at rank i of precision@i; relevant reports that
//                  were not retrieved at all contribute 0 (so AP is "at the retrieval depth")
import { mulberry32 } from "@/lib/random";

export const DEFAULT_KS = [1, 5, 10, 20] as const;

export interface QueryScore {
  queryId: number;
  /** 1-based rank of the first relevant candidate; null when none was retrieved. */
  firstRelevantRank: number | null;
  /** Ranks (1-based) of every relevant candidate retrieved, ascending. */
  relevantRanks: number[];
  /** |R|: relevant reports that exist for this query (retrieved or not). */
  relevantCount: number;
  averagePrecision: number;
  reciprocalRank: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface MetricSummary {
  n: number;
  /** Recall-rate@k keyed by k. */
  recall: Record<number, number>;
  /** Wilson 95% score interval of each Recall-rate@k. */
  recallCI: Record<number, Interval>;
  mrr: number;
  mrrCI: Interval;
  map: number;
  mapCI: Interval;
  /** Deepest rank looked at; MRR and MAP are "@depth". */
  depth: number;
}

/** Scores one query. `ranked` is the candidate list best first; `relevant` the true duplicates. */
export function scoreQuery(queryId: number, ranked: readonly number[], relevant: ReadonlySet<number> | readonly number[]): QueryScore {
  const rel = relevant instanceof Set ? relevant : new Set(relevant as readonly number[]);
  if (rel.size === 0) throw new Error(`query ${queryId} has no relevant reports; it cannot be scored`);
  const seen = new Set<number>();
  const relevantRanks: number[] = [];
  let rank = 0;
  for (const id of ranked) {
    // A ranker returning the same id twice would inflate AP; count each candidate once, at its best rank.
    if (seen.has(id)) continue;
    seen.add(id);
    rank++;
    if (rel.has(id)) relevantRanks.push(rank);
  }
  let apSum = 0;
  relevantRanks.forEach((r, i) => {
    apSum += (i + 1) / r; // precision at the (i+1)-th relevant hit
  });
  const first = relevantRanks[0] ?? null;
  return {
    queryId,
    firstRelevantRank: first,
    relevantRanks,
    relevantCount: rel.size,
    averagePrecision: apSum / rel.size,
    reciprocalRank: first === null ? 0 : 1 / first,
  };
}

export function hitAt(score: QueryScore, k: number): number {
  return score.firstRelevantRank !== null && score.firstRelevantRank <= k ? 1 : 0;
}

/** Recall-rate@k: fraction of queries with a relevant report in the top k. */
export function recallRate(scores: readonly QueryScore[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`recall-rate cutoff k must be a positive integer (got ${k})`);
  return mean(scores.map((s) => hitAt(s, k)));
}

export function meanReciprocalRank(scores: readonly QueryScore[]): number {
  return mean(scores.map((s) => s.reciprocalRank));
}

export function meanAveragePrecision(scores: readonly QueryScore[]): number {
  return mean(scores.map((s) => s.averagePrecision));
}

function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Wilson score interval for a binomial proportion (successes out of n). Preferred over the normal
 * approximation because it stays inside [0, 1] and behaves at p = 0 or 1 with small n (a few dozen queries).
 */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): Interval {
  if (!Number.isInteger(n) || n < 0) throw new Error(`Wilson interval needs a non-negative integer n (got ${n})`);
  if (successes < 0 || successes > n) throw new Error(`Wilson interval: successes ${successes} outside [0, ${n}]`);
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Seeded so bootstrap intervals are reproducible run to run. */
export { mulberry32 };

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Two-sided confidence level; 0.95 by default. */
  level?: number;
}

/** Linear-interpolated quantile of an ascending-sorted array (type 7, the R / numpy default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile of an empty sample");
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Percentile-bootstrap interval of the mean of `values` (resampling queries with replacement). */
export function bootstrapMeanInterval(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  const n = values.length;
  if (n === 0) return { low: 0, high: 0 };
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const rand = mulberry32(opts.seed ?? 12345);
  const means = new Array<number>(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rand() * n)]!;
    means[b] = s / n;
  }
  means.sort((x, y) => x - y);
  return { low: quantileSorted(means, (1 - level) / 2), high: quantileSorted(means, 1 - (1 - level) / 2) };
}

/**
 * Paired bootstrap of mean(a) - mean(b) over the same queries (a[i] and b[i] belong to query i).
 * `pBetter` is the fraction of resamples where a beats b: a cheap read of how stable a win is on few queries.
 */
export function pairedBootstrapDiff(
  a: readonly number[],
  b: readonly number[],
  opts: BootstrapOptions = {},
): { diff: number; ci: Interval; pBetter: number } {
  if (a.length !== b.length) throw new Error(`paired bootstrap needs equal-length samples (${a.length} vs ${b.length})`);
  const d = a.map((x, i) => x - b[i]!);
  const n = d.length;
  if (n === 0) return { diff: 0, ci: { low: 0, high: 0 }, pBetter: 0 };
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const rand = mulberry32(opts.seed ?? 12345);
  const means = new Array<number>(B);
  let better = 0;
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(rand() * n)]!;
    means[r] = s / n;
    if (s > 0) better++;
  }
  means.sort((x, y) => x - y);
  return {
    diff: mean(d),
    ci: { low: quantileSorted(means, (1 - level) / 2), high: quantileSorted(means, 1 - (1 - level) / 2) },
    pBetter: better / B,
  };
}

/** All summary metrics with 95% intervals: Wilson for recall-rates, percentile bootstrap for MRR and MAP. */
export function summarize(
  scores: readonly QueryScore[],
  opts: { ks?: readonly number[]; depth: number; bootstrap?: BootstrapOptions },
): MetricSummary {
  const ks = opts.ks ?? DEFAULT_KS;
  const recall: Record<number, number> = {};
  const recallCI: Record<number, Interval> = {};
  for (const k of ks) {
    if (k > opts.depth) throw new Error(`recall-rate@${k} needs ranking depth >= ${k} (depth is ${opts.depth})`);
    const hits = scores.reduce((s, q) => s + hitAt(q, k), 0);
    recall[k] = scores.length ? hits / scores.length : 0;
    recallCI[k] = wilsonInterval(hits, scores.length);
  }
  return {
    n: scores.length,
    recall,
    recallCI,
    mrr: meanReciprocalRank(scores),
    mrrCI: bootstrapMeanInterval(scores.map((s) => s.reciprocalRank), opts.bootstrap),
    map: meanAveragePrecision(scores),
    mapCI: bootstrapMeanInterval(scores.map((s) => s.averagePrecision), opts.bootstrap),
    depth: opts.depth,
  };
}
