import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CRITERIA, beats, formatTable, validateCriteria, type EvalRow, type EvalTable } from "@/lib/offline/eval/compare";
import { duplicateGroups, duplicateQueries, parseSplitSpec, timeSplit } from "@/lib/offline/eval/split";

// Reports 1..8 filed at hours 0..7, except 5 and 6 filed in the same instant (hour 4).
const H = 3600_000;
const reports = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({ id, createdAt: (id === 6 ? 4 : id - 1) * H }));
// Groups: {1,3,7} via a chain 7->3->1 (transitive), {2,6,5} with 5 and 6 tied in time, {4,8} stored both ways.
const links = [
  { duplicateId: 3, masterId: 1 },
  { duplicateId: 7, masterId: 3 },
  { duplicateId: 6, masterId: 2 },
  { duplicateId: 5, masterId: 2 },
  { duplicateId: 8, masterId: 4 },
  { duplicateId: 4, masterId: 8 },
  { duplicateId: 9, masterId: 1 }, // report 9 does not exist: ignored
];

test("duplicate groups are the transitive closure of the links", () => {
  const g = duplicateGroups(links);
  assert.deepEqual(g.get(7), [1, 3, 7, 9]);
  assert.equal(g.get(1), g.get(3));
  assert.deepEqual(g.get(5), [2, 5, 6]);
  assert.equal(g.has(99), false);
});

test("queries are later group members; relevant = earlier members in (createdAt, id) order", () => {
  const q = duplicateQueries(reports, links);
  // 3 (hour 2) <- 1; 5 (hour 4, id 5) <- 2; 6 (hour 4, id 6) <- 2, 5 (tie broken by id); 7 <- 1, 3; 8 <- 4
  assert.deepEqual(
    q.map((x) => [x.queryId, x.relevant]),
    [
      [3, [1]],
      [5, [2]],
      [6, [2, 5]],
      [7, [1, 3]],
      [8, [4]],
    ],
  );
});

test("time split holds out the latest queries and keeps training data strictly before the cutoff", () => {
  // 5 queries, testFraction .4 -> cutoff at query index floor(.6 * 5) = 3 (report 7, hour 6)
  const s = timeSplit(reports, links, { kind: "time", testFraction: 0.4 });
  assert.equal(s.cutoff, 6 * H);
  assert.deepEqual(s.queries.map((q) => q.queryId), [7, 8]);
  assert.equal(s.totalQueries, 5);
  assert.deepEqual(s.trainReportIds, [1, 2, 3, 4, 5, 6]);
  // pairs with both ends before hour 6: 3-1, 6-2, 5-2 (4-8 crosses the cutoff, 7-3 too)
  assert.deepEqual(s.trainPairs, [
    [3, 1],
    [6, 2],
    [5, 2],
  ]);
  // a cutoff that lands on a tie holds out every query of that instant
  const tie = timeSplit(reports, links, { kind: "cutoff", cutoff: 4 * H });
  assert.deepEqual(tie.queries.map((q) => q.queryId), [5, 6, 7, 8]);
  // "all" evaluates everything and offers nothing to train on
  const all = timeSplit(reports, links, { kind: "all" });
  assert.equal(all.queries.length, 5);
  assert.deepEqual(all.trainPairs, []);
  // explicit ids: the queries and the pairs touching them are held out
  const ids = timeSplit(reports, links, { kind: "ids", queryIds: [8] });
  assert.deepEqual(ids.queries.map((q) => q.queryId), [8]);
  assert.ok(!ids.trainPairs.some(([a, b]) => a === 8 || b === 8));
  assert.throws(() => timeSplit(reports, links, { kind: "ids", queryIds: [1] }), /not duplicate queries/);
});

