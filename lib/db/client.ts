// Process-wide Prisma client chosen from DATABASE_URL.
// SQLite (file: URLs) goes through better-sqlite3, Postgres through node-postgres.
// Two clients are generated (lib/generated/prisma and lib/generated/prisma-pg)
// because Prisma fixes the provider per generated client; their model APIs are
// identical, so callers only ever see the SQLite client's `PrismaClient` type.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqlitePrismaClient } from "../generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "../generated/prisma-pg/client";

export type PrismaClient = SqlitePrismaClient;
// Model row types and the Prisma namespace (input types; runtime error classes such as
// Prisma.PrismaClientKnownRequestError come from the shared runtime, so instanceof
// works for clients of either provider).
export type { Report, DuplicateLink, TriageDecision, IndexJob, ModelVersion, DedupThreshold } from "../generated/prisma/client";
export { Prisma } from "../generated/prisma/client";

export const DEFAULT_DATABASE_URL = "file:./data/bugsift.db";

/** DATABASE_URL from the environment, or the default SQLite file under ./data. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

export function isPostgres(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function isSqlite(url: string): boolean {
  return /^file:/i.test(url);
}

/**
 * Absolute file path for a `file:` URL. Relative paths resolve against the current
 * working directory (the repo root for `npm run ...`), not the schema directory.
 * Query strings (`file:./x.db?connection_limit=1`) are dropped.
 */
export function sqlitePathFromUrl(url: string): string {
  if (!isSqlite(url)) {
    throw new Error(`DATABASE_URL must start with "file:" for SQLite (got "${redact(url)}")`);
  }
  let p = url.slice("file:".length);
  const q = p.indexOf("?");
  if (q >= 0) p = p.slice(0, q);
  if (p.startsWith("//")) p = p.slice(2); // file:///abs/path
  if (!p) throw new Error(`DATABASE_URL "${url}" has no file path`);
  return path.resolve(process.cwd(), decodeURIComponent(p));
}

/** Hide the password when a URL ends up in an error message. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

/** Creates the DB file's directory and switches the file to WAL (persistent per file). */
export function prepareSqliteFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

/** A new client for `url`; the caller owns it and must `$disconnect()` it. */
export function createPrisma(url: string = databaseUrl()): PrismaClient {
  if (isPostgres(url)) {
    const adapter = new PrismaPg({ connectionString: url });
    // Same models and delegates; only the SQL dialect underneath differs.
    return new PgPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  if (isSqlite(url)) {
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

// Kept on globalThis so Next.js dev hot reloads do not open a new pool each time.
const g = globalThis as unknown as { __bugsiftPrisma?: { url: string; client: PrismaClient } };

/** The process-wide client for the current DATABASE_URL. */
export function getPrisma(): PrismaClient {
  const url = databaseUrl();
  if (g.__bugsiftPrisma && g.__bugsiftPrisma.url !== url) {
    throw new Error(
      "DATABASE_URL changed after getPrisma() was first called; call disconnectPrisma() first or use createPrisma(url)",
    );
  }
  g.__bugsiftPrisma ??= { url, client: createPrisma(url) };
  return g.__bugsiftPrisma.client;
}

/** Disconnects and forgets the process-wide client (safe to call when none exists). */
export async function disconnectPrisma(): Promise<void> {
  const cur = g.__bugsiftPrisma;
  g.__bugsiftPrisma = undefined;
  if (cur) await cur.client.$disconnect();
}
