// Training data from a real migrated SQLite DB: the same time split as lib/offline/eval, triage verdicts, text scope,
// example building and hard-negative mining.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrisma, type PrismaClient } from "@/lib/db/client";
import { migrate } from "@/lib/offline/migrate/runner";
import { loadCorpus } from "@/lib/offline/eval/corpus";
import { timeSplit } from "@/lib/offline/eval/split";
import { buildExamples, loadTrainingData, mineHardNegatives, reportFieldText, verdictNegatives } from "@/lib/offline/train/data";

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 0, 1);
let dir: string;
let prisma: PrismaClient;
const ids: number[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bugsift-train-data-"));
  const url = `file:${path.join(dir, "t.db")}`;
  await migrate(url);
  prisma = createPrisma(url);
  // 20 reports, one per day. Duplicate links: (1,0) (5,3) (9,7) (13,11) (17,15) -> queries 1,5,9,13,17.
  for (let i = 0; i < 20; i++) {
    const r = await prisma.report.create({
      data: {
        source: "test",
        externalId: `T-${i}`,
        title: `title ${i} ${i % 2 ? "crash" : "hang"}`,
        description: i === 19 ? "" : `body of report ${i}\n\nat org.example.Foo.bar(Foo.java:${i})`,
        createdAt: new Date(T0 + i * DAY),
        updatedAt: new Date(T0 + i * DAY),
        contentHash: `h${i}`,
      },
    });
    ids.push(r.id);
  }
  for (const [d, m] of [[1, 0], [5, 3], [9, 7], [13, 11], [17, 15]] as const) {
    await prisma.duplicateLink.create({ data: { duplicateId: ids[d]!, masterId: ids[m]!, origin: "imported" } });
  }
  // Triager verdicts: a duplicate inside the train period, one touching a held-out report, a not_duplicate,
  // and a not_duplicate contradicted by a link (must be ignored).
  const verdict = (a: number, b: number, v: string) =>
    prisma.triageDecision.create({ data: { reportId: ids[a]!, otherId: ids[b]!, verdict: v, actor: "t" } });
  await verdict(4, 2, "duplicate");
  await verdict(18, 6, "duplicate");
  await verdict(6, 2, "not_duplicate");
  await verdict(1, 0, "not_duplicate");
  await verdict(8, 2, "related");
});

after(async () => {
  await prisma?.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("split is exactly lib/offline/eval's; nothing at/after the cutoff is trained on", async () => {
  const data = await loadTrainingData(prisma, { split: { kind: "time", testFraction: 0.4 }, textScope: "train" });
  const corpus = await loadCorpus(prisma);
  const evalSplit = timeSplit(corpus.reports, corpus.links, { kind: "time", testFraction: 0.4 });
  assert.equal(data.split.cutoff, evalSplit.cutoff);
  assert.deepEqual(data.split.queries, evalSplit.queries);
  assert.deepEqual(data.split.queries.map((q) => q.queryId), [ids[13], ids[17]]);
  const cutoff = data.split.cutoff!;
  const created = new Map(corpus.reports.map((r) => [r.id, r.createdAt]));
  for (const [a, b] of data.duplicatePairs) {
    assert.ok(created.get(a)! < cutoff && created.get(b)! < cutoff, `pair ${a},${b} crosses the cutoff`);
  }
  // links 1-0, 5-3, 9-7 + the train-period verdict 4-2; 18-6 touches a held-out-period report
  const key = (p: [number, number]) => [...p].sort((x, y) => x - y).join(":");
  assert.deepEqual(
    data.duplicatePairs.map(key).sort(),
    [[1, 0], [5, 3], [9, 7], [4, 2]].map(([a, b]) => key([ids[a]!, ids[b]!])).sort(),
  );
  // [later, earlier] order
  for (const [a, b] of data.duplicatePairs) assert.ok(created.get(a)! > created.get(b)!);
  assert.deepEqual(data.negativePairs, [[ids[6], ids[2]]], "1-0 is a linked duplicate, so its not_duplicate verdict is dropped");
  assert.ok(data.textReports.every((r) => r.createdAt < cutoff));
  assert.equal(data.textReports.length, 13);

  const all = await loadTrainingData(prisma, { split: { kind: "time", testFraction: 0.4 }, textScope: "all" });
  assert.equal(all.textReports.length, 20);
  assert.deepEqual(all.duplicatePairs, data.duplicatePairs, "text scope never adds labels");
});

test("examples: title/body pairs, duplicates, verdict negatives, group keys", async () => {
  const data = await loadTrainingData(prisma, { split: { kind: "time", testFraction: 0.4 }, textScope: "train" });
  const neg = verdictNegatives(data);
  assert.deepEqual(neg.get(ids[6]!), [ids[2]]);
  assert.deepEqual(neg.get(ids[2]!), [ids[6]]);
  const ex = buildExamples(data, { hardNegatives: neg, duplicateRepeat: 2 });
  const tb = ex.filter((e) => e.source === "title-body");
  assert.equal(tb.length, 13, "every train report with a title and a body");
  assert.equal(ex.filter((e) => e.source === "duplicate").length, 8);
  const e6 = tb.find((e) => e.anchor.id === ids[6])!;
  assert.deepEqual(e6.negative, { id: ids[2], field: "full" });
  // members of one duplicate group share a key, so a batch never holds both
  const g1 = tb.find((e) => e.anchor.id === ids[1])!.groups[0];
  const g0 = tb.find((e) => e.anchor.id === ids[0])!.groups[0];
  assert.equal(g1, g0);
  const r = data.corpus.reports.find((x) => x.id === ids[3])!;
  assert.match(reportFieldText(r, "title"), /^title 3 crash$/);
  assert.doesNotMatch(reportFieldText(r, "body"), /title 3/);
  assert.match(reportFieldText(r, "full"), /title 3 crash[\s\S]*body of report 3/);
});

test("mined negatives: best non-duplicate earlier report, skipping the top, below the positive's score", async () => {
  const data = await loadTrainingData(prisma, { split: { kind: "time", testFraction: 0.4 }, textScope: "train" });
  // 1-d "embeddings" on a circle: report i at angle 0.1 * i, so neighbours in time are neighbours in space.
  const vec = (id: number) => {
    const i = ids.indexOf(id);
    return Float32Array.of(Math.cos(0.1 * i), Math.sin(0.1 * i));
  };
  const mined = mineHardNegatives(data, vec, { skipTop: 0, perAnchor: 2, maxRelativeScore: 2 });
  // anchor 5 (dup of 3): earlier non-duplicates nearest to 5 are 4, then 2 (3 is its duplicate)
  assert.deepEqual(mined.get(ids[5]!), [ids[4], ids[2]]);
  // anchor 1 (dup of 0): only report 0 is earlier and it is the duplicate -> nothing
  assert.equal(mined.get(ids[1]!), undefined);
  const skipping = mineHardNegatives(data, vec, { skipTop: 1, perAnchor: 1, maxRelativeScore: 2 });
  assert.deepEqual(skipping.get(ids[5]!), [ids[2]]);
  // a strict relative-score guard drops candidates scoring close to the positive
  const strict = mineHardNegatives(data, vec, { skipTop: 0, perAnchor: 1, maxRelativeScore: 0.9 });
  assert.deepEqual(strict.get(ids[5]!), [ids[0]], "4, 2 and 1 score within 10% of the positive (3)");
  for (const [a, negs] of strict) {
    for (const n of negs) assert.ok(vec(a).reduce((s, x, k) => s + x * vec(n)[k]!, 0) < 0.9, "guard violated");
  }
});
