// The retrieval protocol that gates every model.
//
// For each held-out query report q (a later member of a duplicate group), rank the reports created
// before q (createdBefore filter, q itself excluded) and score the ranking against q's relevant set
// (earlier members of its group). This mirrors filing time: a triager can only be pointed at reports
// that already exist.
//
// Every model gets its own throw-away index in a temp SQLite file filled with that model's vectors, so
// the app's live index is never touched. The BM25 ranker only depends on the text, so it runs once.
// Documents and queries are encoded with the same report-text builder the indexer uses.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Encoder } from "@/lib/embedding/types";
import type { Hit, IndexPoint, SearchFilter, VectorIndex } from "@/lib/vector/types";
import { loadEvalEncoder, openEvalIndex, reportTextFor } from "@/lib/offline/eval/backend";
import { storedVector } from "@/lib/corpus/vectors";
import { dot, hasDirection } from "@/lib/math";
import { DUPLICATE_QUERY_MAX_WINDOWS, duplicatePoolSize, rankDuplicateCandidates } from "@/lib/ranking/policy";
import type { CorpusReport, EvalCorpus } from "@/lib/offline/eval/corpus";
import { DEFAULT_KS, scoreQuery, summarize, type MetricSummary, type QueryScore } from "@/lib/offline/eval/metrics";
import { before, type HeldOutSplit } from "@/lib/offline/eval/split";

export type RankerKind = "bm25" | "dense" | "hybrid" | "rerank";
export type ModelRankerKind = Exclude<RankerKind, "bm25">;

export interface EvalModel {
  /** Label in tables, e.g. a ModelVersion name or the directory's basename. */
  name: string;
  /** Sentence-transformers ONNX model directory. */
  dir: string;
}

export interface RankerResult {
  /** "bm25", "dense:<model>" or "hybrid:<model>". */
  ranker: string;
  kind: RankerKind;
  model: string | null;
  scores: QueryScore[];
  summary: MetricSummary;
  /** Top-`keepTop` ranked ids per query id, when requested (for error analysis). */
  rankings?: Record<number, number[]>;
}

export interface ProtocolOptions {
  /** Ranking depth per query; MRR/MAP are computed at this depth. Default 100. */
  depth?: number;
  ks?: readonly number[];
  /** Run the BM25 ranker (default true). */
  bm25?: boolean;
  /**
   * Which rankers to run per model (default dense and hybrid). "hybrid" is the app's duplicate ranking
   * (lib/ranking/policy.ts rankDuplicateCandidates, also used by lib/dedup/find.ts). "rerank" is the same
   * candidate pool re-ordered by cosine similarity (the app's ordering before fused ranking; kept for comparison).
   */
  modelRankers?: ReadonlyArray<ModelRankerKind>;
  /** Parent dir for the temp index files (default os.tmpdir()). */
  tmpDir?: string;
  /** Keep this many top ids per query in the result. */
  keepTop?: number;
  /** Progress lines (the CLI sends them to stderr). */
  onProgress?: (line: string) => void;
  /** Encoding batch size. */
  batchSize?: number;
  /**
   * Window cap for the query's own vector (default: the duplicate check's, DUPLICATE_QUERY_MAX_WINDOWS); the
   * documents keep every window. Each query is encoded on its own, as the app encodes a draft.
   */
  queryMaxWindows?: number;
  /** Overrides for tests / other backends. */
  openIndex?: (file: string, dims: number) => Promise<VectorIndex>;
  loadEncoder?: (dir: string) => Promise<Encoder>;
  bootstrap?: { resamples?: number; seed?: number };
}

export function rankerLabel(kind: RankerKind, model: string | null): string {
  return kind === "bm25" ? "bm25" : `${kind}:${model}`;
}

/** Search filter for query q: strictly earlier reports in (createdAt, id) order, q itself excluded. */
export function filterFor(q: CorpusReport, sameInstant: readonly CorpusReport[]): SearchFilter {
  // createdBefore is exclusive, so +1 ms admits reports filed in the same instant; of those, the ones
  // ordered after q by id (and q itself) are excluded explicitly.
  const excludeIds = [q.id, ...sameInstant.filter((r) => r.id !== q.id && !before(r, q)).map((r) => r.id)];
  return { createdBefore: q.createdAt + 1, excludeIds };
}

/** The query/document text of a report for the keyword side: title + description, as the index stores it. */
export function keywordQueryText(r: CorpusReport): string {
  return `${r.title}\n${r.description}`;
}

/** Candidate pool of the app's duplicate check for a top-k (lib/ranking/policy.ts duplicatePoolSize). */
export function rerankPool(k: number): number {
  return duplicatePoolSize(k);
}

interface PreparedQuery {
  report: CorpusReport;
  relevant: number[];
  filter: SearchFilter;
}

