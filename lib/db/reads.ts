// Read-only SQL on the duplicate check's path, with each statement prepared once. Prisma's SQLite adapter
// prepares every statement on every call (better-sqlite3's prepare(), then bind(), which a statement allows only
// once): at 100k reports that was 0.5 of the 0.8 ms the duplicate graph's walk took, and 0.4 of the 0.5 ms of
// reading the shown rows. On a SQLite file these statements run on a read-only connection of their own, opened on
// first use and cached by text (WAL: each statement sees every commit made before it, by any connection); on
// Postgres, and on an in-memory SQLite database (which another connection cannot open), through Prisma's raw
// queries. The SQL is written once for both: parameters as $1, $2, ..., each used once and in order.
import Database from "better-sqlite3";
import { isPostgresClient, type PrismaClient } from "@/lib/db/client";
import { isInMemorySqlite, isSqlite, sqlitePathFromUrl } from "@/lib/db/url";

export interface SqlReads {
  /** The rows of a read-only statement. */
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  close(): void;
}

/** "$1, $2, ..., $n" for n parameters (an IN list). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, (_, i) => `$${i + 1}`).join(", ");
}

/** SQLite's text of a statement: $1, $2, ... become ?, checking they come in order, each once. */
function sqliteText(sql: string): string {
  let next = 1;
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    if (Number(n) !== next++) throw new Error(`sql reads: parameters must be $1, $2, ... in order, each once: ${sql.slice(0, 200)}`);
    return "?";
  });
}

/** Through Prisma's raw queries (Postgres; a client whose database another connection cannot open). */
export function prismaReads(prisma: PrismaClient): SqlReads {
  const text = isPostgresClient(prisma) ? (sql: string) => sql : sqliteText;
  return {
    all: <T>(sql: string, params: readonly unknown[]) => prisma.$queryRawUnsafe<T[]>(text(sql), ...params),
    close: () => {},
  };
}

/** Statements kept at most (texts differ by the length of their IN lists). */
const MAX_STATEMENTS = 256;

/** On its own read-only connection to the SQLite file at `file`. */
export function sqliteReads(file: string): SqlReads {
  let db: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let st = statements.get(sql);
    if (!st) {
      const text = sqliteText(sql);
      db ??= new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      st = db.prepare(text);
      statements.set(sql, st);
    }
    return st;
  };
  return {
    all: async <T>(sql: string, params: readonly unknown[]) => statement(sql).all(...params) as T[],
    close: () => {
      statements.clear();
      db?.close();
      db = null;
    },
  };
}

/** The reads for a database URL and its Prisma client. */
export function openReads(url: string, prisma: PrismaClient): SqlReads {
  if (isSqlite(url) && !isInMemorySqlite(url)) return sqliteReads(sqlitePathFromUrl(url));
  return prismaReads(prisma);
}
