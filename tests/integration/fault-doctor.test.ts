// npm run doctor against a real temp SQLite database + sqlite-vec index: each kind of fault is introduced
// by hand, the doctor (library and CLI) must find exactly it, --repair must fix it, and a second run
// must come back clean.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { annDirOf, usearch } from "@/lib/vector/ann";
import { getEncoder } from "@/lib/embedding/encoder";
import type { Encoder } from "@/lib/embedding/types";
import { parseInput } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import { indexReports } from "@/lib/corpus/index-sync";
import { INDEXABLE_SELECT, embeddingText } from "@/lib/corpus/vectors";
import { inspect } from "@/lib/offline/doctor/inspect";
import { runDoctor } from "@/lib/offline/doctor/run";
import { type DoctorDeps, type DoctorReport, type IssueKind } from "@/lib/offline/doctor/types";
import { rng, runTsx, sleep, synthReports, tempDb, tiny16ModelDir, tinyModelDir, toJsonl, type TempDb } from "@/tests/integration/fault-fixture";

const N = 60;
let db: TempDb;
let prisma: PrismaClient;
let ix: SqliteVecIndex;
let encoder: Encoder;
let modelDir: string;

function cos(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d;
}

function randomUnit(dims: number, seed: number): Float32Array {
  const r = rng(seed);
  const v = new Float32Array(dims).map(() => r() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const ids = (r: DoctorReport, kind: IssueKind) => r.issues.find((i) => i.kind === kind)?.ids ?? [];
const deps = (): DoctorDeps => ({ prisma, index: ix, encoder, sqlitePath: db.file });

before(async () => {
  modelDir = tinyModelDir();
  db = await tempDb("doctor");
  prisma = createPrisma(db.url);
  const summary = await importRecords(prisma, parseInput("jsonl", toJsonl(synthReports(N, 11))), { batchSize: 25 });
  assert.equal(summary.imported, N);
  encoder = await getEncoder(modelDir);
  ix = new SqliteVecIndex({ path: db.file, dims: encoder.dims });
  const rows = await prisma.report.findMany({ select: INDEXABLE_SELECT, orderBy: { id: "asc" } });
  await indexReports(prisma, rows, { encoder, index: ix });
});

after(async () => {
  await ix?.close();
  await prisma?.$disconnect();
  db?.cleanup();
});

test("a consistent database + index: doctor finds nothing (library and CLI exit 0)", async () => {
  const r = await inspect(deps(), { sampleVectors: N, staleMs: 60_000 });
  assert.deepEqual(r.issues, [], JSON.stringify(r.issues));
  assert.equal(r.ok, true);
  assert.equal(r.reports, N);
  assert.equal(r.indexPoints, N);
  const cli = await runTsx("scripts/doctor.ts", ["--json", "--sample", "5"], { DATABASE_URL: db.url, MODEL_DIR: modelDir });
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).before.ok, true);
});

