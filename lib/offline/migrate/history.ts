// The two migration histories (SQLite and Postgres) and how they relate to schema.prisma:
// creating the next migration for both, and checking that each history ends exactly at
// the schema.
import { diffSchemas, EngineSession } from "@/lib/offline/migrate/schema-engine";
import { listMigrations, migrationFolderName, writeMigration } from "@/lib/offline/migrate/migrations";
import { historyShadow, type Shadow } from "@/lib/offline/migrate/shadow";
import { derivePostgresSchema, migrationsDir, readSchema, type Provider } from "@/lib/offline/migrate/schema-source";

/** Where the schema and both histories live; tests point this at temp dirs. */
export interface Layout {
  /** prisma/schema.prisma text (SQLite provider); the Postgres one is derived from it. */
  schema: string;
  sqliteDir: string;
  pgDir: string;
}

export function defaultLayout(): Layout {
  return { schema: readSchema("sqlite"), sqliteDir: migrationsDir("sqlite"), pgDir: migrationsDir("postgresql") };
}

function schemaFor(layout: Layout, provider: Provider): string {
  return provider === "sqlite" ? layout.schema : derivePostgresSchema(layout.schema);
}

async function withSession<T>(shadow: Shadow, schema: string, fn: (s: EngineSession) => Promise<T>): Promise<T> {
  const s = await EngineSession.open(shadow.target, schema);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Engine summary of how the end state of `dir` differs from the schema; "" when equal. */
export async function historyDiff(layout: Layout, provider: Provider, pgServerUrl?: string): Promise<string> {
  const dir = provider === "sqlite" ? layout.sqliteDir : layout.pgDir;
  const schema = schemaFor(layout, provider);
  const shadow = await historyShadow(provider, dir, pgServerUrl);
  try {
    return (await withSession(shadow, schema, (s) => s.diffDatabase(schema, { externalTables: [], externalEnums: [] })))
      .summary;
  } finally {
    await shadow.drop();
  }
}

/** Both histories must hold the same migration names (they are always created together). */
export function compareHistories(layout: Layout): string[] {
  const a = listMigrations(layout.sqliteDir).map((m) => m.name);
  const b = listMigrations(layout.pgDir).map((m) => m.name);
  const problems: string[] = [];
  const onlyA = a.filter((n) => !b.includes(n));
  const onlyB = b.filter((n) => !a.includes(n));
  if (onlyA.length) problems.push(`only in the SQLite history (${layout.sqliteDir}): ${onlyA.join(", ")}`);
  if (onlyB.length) problems.push(`only in the Postgres history (${layout.pgDir}): ${onlyB.join(", ")}`);
  return problems;
}

/**
 * The Postgres history's end state as a Prisma schema, computed offline: the SQLite
 * history's end state is introspected (re-using schema.prisma for names SQL cannot
 * carry) and its provider switched. Exact for everything both databases express the
 * same way; `createMigration` verifies the round trip and warns when it is not exact.
 */
async function pgStateFromSqlite(sqliteShadow: Shadow, layout: Layout): Promise<string> {
  const introspected = await withSession(sqliteShadow, layout.schema, (s) => s.introspect(layout.schema));
  return derivePostgresSchema(introspected);
}

export interface NewMigrationResult {
  /** Folder name written to both histories, or null when schema.prisma had no changes. */
  folder: string | null;
  files: string[];
  warnings: string[];
}

/**
 * Writes `<ts>_<name>/migration.sql` into both histories with the SQL that takes each
 * history's end state to schema.prisma. `pgServerUrl` (optional) computes the Postgres
 * side exactly on a real server instead of from the SQLite end state.
 */
export async function createMigration(
  name: string,
  opts: { layout?: Layout; now?: Date; pgServerUrl?: string } = {},
): Promise<NewMigrationResult> {
  const layout = opts.layout ?? defaultLayout();
  const problems = compareHistories(layout);
  if (problems.length) throw new Error(`the two migration histories differ; fix that first:\n  ${problems.join("\n  ")}`);
  const pgSchema = derivePostgresSchema(layout.schema);
  const warnings: string[] = [];
  const existing = listMigrations(layout.sqliteDir);

  const sqliteShadow = await historyShadow("sqlite", layout.sqliteDir);
  let sqliteSql: string;
  let pgSql: string;
  try {
    sqliteSql = (
      await withSession(sqliteShadow, layout.schema, (s) =>
        s.diffDatabase(layout.schema, { externalTables: [], externalEnums: [] }),
      )
    ).script;
    if (!sqliteSql) return { folder: null, files: [], warnings };

    if (opts.pgServerUrl) {
      const pgShadow = await historyShadow("postgresql", layout.pgDir, opts.pgServerUrl);
      try {
        pgSql = (
          await withSession(pgShadow, pgSchema, (s) => s.diffDatabase(pgSchema, { externalTables: [], externalEnums: [] }))
        ).script;
      } finally {
        await pgShadow.drop();
      }
    } else {
      const from = existing.length === 0 ? null : await pgStateFromSqlite(sqliteShadow, layout);
      pgSql = await diffSchemas("postgresql", from, pgSchema);
    }
  } finally {
    await sqliteShadow.drop();
  }

  // Folder names must sort after everything already there, even within the same second.
  let now = opts.now ?? new Date();
  let folder = migrationFolderName(name, now);
  const last = existing.at(-1)?.name;
  while (last && folder <= last) {
    now = new Date(now.getTime() + 1000);
    folder = migrationFolderName(name, now);
  }
  pgSql = dropPublicSchemaCreation(pgSql);
  if (!pgSql) pgSql = "-- No Postgres changes: this step only differs for SQLite.\n";
  const files = [
    writeMigration(layout.sqliteDir, "sqlite", folder, sqliteSql),
    writeMigration(layout.pgDir, "postgresql", folder, pgSql),
  ];

  // Verify: the SQLite history now ends at the schema, and (offline mode) the Postgres
  // end state reconstructed from it is exact.
  const after = await historyShadow("sqlite", layout.sqliteDir);
  try {
    const rest = await withSession(after, layout.schema, (s) =>
      s.diffDatabase(layout.schema, { externalTables: [], externalEnums: [] }),
    );
    if (rest.summary) warnings.push(`SQLite history still differs from schema.prisma after ${folder}:\n${rest.summary}`);
    if (!opts.pgServerUrl) {
      const residue = await diffSchemas("postgresql", await pgStateFromSqlite(after, layout), pgSchema);
      if (residue) {
        warnings.push(
          "the Postgres migration was computed from the SQLite end state, which cannot express everything Postgres can " +
            "(the round trip left these statements):\n" +
            residue +
            "Check it against a real Postgres: SHADOW_DATABASE_URL=postgresql://... tsx scripts/db.ts check",
        );
      }
    }
  } finally {
    await after.drop();
  }
  return { folder, files, warnings };
}

/**
 * The wasm engine starts Postgres scripts with `CREATE SCHEMA IF NOT EXISTS "public"`.
 * Postgres checks the CREATE privilege on the database before IF NOT EXISTS, so that line
 * fails for users who may only create tables, and it is pointless with ?schema=. The
 * runner and Prisma both create the target schema themselves.
 */
export function dropPublicSchemaCreation(sql: string): string {
  const out = sql.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n?/, "");
  return out.trim() === "" ? "" : out;
}