function prepareQueries(corpus: EvalCorpus, split: HeldOutSplit): PreparedQuery[] {
  const byId = new Map(corpus.reports.map((r) => [r.id, r]));
  const byInstant = new Map<number, CorpusReport[]>();
  for (const r of corpus.reports) {
    let a = byInstant.get(r.createdAt);
    if (!a) byInstant.set(r.createdAt, (a = []));
    a.push(r);
  }
  return split.queries.map((q) => {
    const report = byId.get(q.queryId);
    if (!report) throw new Error(`split query ${q.queryId} is not in the corpus`);
    return { report, relevant: q.relevant, filter: filterFor(report, byInstant.get(report.createdAt)!) };
  });
}

/** Throws if a ranker returned a report that was not filed before the query (a leak of future reports). */
function checkTemporal(q: CorpusReport, hits: readonly Hit[], byId: Map<number, CorpusReport>, ranker: string): number[] {
  const ids: number[] = [];
  for (const h of hits) {
    const r = byId.get(h.id);
    if (!r) throw new Error(`${ranker}: hit ${h.id} for query ${q.id} is not in the evaluation corpus`);
    if (r.id === q.id || !before(r, q)) {
      throw new Error(
        `${ranker}: query ${q.id} (${new Date(q.createdAt).toISOString()}) got candidate ${r.id} created ${new Date(r.createdAt).toISOString()}, not before it`,
      );
    }
    ids.push(h.id);
  }
  return ids;
}

function point(r: CorpusReport, vector: Float32Array): IndexPoint {
  return {
    id: r.id,
    vector,
    meta: { product: r.product, component: r.component, status: r.status, createdAt: r.createdAt },
    text: { title: r.title, body: r.description },
  };
}

async function fillIndex(
  index: VectorIndex,
  reports: readonly CorpusReport[],
  vectors: (i: number) => Float32Array,
  progress: (done: number) => void,
): Promise<void> {
  const B = 500;
  for (let i = 0; i < reports.length; i += B) {
    const batch = reports.slice(i, i + B).map((r, j) => point(r, vectors(i + j)));
    await index.upsert(batch);
    progress(Math.min(reports.length, i + B));
  }
}

function makeResult(
  kind: RankerKind,
  model: string | null,
  scores: QueryScore[],
  rankings: Record<number, number[]> | undefined,
  opts: ProtocolOptions,
  depth: number,
): RankerResult {
  return {
    ranker: rankerLabel(kind, model),
    kind,
    model,
    scores,
    summary: summarize(scores, { ks: opts.ks ?? DEFAULT_KS, depth, bootstrap: opts.bootstrap }),
    ...(rankings ? { rankings } : {}),
  };
}

/**
 * Runs BM25 (once) and dense + hybrid for every model over the split's queries. Results come back in
 * the order: bm25, then per model dense, hybrid.
 */
