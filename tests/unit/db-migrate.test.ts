// Offline migration runner on real SQLite files: fresh migrate, idempotent re-run,
// `_prisma_migrations` rows as Prisma writes them, edited-file detection, atomic
// failure, refusal on foreign databases, and CRUD through the Prisma client.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { createPrisma, sqlitePathFromUrl } from "@/lib/db/client";
import { resetConfig } from "@/lib/config";
import { closeServerCore, serverCore } from "@/lib/runtime/server";
import { createMigration } from "@/lib/offline/migrate/history";
import { listMigrations, scriptMatchesChecksum } from "@/lib/offline/migrate/migrations";
import { isUpToDate, migrate, migrationStatus } from "@/lib/offline/migrate/runner";
import { migrationsDir, readSchema } from "@/lib/offline/migrate/schema-source";

const REPO = path.resolve(import.meta.dirname, "../..");
let tmp: string;

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "bugsift-db-migrate-"));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function freshUrl(name: string): string {
  return `file:${path.join(tmp, name, "app.db")}`;
}

describe("sqlite migrations", () => {
  test("the repo has a SQLite history", () => {
    const local = listMigrations(migrationsDir("sqlite"));
    assert.ok(local.length >= 1, "prisma/migrations has no migration folders");
  });

  test("fresh database: pending -> migrate -> up to date, rows written like Prisma", async () => {
    const url = freshUrl("fresh");
    const local = listMigrations(migrationsDir("sqlite"));

    const before = await migrationStatus(url);
    assert.equal(before.hasMigrationsTable, false);
    assert.deepEqual(before.pending, local.map((m) => m.name));

    const t0 = Date.now();
    const r = await migrate(url);
    assert.deepEqual(r.applied, local.map((m) => m.name));

    const st = await migrationStatus(url);
    assert.ok(isUpToDate(st), "status should be up to date after migrate");
    assert.equal(st.applied.length, local.length);

    const db = new Database(sqlitePathFromUrl(url), { readonly: true });
    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY started_at`).all() as Record<string, unknown>[];
    const ddl = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'`).get() as { sql: string }).sql;
    db.close();
    assert.match(ddl, /"applied_steps_count"\s+INTEGER UNSIGNED NOT NULL DEFAULT 0/);
    assert.equal(rows.length, local.length);
    for (const [i, row] of rows.entries()) {
      const file = readFileSync(path.join(local[i]!.dir, "migration.sql"));
      assert.equal(row.migration_name, local[i]!.name);
      assert.equal(row.checksum, createHash("sha256").update(file).digest("hex"));
      assert.match(String(row.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(row.applied_steps_count, 1);
      assert.equal(row.logs, null);
      assert.equal(row.rolled_back_at, null);
      // Prisma's SQLite driver stores DateTime as integer unix milliseconds.
      assert.equal(typeof row.started_at, "number");
      assert.equal(typeof row.finished_at, "number");
      assert.ok((row.started_at as number) >= t0 - 1000 && (row.finished_at as number) >= (row.started_at as number));
    }
  });

  test("re-running migrate is a no-op", async () => {
    const url = freshUrl("rerun");
    await migrate(url);
    const again = await migrate(url);
    assert.deepEqual(again.applied, []);
    const db = new Database(sqlitePathFromUrl(url), { readonly: true });
    const n = (db.prepare(`SELECT COUNT(*) AS n FROM "_prisma_migrations"`).get() as { n: number }).n;
    db.close();
    assert.equal(n, listMigrations(migrationsDir("sqlite")).length);
  });

  test("an edited migration file is detected and migrate refuses", async () => {
    const dir = path.join(tmp, "edited-history");
    cpSync(migrationsDir("sqlite"), dir, { recursive: true });
    const url = freshUrl("edited");
    await migrate(url, { dir });
    const first = listMigrations(dir)[0]!;
    appendFileSync(path.join(first.dir, "migration.sql"), "\n-- edited after apply\n");

    const st = await migrationStatus(url, dir);
    assert.deepEqual(st.edited.map((e) => e.name), [first.name]);
    assert.ok(!isUpToDate(st));
    await assert.rejects(migrate(url, { dir }), (err: Error) => {
      assert.match(err.message, /changed after being applied/);
      assert.ok(err.message.includes(first.name), "error should name the migration");
      return true;
    });
  });

  test("line-ending changes (git autocrlf) are not edits, like Prisma's checksum match", async () => {
    const dir = path.join(tmp, "crlf-history");
    cpSync(migrationsDir("sqlite"), dir, { recursive: true });
    const url = freshUrl("crlf");
    await migrate(url, { dir });
    const first = listMigrations(dir)[0]!;
    const file = path.join(first.dir, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
    assert.notEqual(listMigrations(dir)[0]!.checksum, first.checksum);
    assert.ok(isUpToDate(await migrationStatus(url, dir)));
    assert.ok(scriptMatchesChecksum("hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    assert.ok(!scriptMatchesChecksum("hello!", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
  });

  test("a failing migration is rolled back completely and not recorded", async () => {
    const dir = path.join(tmp, "failing-history");
    cpSync(migrationsDir("sqlite"), dir, { recursive: true });
    const bad = path.join(dir, "99990101000000_broken");
    mkdirSync(bad);
    writeFileSync(
      path.join(bad, "migration.sql"),
      `CREATE TABLE "Partial" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "NoSuchTable" VALUES (1);\n`,
    );
    const url = freshUrl("failing");
    await assert.rejects(migrate(url, { dir }), /99990101000000_broken failed: no such table: NoSuchTable/);
    const st = await migrationStatus(url, dir);
    assert.deepEqual(st.pending, ["99990101000000_broken"]);
    assert.deepEqual(st.failed, []);
    const db = new Database(sqlitePathFromUrl(url), { readonly: true });
    const partial = db.prepare(`SELECT name FROM sqlite_master WHERE name = 'Partial'`).get();
    db.close();
    assert.equal(partial, undefined, "the half-applied table must be rolled back");
  });

  test("refuses a non-empty database that has no _prisma_migrations table, ignores ix_ tables", async () => {
    const url = freshUrl("foreign");
    const file = sqlitePathFromUrl(url);
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec(`CREATE TABLE ix_meta (k TEXT PRIMARY KEY, v TEXT)`); // vector index table: allowed
    db.close();
    const ok = await migrate(freshUrl("foreign"));
    assert.ok(ok.applied.length > 0, "ix_ tables alone must not block migrate");

    const url2 = freshUrl("foreign2");
    const file2 = sqlitePathFromUrl(url2);
    mkdirSync(path.dirname(file2), { recursive: true });
    const db2 = new Database(file2);
    db2.exec(`CREATE TABLE legacy (id INTEGER)`);
    db2.close();
    await assert.rejects(migrate(url2), /not empty \(tables: legacy\).*P3005/s);
  });

  test("a table redefinition keeps child rows (no ON DELETE CASCADE / SET NULL during DROP TABLE)", async () => {
    // Changing a column default makes SQLite rebuild the table (new_X, copy, DROP X, rename).
    // With foreign keys on, that DROP would delete DuplicateLink rows and null IndexJob refs.
    const schema = readSchema("sqlite")
      .replace(`description String   @default("")`, `description String   @default("(none)")`)
      .replace(`  active    Boolean    @default(false)`, `  active    Boolean    @default(true)`);
    assert.notEqual(schema, readSchema("sqlite"), "test setup: schema edit did not apply");
    const layout = {
      schema,
      sqliteDir: path.join(tmp, "redefine", "migrations"),
      pgDir: path.join(tmp, "redefine", "migrations-postgres"),
    };
    cpSync(migrationsDir("sqlite"), layout.sqliteDir, { recursive: true });
    cpSync(migrationsDir("postgresql"), layout.pgDir, { recursive: true });

    const url = freshUrl("redefine-db");
    await migrate(url, { dir: layout.sqliteDir });
    const prisma = createPrisma(url);
    try {
      const d = new Date();
      const a = await prisma.report.create({ data: { source: "s", externalId: "a", title: "a", createdAt: d, updatedAt: d, contentHash: "a" } });
      const b = await prisma.report.create({ data: { source: "s", externalId: "b", title: "b", createdAt: d, updatedAt: d, contentHash: "b" } });
      await prisma.duplicateLink.create({ data: { duplicateId: b.id, masterId: a.id, origin: "imported" } });
      const mv = await prisma.modelVersion.create({ data: { name: "m", path: "p", kind: "static", dims: 8, pooling: "mean" } });
      await prisma.indexJob.create({ data: { id: "j", kind: "reindex", state: "queued", modelVersionId: mv.id } });
    } finally {
      await prisma.$disconnect();
    }

    const r = await createMigration("redefine", { layout });
    assert.ok(r.folder);
    const sql = readFileSync(path.join(layout.sqliteDir, r.folder!, "migration.sql"), "utf8");
    assert.match(sql, /DROP TABLE "Report"/);
    assert.match(sql, /DROP TABLE "ModelVersion"/);
    assert.deepEqual((await migrate(url, { dir: layout.sqliteDir })).applied, [r.folder]);

    const db = new Database(sqlitePathFromUrl(url), { readonly: true });
    const links = (db.prepare(`SELECT COUNT(*) AS n FROM "DuplicateLink"`).get() as { n: number }).n;
    const job = db.prepare(`SELECT "modelVersionId" FROM "IndexJob" WHERE id = 'j'`).get() as { modelVersionId: number | null };
    const fkOn = db.pragma("foreign_keys", { simple: true });
    db.close();
    assert.equal(links, 1, "DuplicateLink row must survive the Report rebuild");
    assert.notEqual(job.modelVersionId, null, "IndexJob.modelVersionId must survive the ModelVersion rebuild");
    assert.equal(fkOn, 1);
  });

  test("CLI: status exits 1 while pending, migrate, then status exits 0", () => {
    const url = freshUrl("cli");
    const env = { ...process.env, DATABASE_URL: url };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/db.ts", ...args], { cwd: REPO, env, encoding: "utf8" });
    const st0 = run("status");
    assert.equal(st0.status, 1, st0.stdout + st0.stderr);
    assert.match(st0.stdout, /pending/);
    const m = run("migrate");
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /applied \d+ migration\(s\)/);
    const st = run("status");
    assert.equal(st.status, 0, st.stdout + st.stderr);
    assert.match(st.stdout, /up to date/);
  });
});

describe("prisma client on sqlite", () => {
  test("CRUD across every model, cascades and SET NULL through createPrisma", async () => {
    const url = freshUrl("crud");
    await migrate(url);
    const prisma = createPrisma(url);
    try {
      const now = new Date("2024-05-01T12:00:00Z");
      const mk = (externalId: string, title: string) =>
        prisma.report.create({
          data: { source: "demo", externalId, title, createdAt: now, updatedAt: now, contentHash: `h-${externalId}` },
        });
      const a = await mk("1", "Crash on start");
      const b = await mk("2", "Crashes when starting");
      await assert.rejects(mk("1", "dup"), (e: { code?: string }) => e.code === "P2002");

      await prisma.duplicateLink.create({ data: { duplicateId: b.id, masterId: a.id, origin: "imported" } });
      await prisma.triageDecision.create({ data: { reportId: a.id, otherId: b.id, verdict: "duplicate", actor: "me" } });
      const withLinks = await prisma.report.findUniqueOrThrow({
        where: { source_externalId: { source: "demo", externalId: "2" } },
        include: { duplicateOf: true, decisionsAsB: true },
      });
      assert.equal(withLinks.duplicateOf.length, 1);
      assert.equal(withLinks.decisionsAsB.length, 1);
      assert.equal(withLinks.description, "");
      assert.equal(withLinks.createdAt.toISOString(), now.toISOString());

      await prisma.report.update({ where: { id: b.id }, data: { indexedHash: "h-2" } });
      assert.equal((await prisma.report.findUniqueOrThrow({ where: { id: b.id } })).indexedHash, "h-2");

      const mv = await prisma.modelVersion.create({
        data: { name: "static-v1", path: "models/s1", kind: "static", dims: 256, pooling: "mean" },
      });
      await prisma.indexJob.create({ data: { id: "job-1", kind: "reindex", state: "queued", modelVersionId: mv.id } });
      const tiers = { likelyPrecision: 0.9, likelyRecall: 0.7, relatedPrecision: 0.6, relatedRecall: 0.95, positives: 5, negatives: 50 };
      for (let i = 0; i < 2; i++) {
        await prisma.tierCalibration.upsert({
          where: { model_scope: { model: "static-v1", scope: "*" } },
          create: { model: "static-v1", scope: "*", likely: 0.8, related: 0.6, ...tiers },
          update: { likely: 0.85 },
        });
      }
      assert.equal((await prisma.tierCalibration.findUniqueOrThrow({ where: { model_scope: { model: "static-v1", scope: "*" } } })).likely, 0.85);

      // ON DELETE CASCADE (needs foreign keys on in better-sqlite3) and ON DELETE SET NULL.
      await prisma.report.delete({ where: { id: a.id } });
      assert.equal(await prisma.duplicateLink.count(), 0);
      assert.equal(await prisma.triageDecision.count(), 0);
      await prisma.modelVersion.delete({ where: { id: mv.id } });
      assert.equal((await prisma.indexJob.findUniqueOrThrow({ where: { id: "job-1" } })).modelVersionId, null);
      assert.equal(await prisma.report.count(), 1);
    } finally {
      await prisma.$disconnect();
    }
  });

  test("the server's Core follows DATABASE_URL and holds one shared client", async () => {
    const url = freshUrl("shared");
    await migrate(url);
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    resetConfig();
    try {
      const p1 = serverCore().db;
      assert.equal(p1, serverCore().db);
      await p1.report.create({
        data: { source: "demo", externalId: "s", title: "t", createdAt: new Date(), updatedAt: new Date(), contentHash: "h" },
      });
      assert.equal(await serverCore().db.report.count(), 1);
      process.env.DATABASE_URL = freshUrl("other");
      resetConfig();
      assert.throws(() => serverCore(), /DATABASE_URL changed/);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      resetConfig();
      await closeServerCore();
    }
  });

  test("bad DATABASE_URL values give clear errors", () => {
    assert.throws(() => createPrisma("mysql://x/y"), /Unsupported DATABASE_URL "mysql:\/\/x\/y"/);
    assert.throws(() => sqlitePathFromUrl("file:"), /has no file path/);
    assert.equal(sqlitePathFromUrl("file:./data/x.db?connection_limit=1"), path.resolve("data/x.db"));
  });
});
