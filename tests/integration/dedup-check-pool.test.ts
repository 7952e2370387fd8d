// Duplicate checks served by the check pool's worker threads (lib/workers/check-pool.ts) against the same
// checks in thread: identical answers, and the workers (each with its own SQLite connection and ANN graph)
// see what the main thread writes after they started — a report indexed after the pool came up, and a new
// generation switched in by a re-index — at the next check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import type { Core } from "@/lib/core";
import type { CheckPool } from "@/lib/workers/check-pool";
import type { DuplicatesResponse } from "@/lib/domain/views";
import { findDuplicates } from "@/lib/dedup/find";
import { toSummary } from "@/lib/corpus/rows";
import { indexStale } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT, toPoints } from "@/lib/corpus/vectors";
import { parseInput } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import { corpusDf } from "@/lib/dedup/df";
import { invalidateThresholds } from "@/lib/dedup/thresholds";
import { synthReports, tempDb, tinyModelDir, toJsonl, waitFor, type TempDb } from "@/tests/integration/fault-fixture";

let db: TempDb;
let prisma: PrismaClient;
let pooled: Core;
let inThread: Core;
let pool: CheckPool;
const REPORTS = synthReports(160, 5);

before(async () => {
  db = await tempDb("check-pool");
  prisma = createPrisma(db.url);
  const s = await importRecords(prisma, parseInput("jsonl", toJsonl(REPORTS)), { recordJob: false });
  assert.equal(s.imported, REPORTS.length);
  const { loadConfig } = await import("@/lib/config");
  const { openCore } = await import("@/lib/runtime/cli");
  // ANN_MIN_POINTS below the corpus size: the workers' dense side goes through their own copy of the graph,
  // which must replay the change log to see what the main thread wrote.
  const modelDir = tinyModelDir();
  const env = { DATABASE_URL: db.url, MODEL_DIR: modelDir, ANN_MIN_POINTS: "100", CHECK_WORKERS: "2" };
  pooled = openCore(loadConfig(env), { checkPool: true });
  inThread = openCore(loadConfig(env));
  assert.equal(await indexStale(inThread), REPORTS.length);
  const started = pooled.checkPool();
  assert.ok(started, "the pool is on for the embedded index");
  pool = started;
  await pool.started;
  assert.equal(pool.size, 2, "both workers started");
  // Both Cores explain with their corpus term frequencies (built in the background on first use), so that the
  // whole responses can be compared.
  await waitFor(() => corpusDf(pooled) && corpusDf(inThread), "the corpus frequency tables");
});

after(async () => {
  await pooled?.close();
  await inThread?.close();
  await prisma?.$disconnect();
  db?.cleanup();
});

const drafts = [
  ...REPORTS.filter((_, i) => i % 23 === 0).map((r) => ({ title: r.title, description: r.description, product: r.product })),
  { title: "upload crash after token expired", description: "the sync client hangs then crashes on upload when the token cache expired" },
  { title: "no words the model knows: ✓✓✓", description: "" },
];

/** A check through the pool, asserting a worker answered it. */
async function viaPool(draft: (typeof drafts)[number], opts: Parameters<typeof findDuplicates>[2] = {}): Promise<DuplicatesResponse> {
  const before = pool.served;
  const res = await findDuplicates(pooled, draft, opts);
  assert.equal(pool.served, before + 1, "a worker served the check");
  return res;
}

const withoutTiming = (r: DuplicatesResponse) => ({ ...r, tookMs: 0 });

test("checks served by the workers answer exactly as in thread (ids, scores, tiers, explanations)", async () => {
  for (const d of drafts) {
    for (const opts of [{ k: 10 }, { k: 5, sameProductOnly: true, product: "Prod1" }]) {
      const a = await viaPool(d, opts);
      const b = await findDuplicates(inThread, d, opts);
      assert.deepEqual(withoutTiming(a), withoutTiming(b), `draft "${d.title}" ${JSON.stringify(opts)}`);
      // The shown rows are read with raw SQL (lib/dedup/find.ts): each summary is the one Prisma's model gives.
      for (const c of a.candidates) {
        for (const shown of [c.report, ...(c.master ? [c.master] : [])]) {
          assert.deepEqual(shown, toSummary(await prisma.report.findUniqueOrThrow({ where: { id: shown.id } })));
        }
      }
    }
  }
  // Eight at once: spread over both workers, each answer still the one computed in thread.
  const many = await Promise.all(drafts.slice(0, 8).map((d) => findDuplicates(pooled, d, { k: 10 })));
  for (const [i, d] of drafts.slice(0, 8).entries()) {
    assert.deepEqual(withoutTiming(many[i]!), withoutTiming(await findDuplicates(inThread, d, { k: 10 })));
  }
});

