// `db check`: is everything consistent?
//   1. both histories hold the same migrations, and the derived Postgres schema is current;
//   2. the history of the current provider ends exactly at schema.prisma
//      (and the Postgres history too when a Postgres server is reachable);
//   3. the database has every migration applied, none edited;
//   4. the database's actual structure equals schema.prisma.
// Vector-index tables (ix_*) are ignored throughout.
import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { compareHistories, defaultLayout, historyDiff, type Layout } from "@/lib/offline/migrate/history";
import { isIndexTable } from "@/lib/offline/migrate/ignore";
import { parsePgUrl } from "@/lib/db/pg-url";
import { migrationStatus, providerOf } from "@/lib/offline/migrate/runner";
import { diffSchemas, EngineSession, type SchemaFilter } from "@/lib/offline/migrate/schema-engine";
import { derivePostgresSchema, PG_SCHEMA_PATH } from "@/lib/offline/migrate/schema-source";
import { createShadow } from "@/lib/offline/migrate/shadow";
import { compareShapes, describeSqlite } from "@/lib/offline/migrate/sqlite-describe";
import { isPostgres, redact, sqlitePathFromUrl } from "@/lib/db/url";

export interface CheckSection {
  title: string;
  problems: string[];
  /** Set when the section could not run (e.g. no Postgres server); not a failure. */
  skipped?: string;
}

export interface CheckReport {
  ok: boolean;
  sections: CheckSection[];
}

/** Names of vector-index tables in the database, in the form the engine's filter wants. */
async function indexTables(url: string): Promise<string[]> {
  if (isPostgres(url)) {
    const { connectionString, schema } = parsePgUrl(url);
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      const r = await c.query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1",
        [schema],
      );
      // Postgres requires schema-qualified names in the filter.
      return r.rows.map((x) => x.t).filter(isIndexTable).map((t) => `${schema}.${t}`);
    } finally {
      await c.end();
    }
  }
  const db = new Database(sqlitePathFromUrl(url), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return rows.map((r) => r.name).filter(isIndexTable);
  } finally {
    db.close();
  }
}

/** Differences between the live database and schema.prisma (ix_* tables ignored). */
export async function databaseDrift(url: string, layout: Layout = defaultLayout()): Promise<string[]> {
  const provider = providerOf(url);
  const schema = provider === "sqlite" ? layout.schema : derivePostgresSchema(layout.schema);
  const filter: SchemaFilter = { externalTables: await indexTables(url), externalEnums: [] };
  const target = provider === "sqlite" ? { provider, file: sqlitePathFromUrl(url) } : { provider, url };
  const session = await EngineSession.open(target, schema);
  let summary: string;
  try {
    summary = (await session.diffDatabase(schema, filter)).summary;
  } finally {
    await session.close();
  }
  if (!summary) return [];
  const problems = [`the database differs from schema.prisma:\n${indent(summary)}`];
  if (provider === "sqlite") {
    // Name the exact columns/indexes: build what schema.prisma expects and compare.
    const expected = await createShadow("sqlite");
    try {
      const file = (expected.target as { file: string }).file;
      const db = new Database(file);
      try {
        db.exec(await diffSchemas("sqlite", null, schema));
      } finally {
        db.close();
      }
      problems.push(...compareShapes(describeSqlite(sqlitePathFromUrl(url)), describeSqlite(file)));
    } finally {
      await expected.drop();
    }
  }
  return problems;
}

function indent(s: string): string {
  return s
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => `    ${l}`)
    .join("\n");
}

/**
 * Runs every check for `url`. `pgServerUrl` (DATABASE_URL when it is Postgres, else
 * SHADOW_DATABASE_URL / TEST_POSTGRES_URL) enables the exact Postgres history check.
 * `databaseCheck: false` checks the histories only (no database needed).
 */
export async function runCheck(
  url: string,
  opts: { layout?: Layout; pgServerUrl?: string; databaseCheck?: boolean } = {},
): Promise<CheckReport> {
  const layout = opts.layout ?? defaultLayout();
  const provider = providerOf(url);
  const pgServer = provider === "postgresql" ? url : opts.pgServerUrl;
  const sections: CheckSection[] = [];

  const files: string[] = compareHistories(layout);
  if (!opts.layout && existsSync(PG_SCHEMA_PATH)) {
    if (readFileSync(PG_SCHEMA_PATH, "utf8") !== derivePostgresSchema(layout.schema)) {
      files.push(`${PG_SCHEMA_PATH} is stale: run scripts/prisma-generate.sh`);
    }
  }
  sections.push({ title: "migration folders", problems: files });

  const hist = async (p: "sqlite" | "postgresql", title: string) => {
    try {
      const d = await historyDiff(layout, p, pgServer);
      sections.push({
        title,
        problems: d ? [`the history does not end at schema.prisma (create a migration: tsx scripts/db.ts new <name>):\n${indent(d)}`] : [],
      });
    } catch (err) {
      sections.push({ title, problems: [(err as Error).message] });
    }
  };
  await hist("sqlite", "SQLite history vs schema.prisma");
  if (pgServer) await hist("postgresql", "Postgres history vs schema.prisma");
  else sections.push({ title: "Postgres history vs schema.prisma", problems: [], skipped: "no Postgres server (set SHADOW_DATABASE_URL or TEST_POSTGRES_URL)" });

  if (opts.databaseCheck !== false) {
    const title = `database ${redact(url)}`;
    const problems: string[] = [];
    if (provider === "sqlite" && !existsSync(sqlitePathFromUrl(url))) {
      problems.push(`${sqlitePathFromUrl(url)} does not exist: run tsx scripts/db.ts migrate`);
    } else {
      try {
        const st = await migrationStatus(url);
        if (st.edited.length) problems.push(`applied migration(s) edited since: ${st.edited.map((e) => e.name).join(", ")}`);
        if (st.failed.length) problems.push(`failed migration(s): ${st.failed.join(", ")}`);
        if (st.missingLocally.length) problems.push(`applied but not in ${st.dir}: ${st.missingLocally.join(", ")}`);
        if (st.pending.length) problems.push(`${st.pending.length} pending migration(s): ${st.pending.join(", ")} (run tsx scripts/db.ts migrate)`);
        problems.push(...(await databaseDrift(url, layout)));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    sections.push({ title, problems });
  }
  return { ok: sections.every((s) => s.problems.length === 0), sections };
}
