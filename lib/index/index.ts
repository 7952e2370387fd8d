// Public surface of the vector index module (see README.md in this folder).
export type { Hit, HybridHit, IndexPoint, PointMeta, ReindexSession, SearchFilter, VectorIndex } from "@/lib/index/types";
export { openVectorIndex, type ManagedVectorIndex, type OpenVectorIndexOptions } from "@/lib/index/open";
export { SqliteVecIndex, SqliteReindexSession, VEC0_MAX_K, type SqliteVecIndexOptions } from "@/lib/index/sqlite-vec";
export { QdrantIndex, QdrantReindexSession, qdrantOptionsFromEnv, DEFAULT_COLLECTION, type QdrantIndexOptions } from "@/lib/index/qdrant";
export { reciprocalRankFusion, annotateRanks, candidateCount, RRF_K, type FusionOptions } from "@/lib/index/hybrid";
export { tokenize, queryTerms, ftsMatchExpression, IDENTIFIER_WEIGHT } from "@/lib/index/tokenize";
export { newGenerationId, isGenerationId, type GenerationAdmin, type GenerationInfo } from "@/lib/index/generation";
