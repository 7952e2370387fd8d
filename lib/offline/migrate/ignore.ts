// Tables that Prisma does not own. The vector index keeps its tables (sqlite-vec vec0,
// FTS5 and their shadow tables) in the same database under the `ix_` prefix; migrations
// and drift checks must neither create, drop nor report them.
export const INDEX_TABLE_PREFIX = "ix_";

export function isIndexTable(name: string): boolean {
  return name.startsWith(INDEX_TABLE_PREFIX);
}

/** Tables that never count as "user" tables: Prisma bookkeeping, SQLite internals, index tables. */
export function isUnmanagedTable(name: string): boolean {
  return name === "_prisma_migrations" || name.startsWith("sqlite_") || isIndexTable(name);
}
