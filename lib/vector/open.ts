// Backend choice: Qdrant when its settings are given (QDRANT_URL set), otherwise sqlite-vec in a SQLite file.
import type { QdrantConfig } from "@/lib/config";
import { QdrantIndex, qdrantIndexOptions } from "@/lib/vector/qdrant";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import type { VectorIndex } from "@/lib/vector/types";
import type { FusionOptions } from "@/lib/vector/hybrid";
import type { GenerationAdmin } from "@/lib/vector/generation";
import type { AnnOptions } from "@/lib/vector/ann";

/** A VectorIndex plus generation housekeeping (both backends implement it). */
export type ManagedVectorIndex = VectorIndex & GenerationAdmin;

export interface OpenVectorIndexOptions {
  /** Dimensions of the active encoder (used when the index has no generation yet). */
  dims: number;
  /** Qdrant settings (config().qdrant); null or absent = the embedded sqlite-vec backend. */
  qdrant?: QdrantConfig | null;
  /** SQLite file for the embedded backend (config().indexSqlitePath: the app's SQLite file, or a side file). */
  sqlitePath?: string;
  /** ANN graph settings for the embedded backend (config().ann); absent = exact search at every size. */
  ann?: AnnOptions;
  fusion?: FusionOptions;
}

export async function openVectorIndex(opts: OpenVectorIndexOptions): Promise<ManagedVectorIndex> {
  if (opts.qdrant) return QdrantIndex.open({ ...qdrantIndexOptions(opts.dims, opts.qdrant), fusion: opts.fusion });
  if (!opts.sqlitePath) throw new Error("openVectorIndex: no Qdrant settings and no SQLite path were given");
  return new SqliteVecIndex({ path: opts.sqlitePath, dims: opts.dims, fusion: opts.fusion, ann: opts.ann });
}