export async function runProtocol(
  corpus: EvalCorpus,
  split: HeldOutSplit,
  models: readonly EvalModel[],
  opts: ProtocolOptions = {},
): Promise<RankerResult[]> {
  const depth = opts.depth ?? 100;
  const ks = opts.ks ?? DEFAULT_KS;
  const maxK = Math.max(...ks);
  if (!Number.isInteger(depth) || depth < maxK) throw new Error(`ranking depth must be an integer >= ${maxK} (got ${depth})`);
  const names = new Set<string>();
  for (const m of models) {
    if (!m.name) throw new Error(`model ${m.dir}: empty name`);
    if (names.has(m.name)) throw new Error(`model name "${m.name}" given twice; names label the table rows`);
    names.add(m.name);
  }
  const say = opts.onProgress ?? (() => {});
  const queryMaxWindows = opts.queryMaxWindows ?? DUPLICATE_QUERY_MAX_WINDOWS;
  const openIndex = opts.openIndex ?? openEvalIndex;
  const loadEncoder = opts.loadEncoder ?? loadEvalEncoder;
  const modelRankers = opts.modelRankers ?? ["dense", "hybrid"];
  const runBm25 = opts.bm25 ?? true;
  const byId = new Map(corpus.reports.map((r) => [r.id, r]));
  const queries = prepareQueries(corpus, split);
  const keep = opts.keepTop ?? 0;
  const score = (q: PreparedQuery, ranked: number[], rankings?: Record<number, number[]>) => {
    if (rankings) rankings[q.report.id] = ranked.slice(0, keep);
    return scoreQuery(q.report.id, ranked, q.relevant);
  };

  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), "bugsift-eval-"));
  const results: RankerResult[] = [];
  try {
    // BM25 without any model still needs a vector column; a constant 1-d vector keeps that index tiny.
    if (runBm25 && models.length === 0) {
      const index = await openIndex(path.join(tmp, "bm25.db"), 1);
      try {
        const one = Float32Array.of(1);
        say(`bm25: indexing ${corpus.reports.length} reports`);
        await fillIndex(index, corpus.reports, () => one, () => {});
        results.push(await runKeyword(index, queries, byId, score, keep, opts, depth, say));
      } finally {
        await index.close();
      }
    }
    for (const [mi, model] of models.entries()) {
      say(`${model.name}: loading encoder from ${model.dir}`);
      const encoder = await loadEncoder(model.dir);
      let vectors: Float32Array[];
      // Per query, its vector as the app's check computes it: `check` is what the duplicate check ranks with (null for
      // a zero vector: the check then has no dense side); `search` has the stand-in the index would store instead.
      const queryVectors = new Map<number, { check: Float32Array | null; search: Float32Array }>();
      try {
        const texts = corpus.reports.map(reportTextFor);
        const t0 = Date.now();
        let lastSay = 0;
        vectors = await encoder.encode(texts, {
          batchSize: opts.batchSize,
          onProgress: (done, total) => {
            if (Date.now() - lastSay > 5000 || done === total) {
              lastSay = Date.now();
              say(`${model.name}: encoded ${done}/${total} reports (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            }
          },
        });
        for (const q of queries) {
          const [raw] = await encoder.encode([reportTextFor(q.report)], { maxWindows: queryMaxWindows });
          queryVectors.set(q.report.id, { check: hasDirection(raw) ? raw! : null, search: storedVector(q.report.id, raw!, encoder.dims) });
        }
        say(`${model.name}: encoded ${queries.length} queries as drafts (at most ${queryMaxWindows} windows each)`);
      } finally {
        await encoder.close();
      }
      // As the app indexes them: a text the model maps to the zero vector gets a unit stand-in (the index rejects zero).
      vectors = vectors.map((v, i) => storedVector(corpus.reports[i]!.id, v, encoder.dims));
      const vecIndex = new Map(corpus.reports.map((r, i) => [r.id, i]));
      const file = path.join(tmp, `model-${mi}.db`);
      const index = await openIndex(file, encoder.dims);
      try {
        await fillIndex(index, corpus.reports, (i) => vectors[i]!, (done) => {
          if (done === corpus.reports.length) say(`${model.name}: indexed ${done} reports`);
        });
        if (runBm25 && mi === 0) results.push(await runKeyword(index, queries, byId, score, keep, opts, depth, say));
        for (const kind of modelRankers) {
          const label = rankerLabel(kind, model.name);
          const rankings = keep ? ({} as Record<number, number[]>) : undefined;
          const scores: QueryScore[] = [];
          for (const q of queries) {
            const { check: qv, search: v } = queryVectors.get(q.report.id)!;
            let hits: Hit[];
            if (kind === "dense") hits = await index.search(v, depth, q.filter);
            else if (kind === "hybrid") hits = await rankDuplicateCandidates(index, qv, q.report, depth, q.filter);
            else {
              const pool = await rankDuplicateCandidates(index, qv, q.report, Math.max(depth, rerankPool(depth)), q.filter);
              hits = pool
                .map((h) => ({ id: h.id, score: h.denseScore ?? dot(v, vectors[vecIndex.get(h.id)!]!) }))
                .sort((a, b) => b.score - a.score || a.id - b.id)
                .slice(0, depth);
            }
            scores.push(score(q, checkTemporal(q.report, hits, byId, label), rankings));
          }
          const res = makeResult(kind, model.name, scores, rankings, opts, depth);
          say(`${label}: R@10 ${res.summary.recall[10]?.toFixed(3) ?? "-"} MRR ${res.summary.mrr.toFixed(3)} over ${scores.length} queries`);
          results.push(res);
        }
      } finally {
        await index.close();
        fs.rmSync(file, { force: true });
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // Keep the documented order (bm25 first) even though BM25 ran inside the first model's pass.
  return [...results.filter((r) => r.kind === "bm25"), ...results.filter((r) => r.kind !== "bm25")];
}

async function runKeyword(
  index: VectorIndex,
  queries: PreparedQuery[],
  byId: Map<number, CorpusReport>,
  score: (q: PreparedQuery, ranked: number[], rankings?: Record<number, number[]>) => QueryScore,
  keep: number,
  opts: ProtocolOptions,
  depth: number,
  say: (line: string) => void,
): Promise<RankerResult> {
  const rankings = keep ? ({} as Record<number, number[]>) : undefined;
  const scores: QueryScore[] = [];
  for (const q of queries) {
    const hits = await index.keywordSearch(keywordQueryText(q.report), depth, q.filter);
    scores.push(score(q, checkTemporal(q.report, hits, byId, "bm25"), rankings));
  }
  const res = makeResult("bm25", null, scores, rankings, opts, depth);
  say(`bm25: R@10 ${res.summary.recall[10]?.toFixed(3) ?? "-"} MRR ${res.summary.mrr.toFixed(3)} over ${scores.length} queries`);
  return res;
}
