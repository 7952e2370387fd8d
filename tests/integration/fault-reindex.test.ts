// Crash-safe re-index: `npm run reindex` runs in a child process on a temp database with a few hundred
// reports and is killed with SIGKILL at seeded points (observed through its IndexJob row). After each
// kill the old generation must still answer exactly as before, the dead job must end up failed (by the
// next run's startup check or by the doctor) and resumable, and a final run must leave every report in
// the index exactly once with the vector a fresh encode gives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { getEncoder } from "@/lib/embedding/encoder";
import type { Encoder } from "@/lib/embedding/types";
import type { HybridHit } from "@/lib/vector/types";
import { parseInput } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import { contentHash, finishRecord } from "@/lib/ingest/record";
import { indexReports } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT, embeddingText } from "@/lib/corpus/vectors";
import { parseCounts } from "@/lib/jobs/store";
import { inspect } from "@/lib/offline/doctor/inspect";
import { runDoctor } from "@/lib/offline/doctor/run";
import { rng, sleep, spawnTsx, synthReports, tempDb, tinyModelDir, toJsonl, waitFor, type TempDb } from "@/tests/integration/fault-fixture";

const N = 300;
const BATCH = 4;
const SEED = 20_240_607;
const STALE_MS = 1000;
const QUERIES = ["disk full crash on upload", "login token expired", "deadlock in socket thread"];

let db: TempDb;
let prisma: PrismaClient;
let ix: SqliteVecIndex;
let encoder: Encoder;
let modelDir: string;

before(async () => {
  modelDir = tinyModelDir();
  db = await tempDb("reindex");
  prisma = createPrisma(db.url);
  const s = await importRecords(prisma, parseInput("jsonl", toJsonl(synthReports(N, 5))), { batchSize: 100, recordJob: false });
  assert.equal(s.imported, N);
  encoder = await getEncoder(modelDir);
  ix = new SqliteVecIndex({ path: db.file, dims: encoder.dims });
  // The "old" generation every search must keep hitting until a re-index commits.
  const rows = await prisma.report.findMany({ select: INDEXABLE_SELECT, orderBy: { id: "asc" } });
  for (let i = 0; i < rows.length; i += 100) await indexReports(prisma, rows.slice(i, i + 100), { encoder, index: ix });
});

after(async () => {
  await ix?.close();
  await prisma?.$disconnect();
  db?.cleanup();
});

async function searches(): Promise<HybridHit[][]> {
  const vecs = await encoder.encode(QUERIES);
  return Promise.all(QUERIES.map((q, i) => ix.hybridSearch(vecs[i]!, q, 10)));
}

const latestReindex = () => prisma.indexJob.findFirst({ where: { kind: "reindex" }, orderBy: { createdAt: "desc" } });

function reindexChild() {
  return spawnTsx("scripts/reindex.ts", ["--batch-size", String(BATCH)], {
    DATABASE_URL: db.url,
    MODEL_DIR: modelDir,
    STALE_JOB_MS: String(STALE_MS),
    QDRANT_URL: "",
  });
}

/** Reports already written to a (building) generation, read straight from its id table. */
function indexedIn(gen: string): number {
  const raw = new Database(db.file, { readonly: true, fileMustExist: true });
  try {
    return (raw.prepare(`SELECT count(*) AS n FROM ix_doc_${gen}`).get() as { n: number }).n;
  } catch {
    return 0; // the generation's tables are created right after its name is recorded
  } finally {
    raw.close();
  }
}

/** Raw row counts of a generation's physical tables (vec0 and the id table): each report exactly once. */
function physicalCounts(gen: string): { vec: number; doc: number; distinctVec: number } {
  const raw = new Database(db.file, { readonly: true });
  try {
    sqliteVec.load(raw);
    const one = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;
    return {
      vec: one(`SELECT count(*) AS n FROM ix_vec_${gen}`),
      distinctVec: one(`SELECT count(DISTINCT id) AS n FROM ix_vec_${gen}`),
      doc: one(`SELECT count(*) AS n FROM ix_doc_${gen}`),
    };
  } finally {
    raw.close();
  }
}

