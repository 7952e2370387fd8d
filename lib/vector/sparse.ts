// Client-side BM25 sparse vectors for Qdrant's "bm25" sparse vector (modifier: idf).
// Qdrant multiplies by IDF at query time from its own collection statistics, so documents only carry the
// BM25-saturated term frequency and queries carry 1 per distinct term. Terms are the same tokens the sqlite
// FTS side indexes (tokenize.ts), mapped to ids by a stable 32-bit FNV-1a hash, so ids never depend on
// a vocabulary file and are identical across processes and re-indexes.
import { queryTerms, tokenize } from "@/lib/vector/tokenize";

export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface Bm25Params {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation strength. */
  b: number;
  /** Assumed average document length in (weighted) tokens; a fixed constant keeps vectors stable. */
  avgLen: number;
  /** A title occurrence counts this many times (BM25F-style field weight), like the FTS5 bm25 weight. */
  titleWeight: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75, avgLen: 120, titleWeight: 3 };

/** FNV-1a 32-bit over UTF-8 bytes; unsigned. */
export function termId(token: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(token, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function toSparse(weights: Map<number, number>): SparseVector {
  const indices = [...weights.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((i) => weights.get(i) as number) };
}

/** BM25 document vector from title + body. Empty text gives an empty vector. */
export function documentSparseVector(
  text: { title: string; body: string },
  params: Bm25Params = DEFAULT_BM25,
): SparseVector {
  const tf = new Map<number, number>();
  let len = 0;
  const addField = (tokens: string[], w: number) => {
    for (const t of tokens) {
      const id = termId(t); // a hash collision just merges two terms' counts
      tf.set(id, (tf.get(id) ?? 0) + w);
      len += w;
    }
  };
  addField(tokenize(text.title), params.titleWeight);
  addField(tokenize(text.body), 1);
  const norm = params.k1 * (1 - params.b + (params.b * len) / params.avgLen);
  const weights = new Map<number, number>();
  for (const [id, f] of tf) weights.set(id, (f * (params.k1 + 1)) / (f + norm));
  return toSparse(weights);
}

/** Query vector: the term's query weight (1, or IDENTIFIER_WEIGHT for whole identifiers); Qdrant applies IDF. */
export function querySparseVector(query: string): SparseVector {
  const weights = new Map<number, number>();
  for (const { term, weight } of queryTerms(query)) {
    const id = termId(term);
    weights.set(id, Math.max(weights.get(id) ?? 0, weight));
  }
  return toSparse(weights);
}
