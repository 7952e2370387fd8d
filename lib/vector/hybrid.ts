// Reciprocal-rank fusion of a dense (cosine) and a keyword (BM25) result list.
// Raw scores of the two sides are not comparable, ranks are: score(d) = sum_side w_side / (k + rank_side(d)).
// Every fused hit keeps its per-side rank and score so the UI can explain why it was returned.
// These are the mechanics the backends' hybridSearch uses; which weights and depths the app asks for is the
// ranking policy (lib/ranking/policy.ts).
import type { Hit, HybridHit } from "@/lib/vector/types";

export interface FusionOptions {
  /** RRF constant; 60 is the value from Cormack et al. (2009). */
  k?: number;
  denseWeight?: number;
  keywordWeight?: number;
  /** Candidates fetched from each side before fusing; default max(3k, 100). */
  candidates?: number;
}

export const RRF_K = 60;

export interface ResolvedFusion {
  k: number;
  denseWeight: number;
  keywordWeight: number;
}

export function resolveFusion(opts: FusionOptions = {}): ResolvedFusion {
  const r = { k: opts.k ?? RRF_K, denseWeight: opts.denseWeight ?? 1, keywordWeight: opts.keywordWeight ?? 1 };
  if (!Number.isFinite(r.k) || r.k < 0) throw new Error(`hybrid: RRF k must be a finite number >= 0, got ${r.k}`);
  for (const [name, w] of [["denseWeight", r.denseWeight], ["keywordWeight", r.keywordWeight]] as const) {
    if (!Number.isFinite(w) || w < 0) throw new Error(`hybrid: ${name} must be a finite number >= 0, got ${w}`);
  }
  return r;
}

/** How many hits to take from each side for a fused top-k. */
export function candidateCount(k: number, opts: FusionOptions = {}): number {
  return Math.max(k, opts.candidates ?? Math.max(3 * k, 100));
}

/**
 * Fuses two ranked lists (best first). Ranks are 1-based. Ties are broken by the better dense rank, then
 * the better keyword rank, then the smaller id, so the output is deterministic.
 */
export function reciprocalRankFusion(
  dense: Hit[],
  keyword: Hit[],
  limit: number,
  opts: FusionOptions = {},
): HybridHit[] {
  const { k, denseWeight, keywordWeight } = resolveFusion(opts);
  const byId = new Map<number, HybridHit>();
  const entry = (id: number): HybridHit => {
    let h = byId.get(id);
    if (!h) byId.set(id, (h = { id, score: 0 }));
    return h;
  };
  dense.forEach((hit, i) => {
    const h = entry(hit.id);
    if (h.denseRank !== undefined) return; // duplicate id in one list: keep the best rank
    h.denseRank = i + 1;
    h.denseScore = hit.score;
    h.score += denseWeight / (k + i + 1);
  });
  keyword.forEach((hit, i) => {
    const h = entry(hit.id);
    if (h.keywordRank !== undefined) return;
    h.keywordRank = i + 1;
    h.keywordScore = hit.score;
    h.score += keywordWeight / (k + i + 1);
  });
  const inf = Number.POSITIVE_INFINITY;
  return [...byId.values()]
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.denseRank ?? inf) - (b.denseRank ?? inf) ||
        (a.keywordRank ?? inf) - (b.keywordRank ?? inf) ||
        a.id - b.id,
    )
    .slice(0, Math.max(0, limit));
}

/**
 * For a backend that fused natively (Qdrant RRF): attach each side's rank/score to the fused order.
 * The fused score from the server is kept as `score`.
 */
export function annotateRanks(fused: Hit[], dense: Hit[], keyword: Hit[]): HybridHit[] {
  const rank = (list: Hit[]) => {
    const m = new Map<number, { rank: number; score: number }>();
    list.forEach((h, i) => {
      if (!m.has(h.id)) m.set(h.id, { rank: i + 1, score: h.score });
    });
    return m;
  };
  const d = rank(dense);
  const kw = rank(keyword);
  return fused.map((h) => {
    const out: HybridHit = { id: h.id, score: h.score };
    const dh = d.get(h.id);
    if (dh) Object.assign(out, { denseRank: dh.rank, denseScore: dh.score });
    const kh = kw.get(h.id);
    if (kh) Object.assign(out, { keywordRank: kh.rank, keywordScore: kh.score });
    return out;
  });
}
