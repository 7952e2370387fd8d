// The index-bound half of a duplicate check: encode the draft, rank candidates (dense + BM25, the shared
// ranking policy) and give every candidate its cosine, reading the stored vector of the ones only the keyword
// side found.
import type { Encoder } from "@/lib/embedding/types";
import type { HybridHit, SearchFilter, VectorIndex } from "@/lib/vector/types";
import { dot, hasDirection } from "@/lib/math";
import { DUPLICATE_QUERY_MAX_WINDOWS, rankDuplicateCandidates } from "@/lib/ranking/policy";

export interface CandidateQuery {
  /** What the encoder embeds (embeddingText of the draft). */
  text: string;
  /** What the keyword side searches. */
  report: { title: string; description: string };
  /** Fused candidates wanted (the ranking policy's pool size). */
  limit: number;
  filter: SearchFilter;
}

export interface RankedCandidates {
  /** The draft's vector (the zero vector when the model knows none of its tokens). */
  vector: Float32Array;
  /** Fused order, best first. */
  hits: HybridHit[];
  /** Cosine of each hit with the draft, in the order of `hits`; null for a hit whose point is gone from the index. */
  cosines: (number | null)[];
}

export async function rankCandidates(
  encoder: Encoder,
  index: Pick<VectorIndex, "search" | "keywordSearch" | "get">,
  q: CandidateQuery,
): Promise<RankedCandidates> {
  const [vector] = await encoder.encode([q.text], { maxWindows: DUPLICATE_QUERY_MAX_WINDOWS });
  // A draft the model maps to the zero vector (no known token) has no dense side: keyword candidates, cosine 0.
  const dense = hasDirection(vector) ? vector : null;
  const hits = await rankDuplicateCandidates(index, dense, q.report, q.limit, q.filter);
  const cosines: (number | null)[] = [];
  for (const h of hits) {
    if (h.denseScore !== undefined) cosines.push(h.denseScore);
    else {
      const p = await index.get(h.id);
      cosines.push(p ? dot(vector!, p.vector) : null);
    }
  }
  return { vector: vector!, hits, cosines };
}