test("SIGKILL during reindex at seeded points: old index keeps serving, job recoverable, final run indexes every report exactly once", async () => {
  const oldGen = ix.generation;
  const baseline = await searches();
  assert.equal(await ix.count(), N);
  assert.ok(baseline.every((hits) => hits.length === 10));

  // Kill points: right after the job starts (maybe before its generation is even recorded), then at
  // seeded fractions of the corpus, increasing so every resumed run gets further.
  const r = rng(SEED);
  const f1 = 0.15 + r() * 0.2;
  const f2 = f1 + 0.15 + r() * 0.2;
  const killAt = [0, Math.floor(f1 * N), Math.floor(f2 * N)];
  const killedJobs: string[] = [];
  let expected = new Set((await prisma.report.findMany({ select: { id: true } })).map((x) => x.id));

  for (const [round, k] of killAt.entries()) {
    const prev = await latestReindex();
    const { child, done } = reindexChild();
    // The kill point is read from the building generation's own vector table, not the job row: the job writes
    // its progress at most every 250 ms, and on a fast machine a resumed run can finish inside that window.
    let job = await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          const r = await done;
          throw new Error(`round ${round}: reindex exited (${r.signal ?? r.code}) before reaching ${k} reports:\n${r.stderr.slice(-2000)}`);
        }
        const j = await latestReindex();
        if (!j || j.id === prev?.id || j.state !== "running") return null;
        if (k === 0) return j;
        return j.generation && indexedIn(j.generation) >= k ? j : null;
      },
      `reindex job to reach ${k} reports (round ${round})`,
      60_000,
      2,
    );
    child.kill("SIGKILL");
    const res = await done;
    assert.equal(res.signal, "SIGKILL", `round ${round}: the child must be killed mid-run, not finish (stderr: ${res.stderr.slice(-500)})`);
    job = (await prisma.indexJob.findUnique({ where: { id: job!.id } }))!;
    killedJobs.push(job.id);
    const written = job.generation ? indexedIn(job.generation) : 0;
    console.log(`round ${round}: SIGKILL with ${written}/${N} reports in generation ${job.generation ?? "(not yet recorded)"} (target ${k}; job row: processed=${job.processed})`);
    assert.equal(job.state, "running", "a killed process cannot record its own failure");

    // The old generation still answers, unchanged.
    assert.equal(ix.generation, oldGen);
    assert.equal(await ix.count(), expected.size);
    if (round < 2) assert.deepEqual(await searches(), baseline, `round ${round}: searches after the kill differ from before`);
    assert.equal((await ix.generations()).find((g) => g.state === "live")!.generation, oldGen);

    await sleep(STALE_MS + 200);
    if (round === 1) {
      // Doctor path: finds the dead job and marks it failed (resumable when its generation is recorded).
      const found = await inspect({ prisma, index: ix, encoder }, { staleMs: STALE_MS });
      assert.deepEqual(found.issues.find((i) => i.kind === "stale_job")?.ids, [job.id]);
      const fixed = await runDoctor({ prisma, index: ix, encoder }, { repair: true, staleMs: STALE_MS });
      assert.ok(fixed.repair!.actions.some((a) => a.kind === "stale_job" && a.fixed === 1));
      const j = (await prisma.indexJob.findUnique({ where: { id: job.id } }))!;
      assert.equal(j.state, "failed");
      assert.match(j.error ?? "", /interrupted/);
      assert.equal(parseCounts(j.counts)?.resumable, j.generation !== null);
      // Writes through the normal paths between runs: edit, delete, create (the final run must reflect them).
      await editDeleteCreate();
      expected = new Set((await prisma.report.findMany({ select: { id: true } })).map((x) => x.id));
    }
    // Rounds 0 and 2: the next run's startup check (recoverStaleJobs with STALE_JOB_MS) marks it failed.
  }

  const final = reindexChild();
  const res = await final.done;
  assert.equal(res.code, 0, `final reindex failed:\n${res.stderr.slice(-3000)}`);
  for (const id of killedJobs) {
    const j = (await prisma.indexJob.findUnique({ where: { id } }))!;
    assert.equal(j.state, "failed", `killed job ${id} ends up failed`);
  }
  const last = (await latestReindex())!;
  assert.equal(last.state, "succeeded");
  const counts = parseCounts(last.counts)!;
  // The last killed run had recorded its generation (it was killed after k>0 reports), so this one resumed it.
  assert.equal(counts.resumedFrom, killedJobs[2], `final run resumed the last killed run (counts ${JSON.stringify(counts)})`);
  assert.ok(Number(counts.skipped) > 0, "reports already in the resumed generation were skipped");

  // Every report exactly once, nothing else.
  await ix.count(); // refreshes the live generation the child committed
  const newGen = ix.generation;
  assert.notEqual(newGen, oldGen, "the re-index committed a new generation");
  const reportIds = (await prisma.report.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((x) => x.id);
  assert.deepEqual(reportIds, [...expected].sort((a, b) => a - b));
  assert.equal(await ix.count(), reportIds.length);
  assert.deepEqual(await ix.ids(), reportIds);
  const phys = physicalCounts(newGen);
  assert.deepEqual(phys, { vec: reportIds.length, distinctVec: reportIds.length, doc: reportIds.length });
  const unindexed = await prisma.report.count({ where: { OR: [{ indexedHash: null }] } });
  assert.equal(unindexed, 0);

  // Vectors are what the model gives for the current text (spot check, seeded, incl. the edited report).
  const sample = [editedId, createdId, ...Array.from({ length: 6 }, () => reportIds[Math.floor(r() * reportIds.length)]!)];
  const rows = await prisma.report.findMany({ where: { id: { in: sample } }, select: INDEXABLE_SELECT });
  const fresh = await encoder.encode(rows.map(embeddingText));
  for (const [i, row] of rows.entries()) {
    const p = (await ix.get(row.id))!;
    assert.ok(p, `report ${row.id} is in the index`);
    let dot = 0;
    for (let d = 0; d < p.vector.length; d++) dot += p.vector[d]! * fresh[i]![d]!;
    assert.ok(dot > 0.999, `report ${row.id}: stored vector matches a fresh encode (cos ${dot})`);
  }
  assert.equal(await ix.get(deletedId), null, "a report deleted during the crashes is not in the new generation");

  // The doctor agrees (all vectors checked); leftover unfinished generations are only warnings, and repair drops them.
  const doc = await runDoctor({ prisma, index: ix, encoder }, { repair: true, staleMs: 0, sampleVectors: reportIds.length });
  assert.equal(doc.before.ok, true, JSON.stringify(doc.before.issues));
  assert.deepEqual(doc.before.issues.filter((i) => i.kind !== "orphan_generation"), []);
  assert.deepEqual((await ix.generations()).map((g) => g.generation), [newGen]);
});

