// Public surface of the vector index module (see README.md in this folder).
export type { Hit, HybridHit, IndexPoint, PointMeta, ReindexSession, SearchFilter, VectorIndex } from "./types";
export { openVectorIndex, type ManagedVectorIndex, type OpenVectorIndexOptions } from "./open";
export { SqliteVecIndex, SqliteReindexSession, VEC0_MAX_K, type SqliteVecIndexOptions } from "./sqlite-vec";
export { QdrantIndex, QdrantReindexSession, qdrantOptionsFromEnv, DEFAULT_COLLECTION, type QdrantIndexOptions } from "./qdrant";
export { reciprocalRankFusion, annotateRanks, candidateCount, RRF_K, type FusionOptions } from "./hybrid";
export { tokenize, queryTerms, ftsMatchExpression, IDENTIFIER_WEIGHT } from "./tokenize";
export { newGenerationId, isGenerationId, type GenerationAdmin, type GenerationInfo } from "./generation";
