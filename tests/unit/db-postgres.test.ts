// Postgres: the same runner and client against a real server. Runs only when
// TEST_POSTGRES_URL is set (CI: export TEST_POSTGRES_URL="$(scripts/pg-test-server.sh)").
// Each test works in its own schema (?schema=t_<random>, tests/helpers/pg-scratch.ts), dropped afterwards.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createPrisma } from "@/lib/db/client";
import { databaseDrift, runCheck } from "@/lib/offline/migrate/drift";
import { createMigration, historyDiff, type Layout } from "@/lib/offline/migrate/history";
import { listMigrations } from "@/lib/offline/migrate/migrations";
import { qi } from "@/lib/db/pg-url";
import { PgScratch } from "@/tests/helpers/pg-scratch";
import { isUpToDate, migrate, migrationStatus } from "@/lib/offline/migrate/runner";
import { migrationsDir, readSchema } from "@/lib/offline/migrate/schema-source";

const SERVER = process.env.TEST_POSTGRES_URL;
if (!SERVER) console.log("SKIP postgres: TEST_POSTGRES_URL not set");
const opts = { skip: SERVER ? false : "TEST_POSTGRES_URL not set" };

const scratch = SERVER ? new PgScratch(SERVER, "t") : null;
let tmp: string;
const schemaUrl = () => scratch!.schema();
const sql = <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []) => scratch!.sql<T>(text, params);

