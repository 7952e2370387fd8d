// Side-by-side comparison of rankers on the held-out split, and the promotion gate for new models.
import path from "node:path";
import type { PrismaClient } from "@/lib/db/client";
import { loadCorpus, type EvalCorpus, type LoadCorpusOptions } from "@/lib/offline/eval/corpus";
import { DEFAULT_KS, pairedBootstrapDiff, type Interval, type MetricSummary } from "@/lib/offline/eval/metrics";
import { runProtocol, type EvalModel, type ModelRankerKind, type ProtocolOptions, type RankerKind, type RankerResult } from "@/lib/offline/eval/protocol";
import { DEFAULT_SPLIT, describeSplit, timeSplit, type HeldOutSplit, type SplitSpec } from "@/lib/offline/eval/split";

/** One ranker's metrics (depth is the table's, not repeated per row). */
export interface EvalRow extends Omit<MetricSummary, "depth"> {
  ranker: string;
  kind: RankerKind;
  model: string | null;
}

export interface EvalTable {
  split: string;
  /** ISO time of the split cutoff, when split by time. */
  cutoff: string | null;
  /** Held-out queries evaluated / duplicate queries in the corpus. */
  queries: number;
  totalQueries: number;
  reports: number;
  depth: number;
  ks: number[];
  evaluatedAt: string;
  rows: EvalRow[];
}

export interface EvaluateOptions extends ProtocolOptions {
  models: EvalModel[];
  split?: SplitSpec;
  corpus?: LoadCorpusOptions;
}

export interface Evaluation {
  table: EvalTable;
  results: RankerResult[];
  split: HeldOutSplit;
}

function rowOf(r: RankerResult): EvalRow {
  const s: MetricSummary = r.summary;
  return {
    ranker: r.ranker,
    kind: r.kind,
    model: r.model,
    n: s.n,
    recall: s.recall,
    recallCI: s.recallCI,
    mrr: s.mrr,
    mrrCI: s.mrrCI,
    map: s.map,
    mapCI: s.mapCI,
  };
}

/** Runs the protocol on an already loaded corpus (e.g. a CSV read without the app DB). */
export async function evaluateCorpus(corpus: EvalCorpus, opts: EvaluateOptions): Promise<Evaluation> {
  const spec = opts.split ?? DEFAULT_SPLIT;
  const split = timeSplit(corpus.reports, corpus.links, spec);
  if (split.queries.length === 0) {
    throw new Error(
      `no held-out duplicate queries (split ${describeSplit(spec)}, ${split.totalQueries} duplicate queries in ${corpus.reports.length} reports): import duplicate links first`,
    );
  }
  opts.onProgress?.(
    `split ${describeSplit(spec)}: ${split.queries.length} of ${split.totalQueries} duplicate queries held out` +
      (split.cutoff !== null ? ` (created from ${new Date(split.cutoff).toISOString()})` : "") +
      `, ${corpus.reports.length} reports`,
  );
  const results = await runProtocol(corpus, split, opts.models, opts);
  const ks = [...(opts.ks ?? DEFAULT_KS)];
  const table: EvalTable = {
    split: describeSplit(spec),
    cutoff: split.cutoff === null ? null : new Date(split.cutoff).toISOString(),
    queries: split.queries.length,
    totalQueries: split.totalQueries,
    reports: corpus.reports.length,
    depth: opts.depth ?? 100,
    ks,
    evaluatedAt: new Date().toISOString(),
    rows: results.map(rowOf),
  };
  return { table, results, split };
}

/** BM25 alone, then each model dense and hybrid, on the held-out split of the app DB. */
export async function evaluateModels(prisma: PrismaClient, opts: EvaluateOptions): Promise<Evaluation> {
  const corpus = await loadCorpus(prisma, opts.corpus);
  return evaluateCorpus(corpus, opts);
}

// --- output --------------------------------------------------------------------------------------------------

const f3 = (x: number) => x.toFixed(3);