test("every fault is found, the report-only run changes nothing, --repair fixes all, re-run is clean", async () => {
  const all = await prisma.report.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  const [missingId, staleId, mismatchId, deletedId] = [all[3]!.id, all[7]!.id, all[12]!.id, all[20]!.id];
  const strayId = 900_001;

  // 1. a report's point vanished from the index (indexedHash still claims it is there)
  await ix.delete([missingId]);
  // 2. orphans: a point with no report at all, and a report deleted behind the index's back
  await ix.upsert([{ id: strayId, vector: randomUnit(encoder.dims, 1), meta: { createdAt: 0 }, text: { title: "ghost", body: "ghost" } }]);
  await prisma.$executeRaw`DELETE FROM "Report" WHERE "id" = ${deletedId}`;
  // 3. edited without re-indexing: new text + hash, indexedHash still the old hash
  await prisma.report.update({ where: { id: staleId }, data: { title: "Edited: kernel panic on resume", contentHash: "edited-by-test" } });
  // 4. a stored vector that is not what the model produces for the report
  const cur = (await ix.get(mismatchId))!;
  await ix.upsert([{ id: mismatchId, vector: randomUnit(encoder.dims, 2), meta: cur.meta, text: { title: "x", body: "y" } }]);
  // 5. a reindex job whose process died 10 minutes ago
  const tenMinAgo = new Date(Date.now() - 600_000);
  await prisma.indexJob.create({ data: { id: "dead-job", kind: "reindex", state: "running", createdAt: tenMinAgo, startedAt: tenMinAgo, heartbeatAt: tenMinAgo } });
  // ...and a running job whose (simulated) process keeps its heartbeat fresh: NOT stale
  await prisma.indexJob.create({ data: { id: "live-job", kind: "import", state: "running", heartbeatAt: new Date() } });
  const beat = setInterval(() => {
    prisma.indexJob.update({ where: { id: "live-job" }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, 100);
  // 6. two active model versions (both the tiny model, so the CLI can serve either)
  const older = await prisma.modelVersion.create({ data: { name: "m-old", path: modelDir, kind: "transformer", dims: encoder.dims, pooling: "mean", active: true, createdAt: new Date(Date.now() - 1000) } });
  const newer = await prisma.modelVersion.create({ data: { name: "m-new", path: modelDir, kind: "transformer", dims: encoder.dims, pooling: "mean", active: true } });
  // 7. generations: one abandoned before any job recorded it (orphan), one a failed job can resume (kept)
  const orphan = await ix.beginReindex();
  await orphan.upsert([{ id: all[0]!.id, vector: randomUnit(encoder.dims, 3), meta: { createdAt: 0 } }]);
  const resumable = await ix.beginReindex();
  await prisma.indexJob.create({
    data: { id: "failed-resumable", kind: "reindex", state: "failed", generation: resumable.generation, counts: JSON.stringify({ resumable: true }), finishedAt: new Date() },
  });
  const staleMs = 1000; // jobs/generations idle longer than this are dead
  await sleep(staleMs + 100);

  const r = await inspect(deps(), { sampleVectors: N, staleMs });
  const kinds = r.issues.map((i) => i.kind).sort();
  assert.deepEqual(kinds, ["missing_from_index", "multiple_active_models", "orphan_generation", "orphan_point", "stale_job", "stale_point", "vector_mismatch"]);
  assert.equal(r.ok, false);
  assert.deepEqual(ids(r, "missing_from_index"), [missingId]);
  assert.deepEqual(ids(r, "orphan_point"), [deletedId, strayId]);
  assert.deepEqual(ids(r, "stale_point"), [staleId]);
  assert.deepEqual(ids(r, "vector_mismatch"), [mismatchId]);
  assert.deepEqual(ids(r, "stale_job"), ["dead-job"]);
  assert.deepEqual(ids(r, "multiple_active_models"), [older.id]);
  assert.deepEqual(ids(r, "orphan_generation"), [orphan.generation]);
  assert.equal(r.issues.find((i) => i.kind === "orphan_generation")!.severity, "warning");

  // CLI, report only: exit 1, same findings, nothing written.
  const env = { DATABASE_URL: db.url, MODEL_DIR: modelDir };
  const ro = await runTsx("scripts/doctor.ts", ["--json", "--sample", String(N), "--stale-ms", String(staleMs)], env);
  assert.equal(ro.code, 1, ro.stderr);
  const roReport = JSON.parse(ro.stdout).before as DoctorReport;
  assert.deepEqual(roReport.issues.map((i) => i.kind).sort(), kinds);
  assert.equal((await prisma.indexJob.findUnique({ where: { id: "dead-job" } }))!.state, "running");
  assert.equal(await ix.get(missingId), null);
  assert.equal((await prisma.modelVersion.count({ where: { active: true } })), 2);

  // CLI --repair: exit 0, and the re-inspection inside it is clean.
  const rep = await runTsx("scripts/doctor.ts", ["--repair", "--json", "--sample", String(N), "--stale-ms", String(staleMs)], env);
  assert.equal(rep.code, 0, rep.stderr + rep.stdout);
  const out = JSON.parse(rep.stdout);
  assert.equal(out.repair.after.ok, true, JSON.stringify(out.repair.after.issues));

  // What exactly was fixed, checked independently.
  const after = await inspect(deps(), { sampleVectors: N, staleMs });
  assert.deepEqual(after.issues, [], JSON.stringify(after.issues));
  assert.equal(after.indexPoints, N - 1);
  assert.equal(await ix.get(strayId), null);
  assert.equal(await ix.get(deletedId), null);
  for (const id of [missingId, staleId, mismatchId]) {
    const row = (await prisma.report.findUnique({ where: { id }, select: INDEXABLE_SELECT }))!;
    const [fresh] = await encoder.encode([embeddingText(row)]);
    const p = await ix.get(id);
    assert.ok(p, `point ${id} restored`);
    assert.ok(cos(p.vector, fresh!) > 0.999, `point ${id} holds the current text's vector`);
  }
  const edited = (await prisma.report.findUnique({ where: { id: staleId } }))!;
  assert.equal(edited.indexedHash, edited.contentHash);
  const hits = await ix.keywordSearch("kernel panic resume", 5);
  assert.equal(hits[0]?.id, staleId, "the keyword side holds the edited title too");
  const dead = (await prisma.indexJob.findUnique({ where: { id: "dead-job" } }))!;
  assert.equal(dead.state, "failed");
  assert.match(dead.error ?? "", /interrupted/);
  assert.equal((await prisma.indexJob.findUnique({ where: { id: "live-job" } }))!.state, "running", "a job with a fresh heartbeat is left alone");
  clearInterval(beat);
  await prisma.indexJob.update({ where: { id: "live-job" }, data: { state: "succeeded", finishedAt: new Date() } });
  const active = await prisma.modelVersion.findMany({ where: { active: true } });
  assert.deepEqual(active.map((m) => m.id), [newer.id], "the newest active model (the one being served) stays active");
  const gens = (await ix.generations()).map((g) => g.generation);
  assert.ok(!gens.includes(orphan.generation), "orphan generation dropped");
  assert.ok(gens.includes(resumable.generation), "the resumable generation is kept");

  // A second repair has nothing to do.
  const again = await runDoctor(deps(), { repair: true, sampleVectors: N, staleMs });
  assert.deepEqual(again.before.issues, []);
  assert.equal(again.repair, undefined);
});

test("dims mismatch (index built by another model) is reported and not 'repaired' piecemeal", async () => {
  const other = await getEncoder(tiny16ModelDir());
  assert.notEqual(other.dims, encoder.dims);
  await prisma.report.update({ where: { id: (await prisma.report.findFirst({ orderBy: { id: "asc" } }))!.id }, data: { contentHash: "changed-again" } });
  const res = await runDoctor({ prisma, index: ix, encoder: other, sqlitePath: db.file }, { repair: true, staleMs: 5000 });
  const kinds = res.before.issues.map((i) => i.kind).sort();
  assert.deepEqual(kinds, ["dims_mismatch", "stale_point"]);
  assert.equal(res.before.issues.find((i) => i.kind === "dims_mismatch")!.repairable, false);
  assert.match(res.repair!.actions.map((a) => a.message).join("\n"), /npm run reindex/);
  assert.equal(res.repair!.after.ok, false, "still inconsistent: only a full reindex fixes other dimensions");
  // The right model fixes the rest.
  const fixed = await runDoctor(deps(), { repair: true, staleMs: 5000 });
  assert.equal(fixed.repair!.after.ok, true);
});

test("the index unavailable: doctor still checks jobs/models and reports why", async () => {
  const res = await inspect({ prisma, index: null, encoder: null, unavailableReason: "model directory models/x does not exist" }, { staleMs: 5000 });
  assert.equal(res.ok, false);
  assert.deepEqual(res.issues.map((i) => i.kind), ["unavailable"]);
  assert.match(res.issues[0]!.message, /models\/x/);
  assert.equal(res.reports, N - 1);
});

test("an ANN graph out of step with its table is reported and rebuilt", async () => {
  const ann = { minPoints: 10, quantization: "f16" as const };
  const a = new SqliteVecIndex({ path: db.file, dims: encoder.dims, ann });
  const [q] = await encoder.encode(["disk full crash"]);
  await a.search(q!, 5); // builds and saves the live generation's graph
  await a.close();
  // The graph file replaced by one that lacks a point (a file restored from another copy of the database).
  const annDir = annDirOf(db.file);
  const [name] = fs.readdirSync(annDir).filter((f) => f.endsWith(".usearch"));
  const graph = new (usearch().Index)({ dimensions: encoder.dims, metric: "cos" as never, quantization: "f16" as never, connectivity: 16, expansion_add: 128, expansion_search: 128, multi: false });
  graph.load(path.join(annDir, name!));
  const victim = (await ix.ids())[0]!;
  graph.remove(BigInt(victim));
  graph.save(path.join(annDir, name!));

  const b = new SqliteVecIndex({ path: db.file, dims: encoder.dims, ann });
  try {
    const res = await runDoctor({ prisma, index: b, encoder, sqlitePath: db.file }, { repair: true, staleMs: 5000 });
    assert.deepEqual(res.before.issues.map((i) => i.kind), ["ann_out_of_step"]);
    assert.match(res.before.issues[0]!.message, /1 missing/);
    assert.equal(res.repair!.after.ok, true);
    assert.deepEqual(res.repair!.after.issues, []);
    const st = await b.annStatus();
    assert.equal(st.inStep, true);
    assert.equal(st.graphPoints, await b.count());
  } finally {
    await b.close();
  }
});
