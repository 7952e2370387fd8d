// Database URL parsing (the URL itself comes from lib/config). Kept apart from client.ts so the migration tooling can use it
// without loading the generated Prisma clients.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export function isPostgres(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function isSqlite(url: string): boolean {
  return /^file:/i.test(url);
}

/** `file::memory:`: a database private to the connection that opened it. */
export function isInMemorySqlite(url: string): boolean {
  return /^file::memory:/.test(url);
}

/**
 * Absolute file path for a `file:` URL. Relative paths resolve against the current
 * working directory (the repo root for npm scripts), not the schema directory as the
 * Prisma CLI would. Query strings (`file:./x.db?connection_limit=1`) are dropped.
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
  // The path is only known at run time: without the ignore comment Turbopack traces the whole project into the build.
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), decodeURIComponent(p));
}

/** Hides the password when a URL ends up in a message. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

/** Creates the DB file's directory and switches the file to WAL (a persistent, per-file setting). */
export function prepareSqliteFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}
