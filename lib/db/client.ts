// The Prisma client for a database URL (the process keeps one per composition root: lib/runtime).
// SQLite (file: URLs) goes through better-sqlite3, Postgres through node-postgres.
// Two clients are generated (lib/generated/prisma and lib/generated/prisma-pg)
// because Prisma fixes the provider per generated client; their model APIs are
// identical, so callers only ever see the SQLite client's `PrismaClient` type.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqlitePrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "@/lib/generated/prisma-pg/client";
import { parsePgUrl } from "@/lib/db/pg-url";
import { isInMemorySqlite, isPostgres, isSqlite, prepareSqliteFile, redact, sqlitePathFromUrl } from "@/lib/db/url";

export type PrismaClient = SqlitePrismaClient;
// Model row types and the Prisma namespace (input types; runtime error classes such as
// Prisma.PrismaClientKnownRequestError come from the shared runtime, so instanceof
// works for clients of either provider).
export type { Report, DuplicateLink, TriageDecision, IndexJob, ModelVersion, TierCalibration, SyncSource, WebhookDelivery, BotComment } from "@/lib/generated/prisma/client";
export { Prisma } from "@/lib/generated/prisma/client";

export { isPostgres, isSqlite, sqlitePathFromUrl, redact } from "@/lib/db/url";

// The clients createPrisma made for Postgres (a Prisma client is no instance of its class: its constructor
// returns a proxy).
const postgresClients = new WeakSet<object>();

/** True for a client createPrisma made for Postgres (its raw SQL takes $1 parameters, SQLite's ?). */
export function isPostgresClient(prisma: PrismaClient): boolean {
  return postgresClients.has(prisma);
}

/** A new client for `url`; the caller owns it and must `$disconnect()` it. */
export function createPrisma(url: string): PrismaClient {
  if (isPostgres(url)) {
    // Prisma's ?schema= parameter is not a libpq option: hand it to the adapter instead.
    const { connectionString, schema } = parsePgUrl(url);
    // search_path too, so raw SQL ($queryRaw) sees the same tables as the model API.
    const adapter =
      schema === "public"
        ? new PrismaPg({ connectionString })
        : new PrismaPg({ connectionString, options: `-c search_path=${schema}` }, { schema });
    // Same models and delegates; only the SQL dialect underneath differs.
    const client = new PgPrismaClient({ adapter }) as unknown as PrismaClient;
    postgresClients.add(client);
    return client;
  }
  if (isSqlite(url)) {
    if (isInMemorySqlite(url)) return new SqlitePrismaClient({ adapter: new PrismaBetterSqlite3({ url: ":memory:" }) });
    const file = sqlitePathFromUrl(url);
    prepareSqliteFile(file);
    // better-sqlite3 is built with foreign keys ON, so ON DELETE CASCADE works.
    const adapter = new PrismaBetterSqlite3({ url: file, timeout: 5000 });
    return new SqlitePrismaClient({ adapter });
  }
  throw new Error(
    `Unsupported DATABASE_URL "${redact(url)}": expected file:<path> (SQLite) or postgres(ql)://... (Postgres)`,
  );
}
