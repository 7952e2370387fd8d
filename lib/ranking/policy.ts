// The ranking policy: how bugsift finds and orders candidates for every "what is like this?" question, in one
// place so the app and the evaluation gate measure the same thing.
//   - search (a short query typed by a person): the backend's hybridSearch, equal-weight RRF (SEARCH_FUSION);
//     a query the model maps to the zero vector ranks by keywords alone.
//   - duplicate check, the report page's "possible duplicates" and /api/reports/[id]/similar: weighted RRF
//     (DUPLICATE_FUSION) over a candidate pool deep enough to survive cluster collapse (duplicatePoolSize),
//     then one candidate per duplicate cluster (collapseClusters). The evaluation's hybrid ranker calls the
//     same rankDuplicateCandidates. The k clusters kept are shown in the order of the score they show
//     (orderByShownScore).
import { RRF_K, candidateCount, reciprocalRankFusion, type FusionOptions } from "@/lib/vector/hybrid";
import type { HybridHit, SearchFilter, VectorIndex } from "@/lib/vector/types";

/** Search fusion: dense and keyword sides weigh the same (what the backends' hybridSearch does by default). */
export const SEARCH_FUSION: Readonly<Required<Omit<FusionOptions, "candidates">>> = Object.freeze({
  k: RRF_K,
  denseWeight: 1,
  keywordWeight: 1,
});

/** Search hits for a typed query: hybrid when the query has a direction, else keywords alone. */
export async function rankSearchHits(
  index: Pick<VectorIndex, "hybridSearch" | "keywordSearch">,
  vector: Float32Array | null,
  query: string,
  limit: number,
  filter?: SearchFilter,
): Promise<HybridHit[]> {
  if (vector) return index.hybridSearch(vector, query, limit, filter);
  return reciprocalRankFusion([], await index.keywordSearch(query, limit, filter), limit, SEARCH_FUSION);
}

/**
 * Fusion for report-vs-report duplicate search. Chosen on held-out duplicates (docs/evaluation.md, time
 * splits 0.3/0.5/0.7 on the Hadoop and demo corpora): weighting the dense side 3x lifted the mean R@10 and
 * MRR on both corpora over equal weights (which lost R@10 to dense alone on Hadoop); k and the candidate
 * depth barely mattered, so k stays at the textbook 60. A long report is a poor keyword query on its own:
 * it shares many common words with unrelated reports, so BM25 is the weaker side here.
 */
export const DUPLICATE_FUSION: Readonly<Required<FusionOptions>> = Object.freeze({
  k: RRF_K,
  denseWeight: 3,
  keywordWeight: 1,
  candidates: 100,
});

/**
 * Windows the encoder runs for the report being checked (a draft, or a stored report's "similar" list): its
 * first 256 tokens (title, product/component, the start of the body); the stored reports keep every window the
 * encoder allows (16). Three in four real reports fit one window, but the few with long logs pasted in ran 16
 * windows per check, which set the check's latency at p99. On Apache Jira duplicates the head alone also ranked
 * better than every window (hybrid MRR +0.012 to +0.015 on each of three time splits, paired; R@10 +0.012 to
 * +0.017): the tail of a long report is mostly logs that other reports share (docs/performance-api.md,
 * "The draft's windows").
 */
export const DUPLICATE_QUERY_MAX_WINDOWS = 1;

/** Body characters sent to the keyword side: enough for identifiers near the top, bounded BM25 cost. */
export const DUPLICATE_KEYWORD_BODY_CHARS = 1000;

/** The keyword (BM25) query of a duplicate check: the title plus the start of the body. */
export function duplicateKeywordQuery(report: { title: string; description: string }): string {
  return `${report.title}\n${report.description.slice(0, DUPLICATE_KEYWORD_BODY_CHARS)}`;
}

/**
 * Ranks the candidates for "is this report a duplicate?": the dense neighbours of `vector` and the BM25
 * hits of the report's keyword query, fused by weighted RRF (DUPLICATE_FUSION), best first. Used by the
 * app's duplicate check (lib/dedup/find.ts) and by the evaluation's hybrid ranker, so the gate measures
 * exactly what the app serves. `vector` null (a text the model maps to the zero vector) ranks by keywords alone.
 */
export async function rankDuplicateCandidates(
  index: Pick<VectorIndex, "search" | "keywordSearch">,
  vector: Float32Array | null,
  report: { title: string; description: string },
  limit: number,
  filter?: SearchFilter,
  opts: FusionOptions = DUPLICATE_FUSION,
): Promise<HybridHit[]> {
  const fusion = { ...DUPLICATE_FUSION, ...opts };
  const n = candidateCount(limit, fusion);
  const dense = vector ? await index.search(vector, n, filter) : [];
  const keyword = await index.keywordSearch(duplicateKeywordQuery(report), n, filter);
  return reciprocalRankFusion(dense, keyword, limit, fusion);
}

/**
 * Candidates to fetch for k duplicate clusters: collapsing clusters and dropping ruled-out or excluded
 * reports removes hits, so the pool is over-fetched (bounded: each extra candidate costs a database row).
 */
export function duplicatePoolSize(k: number, excluded = 0): number {
  return Math.min(4 * k + 20 + excluded, 500);
}

/**
 * One candidate per duplicate cluster: the best-ranked member (`ids` are best first), skipping every cluster
 * that contains a report `skip` rejects (the report itself, its own cluster, reports ruled out by a triager).
 * Returns the kept ids in rank order with their cluster id.
 */
export function collapseClusters<C extends { id: number; members: number[] }>(
  ids: number[],
  clusterOf: (id: number) => C,
  skip: (member: number) => boolean = () => false,
): { id: number; rank: number; cluster: C }[] {
  const best = new Map<number, { id: number; rank: number; cluster: C }>();
  ids.forEach((id, rank) => {
    const c = clusterOf(id);
    if (best.has(c.id) || c.members.some(skip)) return;
    best.set(c.id, { id, rank, cluster: c });
  });
  return [...best.values()].sort((a, b) => a.rank - b.rank);
}

/**
 * The order a duplicate list is shown in: by the score it shows, best first (ties keep the fused rank). The fused
 * rank decides WHICH k clusters are shown (dense + keyword recall, what the evaluation measures as R@k); within
 * them, a list ordered by fused rank while showing cosine read as "0.31, 0.34, 0.27" and put a lower tier above a
 * higher one. Ordering by the shown cosine keeps score, tier and position in agreement.
 */
export function orderByShownScore<T extends { score: number; rank: number }>(shown: T[]): T[] {
  return [...shown].sort((a, b) => b.score - a.score || a.rank - b.rank);
}
