// Quality over several held-out splits. One time split gives one cutoff's view; averaging the splits
// 0.3/0.5/0.7 says whether a ranking holds across periods of the tracker's history. Each split's fine-tuned
// models are trained on that split's training period only, so the same row label ("hybrid:minilm-ft") names
// a different model per split: what is averaged is the *recipe*, as a user would apply it.
//
// Interval: a stratified percentile bootstrap. Each resample draws every split's queries with replacement,
// computes the metric per split and averages over splits, so the interval reflects query sampling in each
// split (the splits share queries, so they are not treated as independent replicates of each other).
import { DEFAULT_KS, hitAt, mulberry32, quantileSorted, type Interval, type QueryScore } from "@/lib/offline/eval/metrics";
import type { RankerResult } from "@/lib/offline/eval/protocol";

export interface SplitRun {
  split: string;
  results: readonly RankerResult[];
}

export type MetricName = `r@${number}` | "mrr" | "map";

export interface AcrossRow {
  ranker: string;
  /** Splits this ranker was evaluated on (a row missing from a split is averaged over the rest, and says so). */
  splits: string[];
  /** Queries per split, in `splits` order. */
  n: number[];
  mean: Record<MetricName, number>;
  ci: Record<MetricName, Interval>;
}

function metricOf(name: MetricName): (s: QueryScore) => number {
  if (name === "mrr") return (s) => s.reciprocalRank;
  if (name === "map") return (s) => s.averagePrecision;
  const k = Number(name.slice(2));
  return (s) => hitAt(s, k);
}

const avg = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function metricNames(ks: readonly number[] = DEFAULT_KS): MetricName[] {
  return [...ks.map((k) => `r@${k}` as MetricName), "mrr", "map"];
}

/** Mean over splits of each metric, with a stratified bootstrap 95% interval. Rows keep first-seen order. */
export function aggregateAcrossSplits(
  runs: readonly SplitRun[],
  opts: { ks?: readonly number[]; resamples?: number; seed?: number; level?: number } = {},
): AcrossRow[] {
  const names = metricNames(opts.ks);
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const order: string[] = [];
  const byRanker = new Map<string, Array<{ split: string; scores: readonly QueryScore[] }>>();
  for (const run of runs) {
    for (const r of run.results) {
      if (!byRanker.has(r.ranker)) {
        byRanker.set(r.ranker, []);
        order.push(r.ranker);
      }
      byRanker.get(r.ranker)!.push({ split: run.split, scores: r.scores });
    }
  }
  return order.map((ranker) => {
    const parts = byRanker.get(ranker)!.filter((p) => p.scores.length > 0);
    const mean = {} as Record<MetricName, number>;
    const ci = {} as Record<MetricName, Interval>;
    for (const name of names) {
      const f = metricOf(name);
      const perSplit = parts.map((p) => p.scores.map(f));
      mean[name] = avg(perSplit.map(avg));
      // Same seed for every metric and ranker: rankers are resampled on the same query draws.
      const rand = mulberry32(opts.seed ?? 12345);
      const reps = new Array<number>(B);
      for (let b = 0; b < B; b++) {
        let total = 0;
        for (const values of perSplit) {
          let s = 0;
          for (let i = 0; i < values.length; i++) s += values[Math.floor(rand() * values.length)]!;
          total += s / values.length;
        }
        reps[b] = perSplit.length ? total / perSplit.length : 0;
      }
      reps.sort((x, y) => x - y);
      ci[name] = { low: quantileSorted(reps, (1 - level) / 2), high: quantileSorted(reps, 1 - (1 - level) / 2) };
    }
    return { ranker, splits: parts.map((p) => p.split), n: parts.map((p) => p.scores.length), mean, ci };
  });
}

const f3 = (x: number) => x.toFixed(3);

/** Markdown table: mean over splits, R@10 and MRR with their intervals. */
export function formatAcrossSplits(rows: readonly AcrossRow[], ks: readonly number[] = DEFAULT_KS): string {
  const header = ["ranker", ...ks.map((k) => `R@${k}`), "MRR", "MAP", "R@10 95% CI", "MRR 95% CI", "queries per split"];
  const lines = rows.map((r) => [
    r.ranker,
    ...ks.map((k) => f3(r.mean[`r@${k}`])),
    f3(r.mean.mrr),
    f3(r.mean.map),
    r.ci["r@10"] ? `[${f3(r.ci["r@10"].low)}, ${f3(r.ci["r@10"].high)}]` : "-",
    `[${f3(r.ci.mrr.low)}, ${f3(r.ci.mrr.high)}]`,
    r.n.join("/"),
  ]);
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [row(header), row(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...lines.map(row)].join("\n") + "\n";
}