test("a report indexed after the workers started is found by the next worker-served check", async () => {
  const fresh = { source: "late", externalId: "L-1", title: "quota exceeded banner flickers in dark mode", description: "the quota banner flickers forever in dark mode after resize", product: "Prod2", createdAt: "2024-06-01T00:00:00Z" };
  const draft = { title: fresh.title, description: fresh.description };
  const before = await viaPool(draft, { k: 10 });
  await importRecords(prisma, parseInput("jsonl", toJsonl([fresh])), { recordJob: false });
  const row = await prisma.report.findFirstOrThrow({ where: { source: "late" } });
  assert.ok(!before.candidates.some((c) => c.report.id === row.id));
  assert.equal(await indexStale(inThread), 1); // written through the other Core's connection
  const after = await viaPool(draft, { k: 10 });
  assert.equal(after.candidates[0]?.report.id, row.id, "the new report is the best candidate");
  assert.deepEqual(withoutTiming(after), withoutTiming(await findDuplicates(inThread, draft, { k: 10 })));
});

test("a new generation switched in by a re-index is what the workers search next", async () => {
  const draft = drafts[0]!;
  const beforeSwitch = await viaPool(draft, { k: 10 });
  const shown = new Set(beforeSwitch.candidates.map((c) => c.report.id));
  assert.ok(shown.size > 0);
  // The new generation leaves out every report the check showed (and keeps the rest, re-encoded).
  const ix = await inThread.index();
  const oldGen = ix.generation;
  const rows = await prisma.report.findMany({ where: { id: { notIn: [...shown] } }, select: INDEXABLE_SELECT, orderBy: { id: "asc" } });
  const { encoder } = await inThread.servingEncoder();
  const session = await ix.beginReindex();
  await session.upsert(await toPoints(encoder, rows));
  await session.commit();
  assert.notEqual((await inThread.index()).generation, oldGen);

  const afterSwitch = await viaPool(draft, { k: 10 });
  assert.ok(afterSwitch.candidates.length > 0);
  for (const c of afterSwitch.candidates) assert.ok(!shown.has(c.report.id), `report ${c.report.id} is not in the new generation`);
  assert.deepEqual(withoutTiming(afterSwitch), withoutTiming(await findDuplicates(inThread, draft, { k: 10 })));
});

test("a calibration reaches the workers with the next check (thresholds travel with the request)", async () => {
  const draft = drafts[2]!;
  const before = await viaPool(draft, { k: 10 });
  assert.equal(before.thresholds.calibrated, false);
  const { name } = await pooled.servingModel();
  // Thresholds no cosine reaches, then every candidate "below"; the workers' own caches never saw this row.
  await prisma.tierCalibration.create({
    data: { model: name, scope: "*", likely: 1.5, related: 1.4, likelyPrecision: 1, likelyRecall: 0, relatedPrecision: 1, relatedRecall: 0, positives: 1, negatives: 1 },
  });
  try {
    invalidateThresholds(pooled);
    invalidateThresholds(inThread);
    const after = await viaPool(draft, { k: 10 });
    assert.deepEqual(after.thresholds, { scope: "*", likely: 1.5, related: 1.4, calibrated: true });
    assert.ok(after.candidates.length > 0);
    for (const c of after.candidates) assert.equal(c.tier, "below");
    assert.deepEqual(withoutTiming(after), withoutTiming(await findDuplicates(inThread, draft, { k: 10 })));
  } finally {
    await prisma.tierCalibration.deleteMany({ where: { model: name } });
    invalidateThresholds(pooled);
    invalidateThresholds(inThread);
  }
});

test("when no worker can start, checks run in thread and answer the same", async (t) => {
  const { loadConfig } = await import("@/lib/config");
  const { openCore } = await import("@/lib/runtime/cli");
  // The worker entry is found from the working directory (the repository root); elsewhere none can start.
  const cwd = process.cwd();
  process.chdir(db.dir);
  t.after(() => process.chdir(cwd));
  const env = { DATABASE_URL: db.url, MODEL_DIR: tinyModelDir(), ANN_MIN_POINTS: "100", CHECK_WORKERS: "2" };
  const orphan = openCore(loadConfig(env), { checkPool: true });
  try {
    const p = orphan.checkPool()!;
    await p.started;
    assert.equal(p.size, 0, "no worker is up");
    process.chdir(cwd);
    const d = drafts[1]!;
    const res = await findDuplicates(orphan, d, { k: 10 });
    assert.equal(p.served, 0);
    assert.ok(res.candidates.length > 0);
    // A new Core explains with the candidates' own term frequencies until its corpus table is built in the
    // background, so the ranking is compared here, not the explanations.
    const ranking = (r: DuplicatesResponse) => r.candidates.map((c) => [c.report.id, c.clusterId, c.score, c.fusedScore, c.tier]);
    assert.deepEqual(ranking(res), ranking(await findDuplicates(inThread, d, { k: 10 })));
  } finally {
    await orphan.close();
  }
});