describe("postgres", opts, () => {
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "bugsift-db-pg-"));
  });
  after(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await scratch?.dropAll();
  });

  test("fresh schema: migrate -> up to date; re-run is a no-op; rows like Prisma's", async () => {
    const { url, schema } = schemaUrl();
    const local = listMigrations(migrationsDir("postgresql"));
    assert.ok(local.length >= 1);
    const r = await migrate(url);
    assert.deepEqual(r.applied, local.map((m) => m.name));
    assert.ok(isUpToDate(await migrationStatus(url)));
    assert.deepEqual((await migrate(url)).applied, []);

    const rows = await sql(
      `SELECT * FROM ${qi(schema)}._prisma_migrations ORDER BY started_at`,
    );
    assert.equal(rows.length, local.length);
    for (const [i, row] of rows.entries()) {
      assert.equal(row.migration_name, local[i]!.name);
      assert.equal(row.checksum, local[i]!.checksum);
      assert.equal(row.applied_steps_count, 1);
      assert.ok(row.finished_at instanceof Date);
    }
    const cols = await sql<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      [schema],
    );
    assert.deepEqual(
      cols.map((c) => `${c.column_name}:${c.data_type}`),
      [
        "id:character varying",
        "checksum:character varying",
        "finished_at:timestamp with time zone",
        "migration_name:character varying",
        "logs:text",
        "rolled_back_at:timestamp with time zone",
        "started_at:timestamp with time zone",
        "applied_steps_count:integer",
      ],
    );
  });

  test("CRUD on each model through the Postgres client", async () => {
    const { url } = schemaUrl();
    await migrate(url);
    const prisma = createPrisma(url);
    try {
      const now = new Date("2024-05-01T12:00:00.123Z");
      const a = await prisma.report.create({
        data: { source: "jira:HADOOP", externalId: "H-1", title: "NPE in DFS", createdAt: now, updatedAt: now, contentHash: "a" },
      });
      const b = await prisma.report.create({
        data: { source: "jira:HADOOP", externalId: "H-2", title: "NullPointer in DFS", createdAt: now, updatedAt: now, contentHash: "b" },
      });
      assert.equal(a.createdAt.toISOString(), now.toISOString());
      await assert.rejects(
        prisma.report.create({
          data: { source: "jira:HADOOP", externalId: "H-1", title: "x", createdAt: now, updatedAt: now, contentHash: "c" },
        }),
        (e: { code?: string }) => e.code === "P2002",
      );
      await prisma.duplicateLink.create({ data: { duplicateId: b.id, masterId: a.id, origin: "triager", actor: "ann" } });
      await prisma.triageDecision.create({ data: { reportId: a.id, otherId: b.id, verdict: "related", actor: "ann" } });
      const mv = await prisma.modelVersion.create({
        data: { name: "mini-v1", path: "models/mini", kind: "transformer", dims: 384, pooling: "mean", active: true },
      });
      await prisma.indexJob.create({
        data: { id: "j1", kind: "reindex", state: "running", progress: 0.25, modelVersionId: mv.id },
      });
      await prisma.tierCalibration.create({
        data: { model: "mini-v1", scope: "*", likely: 0.82, related: 0.61, likelyPrecision: 0.9, likelyRecall: 0.7, relatedPrecision: 0.6, relatedRecall: 0.95, positives: 5, negatives: 50 },
      });

      assert.equal((await prisma.report.findMany({ where: { title: { contains: "DFS" } } })).length, 2);
      assert.equal((await prisma.indexJob.findUniqueOrThrow({ where: { id: "j1" } })).progress, 0.25);
      await prisma.indexJob.update({ where: { id: "j1" }, data: { state: "succeeded", processed: 2 } });
      assert.equal((await prisma.modelVersion.findFirstOrThrow({ where: { active: true } })).dims, 384);
      assert.equal((await prisma.tierCalibration.findUniqueOrThrow({ where: { model_scope: { model: "mini-v1", scope: "*" } } })).likely, 0.82);
      const raw = await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT COUNT(*)::int AS n FROM "Report"`);
      assert.equal(raw[0]!.n, 2, "raw SQL must see the ?schema= tables (search_path)");

      await prisma.report.delete({ where: { id: a.id } });
      assert.equal(await prisma.duplicateLink.count(), 0);
      assert.equal(await prisma.triageDecision.count(), 0);
      await prisma.modelVersion.delete({ where: { id: mv.id } });
      assert.equal((await prisma.indexJob.findUniqueOrThrow({ where: { id: "j1" } })).modelVersionId, null);
    } finally {
      await prisma.$disconnect();
    }
  });

  test("drift check: clean passes, ix_ tables ignored, hand-added column fails by name", async () => {
    const { url, schema } = schemaUrl();
    await migrate(url);
    await sql(`CREATE TABLE ${qi(schema)}.ix_vectors (id INTEGER PRIMARY KEY, v REAL[])`);
    const report = await runCheck(url);
    const failing = report.sections.filter((s) => s.problems.length > 0);
    assert.deepEqual(failing, [], JSON.stringify(failing, null, 2));
    assert.ok(
      report.sections.some((s) => s.title.startsWith("Postgres history") && !s.skipped),
      "the Postgres history must be checked against a real server",
    );

    await sql(`ALTER TABLE ${qi(schema)}."Report" ADD COLUMN "severity" TEXT`);
    const problems = await databaseDrift(url);
    assert.ok(problems.length > 0);
    assert.ok(problems.some((p) => p.includes("severity")), problems.join("\n"));
  });

  test("Postgres history ends at schema.prisma; `new` computed on the server matches the offline one", async () => {
    const base: Layout = { schema: readSchema("sqlite"), sqliteDir: migrationsDir("sqlite"), pgDir: migrationsDir("postgresql") };
    assert.equal(await historyDiff(base, "postgresql", SERVER), "");

    const changed = readSchema("sqlite").replace(
      /(model Report \{[^}]*?indexedHash\s+String\?[^\n]*\n)/,
      `$1  severity    String?  @default("low")\n  @@index([severity])\n`,
    );
    const layouts = ["offline", "server"].map((n): Layout => {
      const l = { schema: changed, sqliteDir: path.join(tmp, n, "m"), pgDir: path.join(tmp, n, "mp") };
      cpSync(base.sqliteDir, l.sqliteDir, { recursive: true });
      cpSync(base.pgDir, l.pgDir, { recursive: true });
      return l;
    });
    const when = new Date("2100-01-01T00:00:00Z");
    const off = await createMigration("sev", { layout: layouts[0], now: when });
    const on = await createMigration("sev", { layout: layouts[1], now: when, pgServerUrl: SERVER });
    const read = (l: Layout, f: string) => readFileSync(path.join(l.pgDir, f, "migration.sql"), "utf8");
    const stmts = (s: string) => s.split(";").map((x) => x.replace(/--.*\n/g, "").replace(/\s+/g, " ").trim()).filter(Boolean).sort();
    assert.deepEqual(stmts(read(layouts[0]!, off.folder!)), stmts(read(layouts[1]!, on.folder!)));
    assert.equal(await historyDiff(layouts[0]!, "postgresql", SERVER), "");

    // And the new Postgres migration applies on top of the old history.
    const { url } = schemaUrl();
    await migrate(url);
    const r = await migrate(url, { dir: layouts[0]!.pgDir });
    assert.deepEqual(r.applied, [off.folder]);
    assert.deepEqual(await databaseDrift(url, layouts[0]), []);
  });

  test("an edited Postgres migration is refused", async () => {
    const { url } = schemaUrl();
    const dir = path.join(tmp, "edited");
    cpSync(migrationsDir("postgresql"), dir, { recursive: true });
    await migrate(url, { dir });
    const first = listMigrations(dir)[0]!;
    const { appendFileSync } = await import("node:fs");
    appendFileSync(path.join(first.dir, "migration.sql"), "\n-- edited\n");
    await assert.rejects(migrate(url, { dir }), new RegExp(`changed after being applied[\\s\\S]*${first.name}`));
  });
});