test("SIGKILL right after the generation switch: the new generation is complete, only the job row needs the doctor", async () => {
  const reportIds = (await prisma.report.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((x) => x.id);
  await ix.count();
  const before = ix.generation;
  const prev = await latestReindex();
  const { child, done } = reindexChild();
  // The moment the live generation flips (commit), kill: the job's post-commit bookkeeping is cut off.
  await waitFor(async () => (await ix.count(), ix.generation !== before), "the generation switch", 60_000, 2);
  child.kill("SIGKILL");
  const res = await done;
  const job = (await latestReindex())!;
  assert.notEqual(job.id, prev?.id);
  console.log(`post-commit kill: child ${res.signal ?? `exited ${res.code}`}, job ${job.state}`);
  // Whatever the job row says, the live generation is the new one and holds every report exactly once.
  assert.notEqual(ix.generation, before);
  assert.deepEqual(await ix.ids(), reportIds);
  assert.deepEqual(physicalCounts(ix.generation), { vec: reportIds.length, distinctVec: reportIds.length, doc: reportIds.length });
  await sleep(STALE_MS + 200);
  const r = await runDoctor({ prisma, index: ix, encoder }, { repair: true, staleMs: STALE_MS, sampleVectors: 50 });
  const errors = r.before.issues.filter((i) => i.severity === "error").map((i) => i.kind);
  // The only possible leftover is the job row (when the kill beat the job's own success write).
  assert.deepEqual(errors, job.state === "running" ? ["stale_job"] : [], JSON.stringify(r.before.issues));
  assert.equal((r.repair?.after ?? r.before).ok, true);
});

let editedId = 0;
let deletedId = 0;
let createdId = 0;

/** What the API does on PATCH / DELETE / POST (lib/reports/service), done with the test's own encoder + index. */
async function editDeleteCreate(): Promise<void> {
  const [first, second] = await prisma.report.findMany({ orderBy: { id: "asc" }, take: 2 });
  const edited = finishRecord({ ...first!, title: "Edited after crash: printer spooler stalls", updatedAt: new Date().toISOString() });
  const row = await prisma.report.update({ where: { id: first!.id }, data: { title: edited.title, updatedAt: edited.updatedAt, contentHash: contentHash(edited) } });
  await indexReports(prisma, [row], { encoder, index: ix });
  editedId = row.id;

  await ix.delete([second!.id]);
  await prisma.report.delete({ where: { id: second!.id } });
  deletedId = second!.id;

  const rec = finishRecord({ source: "synth", externalId: "NEW-1", title: "Created between crashes: camera freezes", createdAt: new Date().toISOString() });
  const created = await prisma.report.create({
    data: { source: rec.source, externalId: rec.externalId, title: rec.title, description: rec.description, createdAt: rec.createdAt, updatedAt: rec.updatedAt, contentHash: contentHash(rec) },
  });
  await indexReports(prisma, [created], { encoder, index: ix });
  createdId = created.id;
}