test("split specs parse, and bad ones name the problem", () => {
  assert.deepEqual(parseSplitSpec("all"), { kind: "all" });
  assert.deepEqual(parseSplitSpec("time"), { kind: "time", testFraction: 0.5 });
  assert.deepEqual(parseSplitSpec("time:0.3"), { kind: "time", testFraction: 0.3 });
  assert.deepEqual(parseSplitSpec("cutoff:2023-01-01"), { kind: "cutoff", cutoff: Date.UTC(2023, 0, 1) });
  assert.throws(() => parseSplitSpec("time:1.5"), /testFraction/);
  assert.throws(() => parseSplitSpec("cutoff:soon"), /not a date/);
  assert.throws(() => parseSplitSpec("random"), /unknown split/);
});

function row(ranker: string, r10: number, mrr: number): EvalRow {
  const ci = { low: 0, high: 1 };
  return {
    ranker,
    kind: "hybrid",
    model: ranker,
    n: 10,
    recall: { 1: 0, 5: 0, 10: r10, 20: r10 },
    recallCI: { 1: ci, 5: ci, 10: ci, 20: ci },
    mrr,
    mrrCI: ci,
    map: mrr,
    mapCI: ci,
  };
}

test("gate: primary metric first, tie-break second, ties keep the active model", () => {
  assert.equal(beats(row("c", 0.8, 0.1), row("a", 0.7, 0.9)).better, true); // R@10 decides
  assert.equal(beats(row("c", 0.7, 0.9), row("a", 0.8, 0.1)).better, false);
  assert.equal(beats(row("c", 0.7, 0.6), row("a", 0.7, 0.5)).better, true); // tie -> MRR
  assert.equal(beats(row("c", 0.7, 0.5), row("a", 0.7, 0.5)).better, false); // full tie -> keep active
  // 0.1 + 0.2 != 0.3 in floating point; that is still a tie, not a win
  assert.equal(beats(row("c", 0.1 + 0.2, 0.5), row("a", 0.3, 0.5)).better, false);
  const crit = { ranker: "hybrid" as const, primary: "mrr" as const, tieBreak: "r@10" as const, minDelta: 0.05 };
  assert.equal(beats(row("c", 0.9, 0.54), row("a", 0.1, 0.5), crit).better, false); // +0.04 < minDelta
  assert.equal(beats(row("c", 0.9, 0.56), row("a", 0.1, 0.5), crit).better, true);
  assert.throws(() => beats(row("c", 1, 1), row("a", 1, 1), { ...crit, primary: "r@3" }), /recall-rate@3 was not computed/);
  // criteria are checked before any model is loaded
  validateCriteria(DEFAULT_CRITERIA);
  assert.throws(() => validateCriteria({ ...DEFAULT_CRITERIA, primary: "r@3" }), /r@k with k in 1, 5, 10, 20/);
  assert.throws(() => validateCriteria({ ...DEFAULT_CRITERIA, ranker: "bm25" as "dense" }), /ranker/);
  assert.throws(() => validateCriteria({ ...DEFAULT_CRITERIA, minDelta: -1 }), /minDelta/);
});

test("fixed-width table lines up every column", () => {
  const t: EvalTable = {
    split: "time:0.5",
    cutoff: "2022-04-11T10:12:00.000Z",
    queries: 10,
    totalQueries: 20,
    reports: 100,
    depth: 100,
    ks: [1, 5, 10, 20],
    evaluatedAt: "2024-01-01T00:00:00.000Z",
    rows: [row("bm25", 0.5, 0.25), row("hybrid:some-longer-model-name", 0.75, 0.5)],
  };
  const lines = formatTable(t).trimEnd().split("\n");
  assert.match(lines[0]!, /split time:0\.5 .*2022-04-11.*10 queries of 20/);
  assert.match(lines[1]!, /^ranker\s+R@1\s+R@5\s+R@10\s+R@20\s+MRR\s+MAP\s+n\s+R@10 95% CI$/);
  assert.match(lines[4]!, /^hybrid:some-longer-model-name\s+0\.000\s+0\.000\s+0\.750\s+0\.750\s+0\.500\s+0\.500\s+10\s+\[0\.000, 1\.000\]$/);
  // every data line has the header's width
  assert.equal(new Set(lines.slice(1).map((l) => l.length)).size, 1);
});
