// Applies migration folders and records them in `_prisma_migrations` exactly the way
// Prisma's schema engine does (same table definition, uuid ids, sha256 checksums,
// started/finished timestamps, applied_steps_count = 1 per script), so the real
// `prisma migrate deploy` / `migrate status` on a connected machine sees the history as
// its own. Differences from Prisma, on purpose:
//   - every migration runs in a transaction (Prisma does not), so a failed script leaves
//     no half-applied schema and no failed row behind;
//   - an applied migration whose file changed is a hard error, not a warning.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgres, isSqlite, redact, sqlitePathFromUrl } from "@/lib/db/url";
import { isUnmanagedTable } from "@/lib/offline/migrate/ignore";
import { assertLockProvider, listMigrations, scriptMatchesChecksum, type MigrationFile } from "@/lib/offline/migrate/migrations";
import { parsePgUrl, qi } from "@/lib/db/pg-url";
import { migrationsDir, type Provider } from "@/lib/offline/migrate/schema-source";

export interface AppliedMigration {
  id: string;
  checksum: string;
  migrationName: string;
  logs: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  appliedStepsCount: number;
}

export interface MigrationStore {
  readonly provider: Provider;
  hasMigrationsTable(): Promise<boolean>;
  /** Tables other than _prisma_migrations, SQLite internals and vector-index (ix_) tables. */
  userTables(): Promise<string[]>;
  createMigrationsTable(): Promise<void>;
  listApplied(): Promise<AppliedMigration[]>;
  applyOne(m: MigrationFile): Promise<void>;
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function providerOf(url: string): Provider {
  if (isSqlite(url)) return "sqlite";
  if (isPostgres(url)) return "postgresql";
  throw new Error(`Unsupported DATABASE_URL "${redact(url)}": expected file:<path> or postgres(ql)://...`);
}

// ---------------------------------------------------------------- SQLite

// Same DDL as Prisma's SQLite connector.
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  // Prisma's SQLite driver stores DateTime as integer unix milliseconds.
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  const s = String(v);
  return /^\d+$/.test(s) ? new Date(Number(s)) : new Date(s.includes("T") || s.includes("Z") ? s : `${s}Z`);
}

function rowToApplied(r: Record<string, unknown>): AppliedMigration {
  return {
    id: String(r.id),
    checksum: String(r.checksum),
    migrationName: String(r.migration_name),
    logs: r.logs == null ? null : String(r.logs),
    startedAt: toDate(r.started_at),
    finishedAt: toDate(r.finished_at),
    rolledBackAt: toDate(r.rolled_back_at),
    appliedStepsCount: Number(r.applied_steps_count ?? 0),
  };
}

