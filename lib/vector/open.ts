// Backend choice: Qdrant when QDRANT_URL is set, otherwise sqlite-vec inside the app's SQLite file.
import { QdrantIndex, qdrantOptionsFromEnv } from "@/lib/vector/qdrant";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import type { VectorIndex } from "@/lib/vector/types";
import type { FusionOptions } from "@/lib/vector/hybrid";
import type { GenerationAdmin } from "@/lib/vector/generation";

/** A VectorIndex plus generation housekeeping (both backends implement it). */
export type ManagedVectorIndex = VectorIndex & GenerationAdmin;

export interface OpenVectorIndexOptions {
  /** Dimensions of the active encoder (used when the index has no generation yet). */
  dims: number;
  /**
   * SQLite file for the embedded backend: pass the app's database file (lib/db sqlitePathFromUrl(databaseUrl())).
   * Falls back to env INDEX_SQLITE_PATH (e.g. when the app itself runs on Postgres without Qdrant).
   */
  sqlitePath?: string;
  fusion?: FusionOptions;
  env?: Record<string, string | undefined>;
}

export async function openVectorIndex(opts: OpenVectorIndexOptions): Promise<ManagedVectorIndex> {
  const env = opts.env ?? process.env;
  if (env.QDRANT_URL?.trim()) {
    return QdrantIndex.open({ ...qdrantOptionsFromEnv(opts.dims, env), fusion: opts.fusion });
  }
  const path = opts.sqlitePath ?? env.INDEX_SQLITE_PATH?.trim();
  if (!path) {
    throw new Error(
      "openVectorIndex: QDRANT_URL is not set and no SQLite path was given (pass sqlitePath = the app's SQLite file, or set INDEX_SQLITE_PATH)",
    );
  }
  return new SqliteVecIndex({ path, dims: opts.dims, fusion: opts.fusion });
}
