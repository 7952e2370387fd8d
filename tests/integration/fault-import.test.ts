// Crash mid-import: `npm run ingest` on a large generated JSONL with a small batch size is killed with
// SIGKILL at seeded points (observed through the Report row count), then re-run to completion. Every
// record must be in the database exactly once with its content, and every duplicate link present.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { recoverStaleJobs } from "@/lib/jobs/store";
import { rng, sleep, spawnTsx, synthReports, tempDb, toJsonl, waitFor, type SynthReport, type TempDb } from "@/tests/integration/fault-fixture";

const N = 2000;
const BATCH = 20;
const SEED = 424_242;

let db: TempDb;
let prisma: PrismaClient;
let file: string;
let input: SynthReport[];

before(async () => {
  db = await tempDb("import");
  prisma = createPrisma(db.url);
  input = synthReports(N, 9, "crash");
  // Also links to masters that come LATER in the file (resolved only after every report is in).
  for (let i = 7; i < N - 10; i += 7) {
    const r = input[i - 1]!;
    r.duplicateOf = [...(r.duplicateOf ?? []), `S-${i + 5}`];
  }
  file = path.join(db.dir, "big.jsonl");
  fs.writeFileSync(file, toJsonl(input));
});

after(async () => {
  await prisma?.$disconnect();
  db?.cleanup();
});

function ingest() {
  return spawnTsx("scripts/ingest.ts", [file, "--format", "jsonl", "--batch", String(BATCH), "--no-progress"], { DATABASE_URL: db.url });
}

const countOf = (out: string, label: string) => Number(new RegExp(`^\\s*${label}\\s+(\\d+)`, "m").exec(out)?.[1] ?? NaN);

test("SIGKILL mid-import at seeded points, re-run: no duplicate rows, no missing rows, links complete", async () => {
  const r = rng(SEED);
  const k1 = Math.floor((0.1 + r() * 0.3) * N);
  const k2 = Math.floor((0.5 + r() * 0.4) * N);
  for (const [round, k] of [k1, k2].entries()) {
    const { child, done } = ingest();
    const seen = await waitFor(async () => {
      const n = await prisma.report.count();
      return n >= k ? n : 0;
    }, `${k} reports imported`, 60_000, 5);
    child.kill("SIGKILL");
    const res = await done;
    assert.equal(res.signal, "SIGKILL", `the import must be killed mid-run (stderr: ${res.stderr.slice(-400)})`);
    const after = await prisma.report.count();
    console.log(`SIGKILL at ${seen} reports (target ${k}); ${after} rows after the kill`);
    // Whole batches only: the transaction boundary is the batch.
    assert.equal(after % BATCH, 0, `a killed import leaves whole ${BATCH}-report batches (found ${after})`);
    assert.ok(after < N);
    // The killed run's job row stays "running"; once its heartbeat is stale it is marked failed.
    const running = await prisma.indexJob.findMany({ where: { kind: "import", state: "running" } });
    assert.equal(running.length, round + 1);
  }
  await sleep(1100);
  assert.equal(await recoverStaleJobs(prisma, 1000), 2);
  assert.equal(await prisma.indexJob.count({ where: { kind: "import", state: "failed" } }), 2);

  const before = await prisma.report.count();
  const res = await ingest().done;
  assert.equal(res.code, 0, res.stderr);
  assert.equal(countOf(res.stdout, "imported"), N - before, res.stdout);
  assert.equal(countOf(res.stdout, "unchanged"), before, res.stdout);
  assert.equal(countOf(res.stdout, "rejected"), 0, res.stdout);

  // Exactly the input, once each, with its content.
  const rows = await prisma.report.findMany({ select: { source: true, externalId: true, title: true, description: true, product: true } });
  assert.equal(rows.length, N);
  const byExt = new Map(rows.map((x) => [x.externalId, x]));
  assert.equal(byExt.size, N, "no duplicate rows");
  for (const rec of input) {
    const row = byExt.get(rec.externalId);
    assert.ok(row, `missing ${rec.externalId}`);
    assert.equal(row.title, rec.title);
    assert.equal(row.description, rec.description);
    assert.equal(row.product, rec.product);
  }

  // Links: every duplicateOf pair, once.
  const want = new Set(input.flatMap((x) => (x.duplicateOf ?? []).filter((m) => m !== x.externalId).map((m) => `${x.externalId}->${m}`)));
  const links = await prisma.duplicateLink.findMany({ include: { duplicate: { select: { externalId: true } }, master: { select: { externalId: true } } } });
  const got = links.map((l) => `${l.duplicate.externalId}->${l.master.externalId}`);
  assert.equal(new Set(got).size, got.length, "no duplicate links");
  assert.deepEqual(new Set(got), want);
  assert.ok(want.size > 500, `the corpus has plenty of links (${want.size})`);

  // Re-running once more changes nothing.
  const again = await ingest().done;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(countOf(again.stdout, "unchanged"), N);
  assert.match(again.stdout, new RegExp(`links\\s+0 created, ${want.size} existing`));
  assert.equal(await prisma.report.count(), N);
  assert.equal(await prisma.duplicateLink.count(), want.size);
});

test("SIGKILL during the link phase (all reports in, links being written): the re-run completes the links", async () => {
  await prisma.duplicateLink.deleteMany();
  await prisma.indexJob.deleteMany();
  const { child, done } = ingest();
  // Reports are all unchanged, so the run spends its time in the link phase; kill as soon as any link is written.
  await waitFor(async () => (await prisma.duplicateLink.count()) > 0 || child.exitCode !== null, "first link", 60_000, 2);
  child.kill("SIGKILL");
  const res = await done;
  const partial = await prisma.duplicateLink.count();
  console.log(`link phase: ${res.signal === "SIGKILL" ? "killed" : "finished"} with ${partial} links written`);
  const rerun = await ingest().done;
  assert.equal(rerun.code, 0, rerun.stderr);
  const want = new Set(input.flatMap((x) => (x.duplicateOf ?? []).filter((m) => m !== x.externalId).map((m) => `${x.externalId}->${m}`)));
  assert.equal(await prisma.duplicateLink.count(), want.size);
  assert.equal(await prisma.report.count(), N);
});
