// Drift checks on real SQLite files: a migrated database passes, vector-index tables
// (ix_*, including sqlite-vec and FTS5 shadow tables) are ignored, a hand-made column
// fails the check by name, and schema.prisma vs migration history is detected and fixed
// by `createMigration` for both providers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { databaseDrift, runCheck } from "@/lib/offline/migrate/drift";
import { compareHistories, createMigration, historyDiff, type Layout } from "@/lib/offline/migrate/history";
import { listMigrations } from "@/lib/offline/migrate/migrations";
import { migrate } from "@/lib/offline/migrate/runner";
import { migrationsDir, readSchema } from "@/lib/offline/migrate/schema-source";
import { sqlitePathFromUrl } from "@/lib/db/url";

const REPO = path.resolve(import.meta.dirname, "../..");
let tmp: string;

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "bugsift-db-drift-"));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function migrated(name: string): Promise<string> {
  const url = `file:${path.join(tmp, name, "app.db")}`;
  await migrate(url);
  return url;
}

function copyLayout(name: string, schema = readSchema("sqlite")): Layout {
  const sqliteDir = path.join(tmp, name, "migrations");
  const pgDir = path.join(tmp, name, "migrations-postgres");
  cpSync(migrationsDir("sqlite"), sqliteDir, { recursive: true });
  cpSync(migrationsDir("postgresql"), pgDir, { recursive: true });
  return { schema, sqliteDir, pgDir };
}

describe("database drift (sqlite)", () => {
  test("a freshly migrated database passes every check", async () => {
    const url = await migrated("clean");
    const report = await runCheck(url);
    const failing = report.sections.filter((s) => s.problems.length > 0);
    assert.deepEqual(failing, [], JSON.stringify(failing, null, 2));
    assert.equal(report.ok, true);
  });

  test("vector-index tables (ix_*, sqlite-vec and FTS5 shadow tables) are ignored", async (t) => {
    const url = await migrated("index-tables");
    const db = new Database(sqlitePathFromUrl(url));
    db.exec(`CREATE VIRTUAL TABLE ix_fts USING fts5(title, body)`);
    db.exec(`CREATE TABLE ix_meta (k TEXT PRIMARY KEY, v TEXT)`);
    let vec = false;
    try {
      const sqliteVec = (await import("sqlite-vec")) as { load(db: unknown): void };
      sqliteVec.load(db);
      db.exec(`CREATE VIRTUAL TABLE ix_vec USING vec0(embedding float[4])`);
      vec = true;
    } catch (err) {
      t.diagnostic(`sqlite-vec not loadable here, vec0 part not covered: ${(err as Error).message}`);
    }
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'ix_%'`).all() as {
      name: string;
    }[]).map((r) => r.name);
    db.close();
    assert.ok(names.includes("ix_fts_data"), "FTS5 shadow tables should exist");
    if (vec) assert.ok(names.includes("ix_vec_rowids"), "vec0 shadow tables should exist");
    assert.deepEqual(await databaseDrift(url), []);
  });

  test("a column added by hand fails the check and is named", async () => {
    const url = await migrated("extra-column");
    const db = new Database(sqlitePathFromUrl(url));
    db.exec(`ALTER TABLE "Report" ADD COLUMN "severity" TEXT`);
    db.close();
    const problems = await databaseDrift(url);
    assert.ok(problems.length > 0, "drift must be reported");
    assert.ok(
      problems.some((p) => p.includes(`column "severity"`) && p.includes(`"Report"`)),
      `problems should name Report.severity:\n${problems.join("\n")}`,
    );

    const cli = spawnSync(process.execPath, ["--import", "tsx", "scripts/db.ts", "check"], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: url, SHADOW_DATABASE_URL: "", TEST_POSTGRES_URL: "" },
      encoding: "utf8",
    });
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /FAIL database/);
    assert.match(cli.stdout, /column "severity"/);
  });

  test("a dropped index and pending migrations are reported", async () => {
    const url = await migrated("dropped-index");
    const db = new Database(sqlitePathFromUrl(url));
    db.exec(`DROP INDEX "Report_product_component_idx"`);
    db.close();
    const problems = await databaseDrift(url);
    assert.ok(problems.some((p) => p.includes(`index "Report_product_component_idx"`) && p.includes("missing")), problems.join("\n"));

    const empty = `file:${path.join(tmp, "never-migrated", "app.db")}`;
    await migrate(empty, { dir: path.join(tmp, "no-such-dir") }); // creates the file and the table only
    const report = await runCheck(empty);
    assert.equal(report.ok, false);
    assert.ok(report.sections.some((s) => s.problems.some((p) => /pending migration/.test(p))));
  });
});

describe("schema.prisma vs migration history", () => {
  test("the repo's histories end exactly at schema.prisma and hold the same folders", async () => {
    const layout: Layout = {
      schema: readSchema("sqlite"),
      sqliteDir: migrationsDir("sqlite"),
      pgDir: migrationsDir("postgresql"),
    };
    assert.deepEqual(compareHistories(layout), []);
    assert.equal(await historyDiff(layout, "sqlite"), "");
  });

  test("a schema change is detected, `new` writes both providers, then it is a no-op", async () => {
    const changed = readSchema("sqlite").replace(
      /(model Report \{[^}]*?indexedHash\s+String\?[^\n]*\n)/,
      `$1  severity    String?\n  @@index([severity])\n`,
    );
    assert.notEqual(changed, readSchema("sqlite"), "test setup: schema edit did not apply");
    const layout = copyLayout("schema-change", changed);
    const before = listMigrations(layout.sqliteDir).length;

    const d = await historyDiff(layout, "sqlite");
    assert.match(d, /Report/);

    const r = await createMigration("add severity", { layout, now: new Date("2100-01-02T03:04:05Z") });
    assert.equal(r.folder, "21000102030405_add_severity");
    assert.deepEqual(r.warnings, []);
    const sqliteSql = readFileSync(path.join(layout.sqliteDir, r.folder!, "migration.sql"), "utf8");
    const pgSql = readFileSync(path.join(layout.pgDir, r.folder!, "migration.sql"), "utf8");
    assert.match(sqliteSql, /ALTER TABLE "Report" ADD COLUMN "severity" TEXT/);
    assert.match(sqliteSql, /CREATE INDEX "Report_severity_idx"/);
    assert.match(pgSql, /ALTER TABLE "Report" ADD COLUMN\s+"severity" TEXT/);
    assert.match(pgSql, /CREATE INDEX "Report_severity_idx"/);
    assert.doesNotMatch(pgSql, /CREATE TABLE/, "Postgres step must start from the history's end state");
    assert.match(readFileSync(path.join(layout.pgDir, "migration_lock.toml"), "utf8"), /provider = "postgresql"/);
    assert.equal(listMigrations(layout.sqliteDir).length, before + 1);
    assert.deepEqual(compareHistories(layout), []);
    assert.equal(await historyDiff(layout, "sqlite"), "");

    const again = await createMigration("again", { layout });
    assert.equal(again.folder, null);
    assert.equal(listMigrations(layout.pgDir).length, before + 1);

    // A database migrated with the old history now lags behind the new one.
    const url = await migrated("lagging");
    const report = await runCheck(url, { layout });
    assert.equal(report.ok, false);
  });

  test("a history missing a folder on one side is reported", () => {
    const layout = copyLayout("lopsided");
    const first = listMigrations(layout.pgDir)[0]!;
    rmSync(first.dir, { recursive: true });
    const problems = compareHistories(layout);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`only in the SQLite history.*${first.name}`));
  });
});
