// The one contract every vector backend (sqlite-vec embedded, Qdrant) implements.
// Scores are cosine similarities in [-1, 1] for dense search and BM25-derived for keyword search;
// hybrid search fuses ranks (RRF), so callers never compare raw scores across the two.

export interface PointMeta {
  product?: string | null;
  component?: string | null;
  status?: string | null;
  /** epoch milliseconds */
  createdAt: number;
}

export interface IndexPoint {
  /** Report.id */
  id: number;
  /** L2-normalised, length === index.dims */
  vector: Float32Array;
  meta: PointMeta;
  /** Text for the keyword (BM25) side: title and body are indexed as separate fields. */
  text?: { title: string; body: string };
}

export interface SearchFilter {
  product?: string | string[];
  component?: string | string[];
  status?: string | string[];
  createdAfter?: number;
  createdBefore?: number;
  excludeIds?: number[];
}

export interface Hit {
  id: number;
  score: number;
}

export interface HybridHit extends Hit {
  denseRank?: number;
  denseScore?: number;
  keywordRank?: number;
  keywordScore?: number;
}

/** A new generation being built; queries keep hitting the old one until commit(). */
export interface ReindexSession {
  readonly generation: string;
  upsert(points: IndexPoint[]): Promise<void>;
  /**
   * Ids already written to this generation. Optional extension (added by the index task): a re-index job
   * resumed with beginReindex({ resumeGeneration }) uses it to skip reports that are already in.
   */
  ids?(): Promise<number[]>;
  /** Atomically make this generation the live one and drop the old one. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface VectorIndex {
  readonly backend: "sqlite-vec" | "qdrant";
  readonly dims: number;
  upsert(points: IndexPoint[]): Promise<void>;
  delete(ids: number[]): Promise<void>;
  get(id: number): Promise<IndexPoint | null>;
  count(): Promise<number>;
  /** All ids in the live generation (for consistency checks). */
  ids(): Promise<number[]>;
  search(vector: Float32Array, k: number, filter?: SearchFilter): Promise<Hit[]>;
  keywordSearch(query: string, k: number, filter?: SearchFilter): Promise<Hit[]>;
  hybridSearch(vector: Float32Array, query: string, k: number, filter?: SearchFilter): Promise<HybridHit[]>;
  beginReindex(opts?: { dims?: number; resumeGeneration?: string }): Promise<ReindexSession>;
  /**
   * Loads now what the first queries would otherwise load on the way (sqlite-vec: the keyword lists of the
   * common terms). For a process about to serve many queries; optional, and a no-op where nothing is lazy.
   */
  warm?(): Promise<void>;
  close(): Promise<void>;
}