class SqliteStore implements MigrationStore {
  readonly provider = "sqlite" as const;
  private db: Database.Database;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma("journal_mode = WAL");
  }

  async hasMigrationsTable(): Promise<boolean> {
    return !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_prisma_migrations'").get();
  }

  async userTables(): Promise<string[]> {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as {
      name: string;
    }[];
    return rows.map((r) => r.name).filter((n) => !isUnmanagedTable(n));
  }

  async createMigrationsTable(): Promise<void> {
    this.db.exec(SQLITE_MIGRATIONS_TABLE);
  }

  async listApplied(): Promise<AppliedMigration[]> {
    const rows = this.db
      .prepare(
        `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM "_prisma_migrations" ORDER BY started_at ASC`,
      )
      .all() as Record<string, unknown>[];
    return rows.map(rowToApplied);
  }

  async applyOne(m: MigrationFile): Promise<void> {
    const db = this.db;
    // Prisma's table-redefinition scripts switch foreign keys off around DROP TABLE; that
    // pragma is a no-op inside a transaction, and with keys on DROP TABLE would run the
    // ON DELETE CASCADE actions of child tables. So: keys off outside, verify before commit.
    db.pragma("foreign_keys = OFF");
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        const id = randomUUID();
        db.prepare(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "started_at", "migration_name") VALUES (?, ?, ?, ?)`,
        ).run(id, m.checksum, Date.now(), m.name);
        try {
          db.exec(m.sql);
        } catch (err) {
          throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
        }
        const violations = db.pragma("foreign_key_check") as { table: string; parent: string }[];
        if (violations.length > 0) {
          const v = violations[0]!;
          throw new Error(
            `migration ${m.name} leaves ${violations.length} foreign key violation(s), e.g. table "${v.table}" -> "${v.parent}"`,
          );
        }
        db.prepare(
          `UPDATE "_prisma_migrations" SET "applied_steps_count" = "applied_steps_count" + 1 WHERE "id" = ?`,
        ).run(id);
        db.prepare(`UPDATE "_prisma_migrations" SET "finished_at" = ? WHERE "id" = ?`).run(Date.now(), id);
        db.exec("COMMIT");
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      db.pragma("foreign_keys = ON");
    }
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    // Each migration takes a write lock (BEGIN IMMEDIATE); callers re-read the applied
    // list under that lock, so two concurrent runners cannot apply the same migration.
    return fn();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

// ---------------------------------------------------------------- Postgres

// Same DDL as Prisma's Postgres connector.
const PG_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

// The advisory lock key Prisma's migrate takes, so our runner and `prisma migrate deploy` exclude each other.
const PRISMA_ADVISORY_LOCK = 72707369;

class PgStore implements MigrationStore {
  readonly provider = "postgresql" as const;
  private constructor(
    private readonly client: pg.Client,
    readonly schema: string,
  ) {}

  static async open(url: string): Promise<PgStore> {
    const { connectionString, schema } = parsePgUrl(url);
    const client = new pg.Client({ connectionString });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`cannot connect to ${redact(url)}: ${(err as Error).message}`);
    }
    // Prisma creates the target schema on migrate as well.
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${qi(schema)}`);
    await client.query(`SET search_path TO ${qi(schema)}`);
    return new PgStore(client, schema);
  }

  async hasMigrationsTable(): Promise<boolean> {
    const r = await this.client.query(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_prisma_migrations'",
      [this.schema],
    );
    return r.rowCount! > 0;
  }

  async userTables(): Promise<string[]> {
    const r = await this.client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [this.schema],
    );
    return r.rows.map((x) => x.table_name).filter((n) => !isUnmanagedTable(n));
  }

  async createMigrationsTable(): Promise<void> {
    await this.client.query(PG_MIGRATIONS_TABLE);
  }

  async listApplied(): Promise<AppliedMigration[]> {
    const r = await this.client.query(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at ASC`,
    );
    return r.rows.map(rowToApplied);
  }

  async applyOne(m: MigrationFile): Promise<void> {
    const c = this.client;
    await c.query("BEGIN");
    try {
      const id = randomUUID();
      await c.query(
        "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)",
        [id, m.checksum, new Date(), m.name],
      );
      try {
        await c.query(m.sql); // simple-query protocol: multi-statement scripts are fine
      } catch (err) {
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      await c.query("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1", [id]);
      await c.query("UPDATE _prisma_migrations SET finished_at = $1 WHERE id = $2", [new Date(), id]);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    }
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      return await fn();
    } finally {
      await this.client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export async function openStore(url: string): Promise<MigrationStore> {
  return providerOf(url) === "sqlite" ? new SqliteStore(sqlitePathFromUrl(url)) : PgStore.open(url);
}

// ---------------------------------------------------------------- status / migrate

export interface EditedMigration {
  name: string;
  appliedChecksum: string;
  fileChecksum: string;
}

export interface MigrationStatus {
  provider: Provider;
  dir: string;
  local: MigrationFile[];
  hasMigrationsTable: boolean;
  /** Successfully applied, not rolled back. */
  applied: AppliedMigration[];
  pending: string[];
  edited: EditedMigration[];
  /** Recorded in the database but absent from the folder. */
  missingLocally: string[];
  /** Started but never finished and not rolled back (what Prisma calls failed, P3009). */
  failed: string[];
}

export function isUpToDate(s: MigrationStatus): boolean {
  return s.pending.length === 0 && s.edited.length === 0 && s.missingLocally.length === 0 && s.failed.length === 0;
}

async function readStatus(store: MigrationStore, dir: string): Promise<MigrationStatus> {
  assertLockProvider(dir, store.provider);
  const local = listMigrations(dir);
  const hasTable = await store.hasMigrationsTable();
  const rows = hasTable ? (await store.listApplied()).filter((r) => r.rolledBackAt === null) : [];
  const applied = rows.filter((r) => r.finishedAt !== null);
  const failed = rows.filter((r) => r.finishedAt === null).map((r) => r.migrationName);
  const byName = new Map(applied.map((r) => [r.migrationName, r]));
  const localNames = new Set(local.map((m) => m.name));
  const edited: EditedMigration[] = [];
  for (const m of local) {
    const row = byName.get(m.name);
    if (row && !scriptMatchesChecksum(m.sql, row.checksum)) {
      edited.push({ name: m.name, appliedChecksum: row.checksum, fileChecksum: m.checksum });
    }
  }
  return {
    provider: store.provider,
    dir,
    local,
    hasMigrationsTable: hasTable,
    applied,
    pending: local.filter((m) => !byName.has(m.name) && !failed.includes(m.name)).map((m) => m.name),
    edited,
    missingLocally: [...new Set(applied.map((r) => r.migrationName))].filter((n) => !localNames.has(n)),
    failed,
  };
}

export async function migrationStatus(url: string, dir?: string): Promise<MigrationStatus> {
  const store = await openStore(url);
  try {
    return await readStatus(store, dir ?? migrationsDir(store.provider));
  } finally {
    await store.close();
  }
}

/** Throws an Error that says what is wrong and what to do, or returns when it is safe to apply. */
export function assertApplicable(s: MigrationStatus): void {
  if (s.edited.length > 0) {
    const lines = s.edited.map(
      (e) => `  - ${e.name}: applied checksum ${e.appliedChecksum.slice(0, 12)}…, file now ${e.fileChecksum.slice(0, 12)}…`,
    );
    throw new Error(
      `migration file(s) changed after being applied to this database:\n${lines.join("\n")}\n` +
        "Restore the original migration.sql (git) and put the change in a new migration (db:new <name>).",
    );
  }
  if (s.failed.length > 0) {
    throw new Error(
      `migration(s) recorded as started but never finished: ${s.failed.join(", ")}. ` +
        "Fix the database by hand, then mark them rolled back (prisma migrate resolve --rolled-back <name>).",
    );
  }
  if (s.missingLocally.length > 0) {
    throw new Error(
      `the database has migration(s) that are not in ${s.dir}: ${s.missingLocally.join(", ")}. ` +
        "Is this checkout older than the database?",
    );
  }
}

export interface MigrateResult {
  provider: Provider;
  applied: string[];
}

/** Applies pending migrations for `url` from the provider's history folder (or `dir`). */
export async function migrate(
  url: string,
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const store = await openStore(url);
  try {
    const dir = opts.dir ?? migrationsDir(store.provider);
    return await store.withLock(async () => {
      const status = await readStatus(store, dir);
      assertApplicable(status);
      if (!status.hasMigrationsTable) {
        const tables = await store.userTables();
        if (tables.length > 0) {
          throw new Error(
            `the database is not empty (tables: ${tables.slice(0, 8).join(", ")}${tables.length > 8 ? ", …" : ""}) ` +
              "but has no _prisma_migrations table; it was not created by these migrations (Prisma error P3005). " +
              "Use a fresh database, or baseline it with `prisma migrate resolve --applied <name>`.",
          );
        }
        await store.createMigrationsTable();
      }
      const done: string[] = [];
      for (const name of status.pending) {
        // Re-check under the write lock: another process may have applied it meanwhile.
        const again = await readStatus(store, dir);
        if (!again.pending.includes(name)) continue;
        const m = status.local.find((x) => x.name === name)!;
        await store.applyOne(m);
        log(`applied ${name}`);
        done.push(name);
      }
      return { provider: store.provider, applied: done };
    });
  } finally {
    await store.close();
  }
}