/** Fixed-width text table; the last column is the Wilson 95% interval of the primary Recall@10. */
export function formatTable(t: EvalTable): string {
  const kCols = t.ks.map((k) => `R@${k}`);
  const ciK = t.ks.includes(10) ? 10 : t.ks[t.ks.length - 1]!;
  const header = ["ranker", ...kCols, "MRR", "MAP", "n", `R@${ciK} 95% CI`];
  const body = t.rows.map((r) => [
    r.ranker,
    ...t.ks.map((k) => f3(r.recall[k] ?? 0)),
    f3(r.mrr),
    f3(r.map),
    String(r.n),
    `[${f3(r.recallCI[ciK]!.low)}, ${f3(r.recallCI[ciK]!.high)}]`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const sep = widths.map((w) => "-".repeat(w)).join("  ");
  const title =
    `held-out split ${t.split}` +
    (t.cutoff ? ` (queries filed from ${t.cutoff.slice(0, 10)})` : "") +
    `: ${t.queries} queries of ${t.totalQueries}, ${t.reports} reports, depth ${t.depth}`;
  return [title, line(header), sep, ...body.map(line)].join("\n") + "\n";
}

/**
 * What the training scripts print after the gate: the table, then the decision line. `spaced` puts a blank
 * line before each (scripts/train.ts prints a summary above it).
 */
export function formatGate(gate: Pick<PromotionResult, "table" | "decision" | "reason">, spaced = false): string {
  const gap = spaced ? "\n" : "";
  return `${gap}${formatTable(gate.table)}\n${gap}gate: ${gate.decision}: ${gate.reason}`;
}

export function tableToJSON(t: EvalTable): string {
  return JSON.stringify(t, null, 2) + "\n";
}

// --- promotion gate ------------------------------------------------------------------------------------------

export type PrimaryMetric = `r@${number}` | "mrr" | "map";

export interface PromotionCriteria {
  /** Which ranker's numbers decide (default "hybrid", the app's duplicate-check ordering; "rerank" is that pool by cosine). */
  ranker: ModelRankerKind;
  /** Default "r@10". */
  primary: PrimaryMetric;
  /** Used only when the primary metric ties. Default "mrr". */
  tieBreak: PrimaryMetric;
  /** Candidate must beat the active model by more than this on the primary metric (default 0). */
  minDelta: number;
}

export const DEFAULT_CRITERIA: PromotionCriteria = { ranker: "hybrid", primary: "r@10", tieBreak: "mrr", minDelta: 0 };

export function metricValue(row: EvalRow, m: PrimaryMetric): number {
  if (m === "mrr") return row.mrr;
  if (m === "map") return row.map;
  const k = Number(m.slice(2));
  const v = row.recall[k];
  if (v === undefined) throw new Error(`metric ${m}: recall-rate@${k} was not computed (ks: ${Object.keys(row.recall).join(", ")})`);
  return v;
}

function perQuery(r: RankerResult, m: PrimaryMetric): number[] {
  if (m === "mrr") return r.scores.map((s) => s.reciprocalRank);
  if (m === "map") return r.scores.map((s) => s.averagePrecision);
  const k = Number(m.slice(2));
  return r.scores.map((s) => (s.firstRelevantRank !== null && s.firstRelevantRank <= k ? 1 : 0));
}

/** Throws on a criterion the evaluation cannot answer, before any model is loaded. */
export function validateCriteria(c: PromotionCriteria, ks: readonly number[] = DEFAULT_KS): void {
  if (!["hybrid", "dense", "rerank"].includes(c.ranker)) throw new Error(`promotion ranker must be "hybrid", "dense" or "rerank" (got "${String(c.ranker)}")`);
  for (const [name, m] of [["primary", c.primary], ["tieBreak", c.tieBreak]] as const) {
    if (m === "mrr" || m === "map") continue;
    const k = /^r@(\d+)$/.exec(String(m))?.[1];
    if (!k || !ks.includes(Number(k))) throw new Error(`promotion ${name} metric "${String(m)}" must be mrr, map or r@k with k in ${ks.join(", ")}`);
  }
  if (!(c.minDelta >= 0)) throw new Error(`promotion minDelta must be a number >= 0 (got ${c.minDelta})`);
}

// Floating means of the same integer counts can differ in the last bit; treat those as ties.
const EPS = 1e-12;

/** True when `cand` beats `active` under the criteria (strictly; ties on both metrics keep the active model). */
export function beats(cand: EvalRow, active: EvalRow, c: PromotionCriteria = DEFAULT_CRITERIA): { better: boolean; reason: string } {
  const a = metricValue(cand, c.primary);
  const b = metricValue(active, c.primary);
  const label = `${c.ranker} ${c.primary.toUpperCase()}`;
  if (a - b > c.minDelta + EPS) return { better: true, reason: `${label} ${f3(a)} > ${f3(b)}` };
  if (Math.abs(a - b) <= EPS && c.minDelta === 0) {
    const ta = metricValue(cand, c.tieBreak);
    const tb = metricValue(active, c.tieBreak);
    if (ta - tb > EPS) return { better: true, reason: `${label} tied at ${f3(a)}; ${c.tieBreak.toUpperCase()} ${f3(ta)} > ${f3(tb)}` };
    return { better: false, reason: `${label} tied at ${f3(a)}; ${c.tieBreak.toUpperCase()} ${f3(ta)} <= ${f3(tb)}` };
  }
  return { better: false, reason: `${label} ${f3(a)} does not beat ${f3(b)}${c.minDelta ? ` by more than ${c.minDelta}` : ""}` };
}

/** What gets stored in ModelVersion.metrics (JSON). */
export interface StoredMetrics {
  evaluatedAt: string;
  split: string;
  cutoff: string | null;
  queries: number;
  depth: number;
  bm25: EvalRow | null;
  dense: EvalRow;
  hybrid: EvalRow;
  /** The hybrid pool re-ordered by cosine (the duplicate check's ordering before fused ranking). */
  rerank: EvalRow;
  /** The gate decision this evaluation was part of. */
  gate?: {
    role: "candidate" | "active";
    candidateId: number;
    activeId: number | null;
    decision: PromotionDecision;
    reason: string;
    activation: Activation;
  };
}

export type PromotionDecision = "promoted" | "kept-inactive" | "already-active";

/**
 * How a winning candidate becomes active.
 * - "reindex" (default): start the app's reindex job with the candidate (lib/jobs/reindex). The job encodes
 *   the corpus into a new index generation and, when it commits, flips ModelVersion.active in one
 *   transaction. "Active" means "its vectors are in the live index" in this app, so this is the only
 *   safe way on a database the app serves. Uses the app's services (DATABASE_URL), so `prisma` must be a
 *   client for that same database.
 * - "flag": only flip ModelVersion.active (in the gate's transaction). For databases without a live
 *   index (scratch evaluation DBs, tests), or when the caller re-indexes itself.
 */
export type Activation = "reindex" | "flag";

export interface PromotionResult {
  decision: PromotionDecision;
  reason: string;
  candidate: { id: number; name: string; metrics: StoredMetrics };
  active: { id: number; name: string; metrics: StoredMetrics } | null;
  /** Paired bootstrap of candidate - active on the primary metric (same queries). */
  difference: { diff: number; ci: Interval; pBetter: number } | null;
  activation: Activation;
  /** The reindex job that activates the candidate ("reindex" activation, decision "promoted"). */
  reindexJob?: { id: string; state: string; error: string | null };
  table: EvalTable;
}

export interface PromoteOptions extends ProtocolOptions {
  split?: SplitSpec;
  criteria?: Partial<PromotionCriteria>;
  corpus?: LoadCorpusOptions;
  /** Resolve ModelVersion.path against this dir (default process.cwd()). */
  baseDir?: string;
  /** Default "reindex"; see Activation. */
  activation?: Activation;
  /** "reindex" activation: wait for the job to finish (CLI) instead of returning once it started. */
  waitForReindex?: boolean;
  /** "reindex" activation: progress of the reindex job. */
  onReindexProgress?: (done: number, total: number) => void;
}

function storedFor(table: EvalTable, model: string): StoredMetrics {
  const row = (kind: RankerKind) => table.rows.find((r) => r.kind === kind && (kind === "bm25" || r.model === model)) ?? null;
  const dense = row("dense");
  const hybrid = row("hybrid");
  const rerank = row("rerank");
  if (!dense || !hybrid || !rerank) throw new Error(`evaluation table has no dense/hybrid/rerank rows for model "${model}"`);
  return {
    evaluatedAt: table.evaluatedAt,
    split: table.split,
    cutoff: table.cutoff,
    queries: table.queries,
    depth: table.depth,
    bm25: row("bm25"),
    dense,
    hybrid,
    rerank,
  };
}

/**
 * Evaluates the candidate ModelVersion and the active one on the held-out split, stores the metrics on
 * both, and activates the candidate only if it beats the active model (default: hybrid Recall@10, ties
 * broken by MRR). With no active model the candidate is promoted. The metric writes (and, for "flag"
 * activation, the flag flip) are one transaction that first re-checks the active model: if it changed
 * while the evaluation ran, nothing is written and an Error is thrown (re-run the gate). Either way
 * exactly one model is active afterwards ("reindex" activation: once the job commits).
 */
export async function evaluateAndMaybePromote(
  prisma: PrismaClient,
  candidateModelVersionId: number,
  opts: PromoteOptions = {},
): Promise<PromotionResult> {
  const criteria: PromotionCriteria = { ...DEFAULT_CRITERIA, ...opts.criteria };
  validateCriteria(criteria, opts.ks ?? DEFAULT_KS);
  const activation: Activation = opts.activation ?? "reindex";
  if (activation !== "reindex" && activation !== "flag") throw new Error(`activation must be "reindex" or "flag" (got "${String(activation)}")`);
  const base = opts.baseDir ?? process.cwd();
  const candidate = await prisma.modelVersion.findUnique({ where: { id: candidateModelVersionId } });
  if (!candidate) throw new Error(`ModelVersion ${candidateModelVersionId} does not exist`);
  const actives = await prisma.modelVersion.findMany({ where: { active: true }, orderBy: { id: "asc" } });
  if (actives.length > 1) {
    throw new Error(`${actives.length} ModelVersions are active (${actives.map((m) => m.id).join(", ")}); expected at most one`);
  }
  const active = actives[0] ?? null;
  const alreadyActive = active?.id === candidate.id;
  const models: EvalModel[] = [{ name: candidate.name, dir: path.resolve(base, candidate.path) }];
  if (active && !alreadyActive) models.push({ name: active.name, dir: path.resolve(base, active.path) });

  const { table, results } = await evaluateModels(prisma, {
    ...opts,
    models,
    split: opts.split,
    modelRankers: ["dense", "hybrid", "rerank"],
  });
  const candMetrics = storedFor(table, candidate.name);
  const actMetrics = active && !alreadyActive ? storedFor(table, active.name) : null;

  let decision: PromotionDecision;
  let reason: string;
  let difference: PromotionResult["difference"] = null;
  if (alreadyActive) {
    decision = "already-active";
    reason = `ModelVersion ${candidate.id} is already the active model; metrics refreshed`;
  } else if (!active || !actMetrics) {
    decision = "promoted";
    reason = "no active model";
  } else {
    const verdict = beats(candMetrics[criteria.ranker], actMetrics[criteria.ranker], criteria);
    decision = verdict.better ? "promoted" : "kept-inactive";
    reason = verdict.reason;
    const rc = results.find((r) => r.kind === criteria.ranker && r.model === candidate.name)!;
    const ra = results.find((r) => r.kind === criteria.ranker && r.model === active.name)!;
    difference = pairedBootstrapDiff(perQuery(rc, criteria.primary), perQuery(ra, criteria.primary), opts.bootstrap);
  }
  const gate = { candidateId: candidate.id, activeId: active?.id ?? null, decision, reason, activation };
  candMetrics.gate = { role: "candidate", ...gate };
  if (actMetrics) actMetrics.gate = { role: "active", ...gate };

  await prisma.$transaction(async (tx) => {
    const nowActive = await tx.modelVersion.findMany({ where: { active: true }, select: { id: true } });
    const expected = active ? [active.id] : [];
    if (nowActive.length !== expected.length || nowActive.some((m) => !expected.includes(m.id))) {
      throw new Error(
        `the active model changed during evaluation (was ${expected.join(",") || "none"}, now ${nowActive.map((m) => m.id).join(",") || "none"}); nothing was written, re-run the gate`,
      );
    }
    if (actMetrics && active) {
      await tx.modelVersion.update({ where: { id: active.id }, data: { metrics: JSON.stringify(actMetrics) } });
    }
    const flip = decision === "promoted" && activation === "flag";
    if (flip) await tx.modelVersion.updateMany({ where: { active: true }, data: { active: false } });
    await tx.modelVersion.update({
      where: { id: candidate.id },
      data: { metrics: JSON.stringify(candMetrics), ...(flip ? { active: true } : {}) },
    });
  });

  let reindexJob: PromotionResult["reindexJob"];
  if (decision === "promoted" && activation === "reindex") {
    // Loaded lazily: the serving services (encoder, index) are never needed on the "flag" path. The Core
    // shares this caller's database client and closes only the index it opened, once the job is over.
    const [{ startReindex }, { Core }, { config }] = await Promise.all([
      import("@/lib/jobs/reindex"),
      import("@/lib/core"),
      import("@/lib/config"),
    ]);
    const core = new Core(config(), prisma);
    try {
      const { job, done } = await startReindex(core, { modelVersionId: candidate.id, onProgress: opts.onReindexProgress });
      const closed = done.finally(() => core.close({ withDb: false }));
      closed.catch(() => undefined);
      const final = opts.waitForReindex ? await closed : job;
      reindexJob = { id: final.id, state: final.state, error: final.error };
    } catch (e) {
      await core.close({ withDb: false }).catch(() => undefined);
      throw new Error(
        `ModelVersion ${candidate.id} (${candidate.name}) passed the gate (${reason}) and its metrics are stored, ` +
          `but the reindex that activates it could not start: ${(e as Error).message}. ` +
          `Activate it later with: npm run reindex -- --model-version ${candidate.id}`,
      );
    }
  }

  return {
    decision,
    reason,
    activation,
    ...(reindexJob ? { reindexJob } : {}),
    candidate: { id: candidate.id, name: candidate.name, metrics: candMetrics },
    active: active && actMetrics ? { id: active.id, name: active.name, metrics: actMetrics } : null,
    difference,
    table,
  };
}
