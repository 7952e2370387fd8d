// Opens the configured vector index (lib/vector/open.ts): Qdrant when QDRANT_URL is set, else
// sqlite-vec inside the app's SQLite file (or data/vectors.db / INDEX_SQLITE_PATH when the app's
// database is Postgres).
import path from "node:path";
import { config } from "@/lib/config";
import { isSqlite, sqlitePathFromUrl } from "@/lib/db/client";
import { openVectorIndex, type ManagedVectorIndex } from "@/lib/vector/open";

export async function openIndex(dims: number): Promise<ManagedVectorIndex> {
  const url = config().databaseUrl;
  const sqlitePath = isSqlite(url)
    ? sqlitePathFromUrl(url)
    : process.env.INDEX_SQLITE_PATH?.trim() || path.resolve(/*turbopackIgnore: true*/ process.cwd(), "data/vectors.db");
  return openVectorIndex({ dims, sqlitePath });
}
