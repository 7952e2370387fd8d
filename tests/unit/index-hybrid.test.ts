// Reciprocal-rank fusion used when a backend cannot fuse natively, and the duplicate check's weighted ranking.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { annotateRanks, candidateCount, reciprocalRankFusion } from "@/lib/vector/hybrid";
import {
  DUPLICATE_FUSION,
  DUPLICATE_KEYWORD_BODY_CHARS,
  duplicateKeywordQuery,
  rankDuplicateCandidates,
} from "@/lib/ranking/policy";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import type { IndexPoint, SearchFilter } from "@/lib/vector/types";
import { hasDirection } from "@/lib/math";

const hits = (...ids: number[]) => ids.map((id, i) => ({ id, score: 1 - i / 10 }));

describe("reciprocalRankFusion", () => {
  it("scores sum w/(k+rank) over both lists and keeps per-side ranks", () => {
    const fused = reciprocalRankFusion(hits(1, 2, 3), hits(3, 4), 10);
    // 2 (dense rank 2) and 4 (keyword rank 2) tie on 1/62: the dense rank decides
    assert.deepEqual(fused.map((h) => h.id), [3, 1, 2, 4]);
    const three = fused[0];
    assert.equal(three.denseRank, 3);
    assert.equal(three.keywordRank, 1);
    assert.ok(Math.abs(three.score - (1 / 63 + 1 / 61)) < 1e-12);
    assert.equal(three.denseScore, 0.8);
    assert.equal(three.keywordScore, 1);
    const four = fused.find((h) => h.id === 4);
    assert.equal(four?.denseRank, undefined);
    assert.equal(four?.keywordRank, 2);
  });
  it("breaks ties deterministically (dense rank, then keyword rank, then id)", () => {
    assert.deepEqual(reciprocalRankFusion(hits(5), hits(6), 10).map((h) => h.id), [5, 6]);
    assert.deepEqual(reciprocalRankFusion([], hits(9, 8), 10).map((h) => h.id), [9, 8]);
  });
  it("honours weights, k and the limit", () => {
    const kwHeavy = reciprocalRankFusion(hits(1, 2), hits(2, 1), 2, { keywordWeight: 3 });
    assert.equal(kwHeavy[0].id, 2);
    const smallK = reciprocalRankFusion(hits(1), [], 1, { k: 0 });
    assert.equal(smallK[0].score, 1);
    assert.equal(reciprocalRankFusion(hits(1, 2, 3), hits(4, 5), 2).length, 2);
    assert.deepEqual(reciprocalRankFusion([], [], 5), []);
    assert.throws(() => reciprocalRankFusion([], [], 5, { denseWeight: -1 }), /denseWeight/);
    assert.throws(() => reciprocalRankFusion([], [], 5, { k: Number.NaN }), /RRF k/);
  });
  it("ignores a duplicate id within one list", () => {
    const fused = reciprocalRankFusion([{ id: 1, score: 1 }, { id: 1, score: 0.5 }], [], 5);
    assert.equal(fused.length, 1);
    assert.equal(fused[0].denseRank, 1);
  });
});

describe("annotateRanks / candidateCount", () => {
  it("attaches ranks to a natively fused order", () => {
    const out = annotateRanks([{ id: 2, score: 0.5 }, { id: 7, score: 0.4 }], hits(1, 2), hits(2));
    assert.deepEqual(out, [
      { id: 2, score: 0.5, denseRank: 2, denseScore: 0.9, keywordRank: 1, keywordScore: 1 },
      { id: 7, score: 0.4 },
    ]);
  });
  it("fetches at least k and by default max(3k, 100) per side", () => {
    assert.equal(candidateCount(10), 100);
    assert.equal(candidateCount(50), 150);
    assert.equal(candidateCount(10, { candidates: 5 }), 10);
  });
});

// ---------- duplicate ranking (rankDuplicateCandidates) on a real sqlite-vec index ----------
//
// Fixture: 40 points, id i has vector (cos 0.02i, sin 0.02i, 0, 0), so for the query e0 the dense rank of
// id i is exactly i. Only two reports contain the query's keyword "qfailover": id 40 in its title (keyword
// rank 1, the title field weighs 3x) and id 20 in its body (keyword rank 2). Everything else is dense-only.
const DIMS = 4;
const QUERY = { title: "qfailover", description: "stuck" };
const e0 = new Float32Array([1, 0, 0, 0]);
const ixDir = fs.mkdtempSync(path.join(os.tmpdir(), "ix-hybrid-"));
after(() => fs.rmSync(ixDir, { recursive: true, force: true }));
let ixN = 0;

async function fixtureIndex(): Promise<SqliteVecIndex> {
  const index = new SqliteVecIndex({ path: path.join(ixDir, `h${ixN++}.db`), dims: DIMS });
  const points: IndexPoint[] = [];
  for (let id = 1; id <= 40; id++) {
    const a = 0.02 * id;
    const text =
      id === 40
        ? { title: "qfailover controller", body: "the namenode hangs" }
        : id === 20
          ? { title: "controller entry", body: "qfailover seen once" }
          : { title: "controller entry", body: "the namenode hangs" };
    points.push({ id, vector: new Float32Array([Math.cos(a), Math.sin(a), 0, 0]), meta: { createdAt: id }, text });
  }
  await index.upsert(points);
  return index;
}

/** The real index, recording the k each side was asked for (to check the candidate depth). */
function recording(index: SqliteVecIndex) {
  const calls: { side: "dense" | "keyword"; k: number; query?: string }[] = [];
  return {
    calls,
    index: {
      search: (v: Float32Array, k: number, f?: SearchFilter) => (calls.push({ side: "dense", k }), index.search(v, k, f)),
      keywordSearch: (q: string, k: number, f?: SearchFilter) => (
        calls.push({ side: "keyword", k, query: q }), index.keywordSearch(q, k, f)
      ),
    },
  };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe("rankDuplicateCandidates", () => {
  it("fixture ranks: dense rank of id i is i, keyword ranks are 40 then 20", async () => {
    const index = await fixtureIndex();
    try {
      assert.deepEqual((await index.search(e0, 5)).map((h) => h.id), [1, 2, 3, 4, 5]);
      assert.deepEqual((await index.keywordSearch(duplicateKeywordQuery(QUERY), 10)).map((h) => h.id), [40, 20]);
    } finally {
      await index.close();
    }
  });

  it("fuses with dense weight 3, keyword weight 1, k = 60 (hand-computed scores)", async () => {
    assert.deepEqual({ ...DUPLICATE_FUSION }, { k: 60, denseWeight: 3, keywordWeight: 1, candidates: 100 });
    const index = await fixtureIndex();
    try {
      const fused = await rankDuplicateCandidates(index, e0, QUERY, 7);
      // score = 3/(60 + denseRank) + 1/(60 + keywordRank):
      //   id 20: 3/80 + 1/62 = 0.0375   + 0.016129 = 0.053629
      //   id  1: 3/61         = 0.049180
      //   id  2: 3/62         = 0.048387
      //   id  3: 3/63         = 0.047619
      //   id  4: 3/64         = 0.046875
      //   id 40: 3/100 + 1/61 = 0.03    + 0.016393 = 0.046393
      //   id  5: 3/65         = 0.046154
      assert.deepEqual(fused.map((h) => h.id), [20, 1, 2, 3, 4, 40, 5]);
      const by = new Map(fused.map((h) => [h.id, h]));
      assert.ok(close(by.get(20)!.score, 3 / 80 + 1 / 62));
      assert.ok(close(by.get(1)!.score, 3 / 61));
      assert.ok(close(by.get(40)!.score, 3 / 100 + 1 / 61));
      assert.ok(close(by.get(5)!.score, 3 / 65));
      assert.ok(Math.abs(by.get(20)!.score - 0.053629) < 1e-6);
      assert.deepEqual(
        { d: by.get(40)!.denseRank, k: by.get(40)!.keywordRank },
        { d: 40, k: 1 },
      );
      assert.equal(by.get(1)!.keywordRank, undefined);
      assert.ok(Math.abs(by.get(1)!.denseScore! - Math.cos(0.02)) < 1e-6); // the cosine, not the fused score
    } finally {
      await index.close();
    }
  });

  it("dense weight 3 vs 1: the keyword match drops from first to sixth", async () => {
    const index = await fixtureIndex();
    try {
      // Equal weights: id 20: 1/80 + 1/62 = 0.028629, id 40: 1/100 + 1/61 = 0.026393, id 1: 1/61 = 0.016393.
      const equal = await rankDuplicateCandidates(index, e0, QUERY, 4, undefined, { denseWeight: 1, keywordWeight: 1 });
      assert.deepEqual(equal.map((h) => h.id), [20, 40, 1, 2]);
      assert.ok(close(equal[1].score, 1 / 100 + 1 / 61));
      // The default (3:1) puts the dense neighbours 1..4 above id 40 (see the arithmetic above).
      const weighted = await rankDuplicateCandidates(index, e0, QUERY, 10);
      assert.equal(weighted.findIndex((h) => h.id === 40), 5);
      // Options merge over DUPLICATE_FUSION: only keywordWeight given, dense stays 3.
      const kw3 = await rankDuplicateCandidates(index, e0, QUERY, 1, undefined, { keywordWeight: 3 });
      // id 20: 3/80 + 3/62 = 0.085887 > id 40: 3/100 + 3/61 = 0.079180 > id 1: 3/61 = 0.049180.
      assert.deepEqual(kw3.map((h) => h.id), [20]);
      const kw3all = await rankDuplicateCandidates(index, e0, QUERY, 3, undefined, { keywordWeight: 3 });
      assert.deepEqual(kw3all.map((h) => h.id), [20, 40, 1]);
      assert.ok(close(kw3[0].score, 3 / 80 + 3 / 62));
    } finally {
      await index.close();
    }
  });

  it("ranks by keywords alone when the vector is null (or zero, as the callers pass it)", async () => {
    const index = await fixtureIndex();
    try {
      const rec = recording(index);
      const fused = await rankDuplicateCandidates(rec.index, null, QUERY, 10);
      assert.deepEqual(fused, [
        { id: 40, score: 1 / 61, keywordRank: 1, keywordScore: fused[0].keywordScore },
        { id: 20, score: 1 / 62, keywordRank: 2, keywordScore: fused[1].keywordScore },
      ]);
      assert.ok(fused[0].keywordScore! > fused[1].keywordScore!);
      assert.deepEqual(rec.calls.map((c) => c.side), ["keyword"]);
      // find.ts / protocol.ts map a zero vector to null with hasDirection; the index itself rejects it.
      const zero = new Float32Array(DIMS);
      assert.equal(hasDirection(zero), false);
      assert.deepEqual(await rankDuplicateCandidates(index, hasDirection(zero) ? zero : null, QUERY, 10), fused);
      await assert.rejects(() => rankDuplicateCandidates(index, zero, QUERY, 10));
    } finally {
      await index.close();
    }
  });

  it("fetches max(limit, 100) candidates per side by default, and honours a smaller depth", async () => {
    const index = await fixtureIndex();
    try {
      const rec = recording(index);
      await rankDuplicateCandidates(rec.index, e0, QUERY, 10);
      await rankDuplicateCandidates(rec.index, e0, QUERY, 150);
      assert.deepEqual(rec.calls.map((c) => [c.side, c.k]), [
        ["dense", 100],
        ["keyword", 100],
        ["dense", 150],
        ["keyword", 150],
      ]);
      rec.calls.length = 0;
      await rankDuplicateCandidates(rec.index, e0, QUERY, 5, undefined, { candidates: 30 });
      assert.deepEqual(rec.calls.map((c) => c.k), [30, 30]);
      // Default depth 100 covers all 40 points: id 40 (dense rank 40, keyword rank 1) is 6th of 30.
      const deep = await rankDuplicateCandidates(index, e0, QUERY, 30);
      assert.equal(deep.findIndex((h) => h.id === 40), 5);
      // Depth 30: id 40 is outside the dense candidates, so it keeps only 1/61 = 0.016393 and falls below
      // every dense neighbour 1..30 (3/90 = 0.033333 at worst): cut from the top 30.
      const shallow = await rankDuplicateCandidates(index, e0, QUERY, 30, undefined, { candidates: 30 });
      assert.deepEqual(
        shallow.map((h) => h.id),
        [20, ...Array.from({ length: 29 }, (_, i) => (i < 19 ? i + 1 : i + 2))],
      );
    } finally {
      await index.close();
    }
  });

  it("breaks equal fused scores by dense rank, deterministically", async () => {
    const index = await fixtureIndex();
    try {
      // Equal weights, depth 4: dense [1, 2, 3, 4], keyword [40, 20]. id 1 and id 40 both score 1/61, id 2 and
      // id 20 both 1/62: the one with a dense rank goes first.
      const opts = { denseWeight: 1, keywordWeight: 1, candidates: 4 };
      const fused = await rankDuplicateCandidates(index, e0, QUERY, 4, undefined, opts);
      assert.deepEqual(fused.map((h) => h.id), [1, 40, 2, 20]);
      assert.equal(fused[0].score, fused[1].score);
      assert.equal(fused[2].score, fused[3].score);
      assert.deepEqual(await rankDuplicateCandidates(index, e0, QUERY, 4, undefined, opts), fused);
    } finally {
      await index.close();
    }
  });

  it("passes the filter to both sides", async () => {
    const index = await fixtureIndex();
    try {
      const fused = await rankDuplicateCandidates(index, e0, QUERY, 3, { excludeIds: [1, 20] });
      assert.deepEqual(fused.map((h) => h.id), [2, 3, 4]);
      const kwOnly = await rankDuplicateCandidates(index, null, QUERY, 3, { createdBefore: 30 });
      assert.deepEqual(kwOnly.map((h) => h.id), [20]);
    } finally {
      await index.close();
    }
  });
});

describe("duplicateKeywordQuery", () => {
  it("is the title, a newline and the first DUPLICATE_KEYWORD_BODY_CHARS of the body", () => {
    assert.equal(DUPLICATE_KEYWORD_BODY_CHARS, 1000);
    assert.equal(duplicateKeywordQuery({ title: "T", description: "body" }), "T\nbody");
    const long = "a".repeat(999) + "bc" + "d".repeat(50);
    assert.equal(duplicateKeywordQuery({ title: "T", description: long }), "T\n" + "a".repeat(999) + "b");
    assert.equal(duplicateKeywordQuery({ title: "", description: "" }), "\n");
  });
  it("a word past the body limit does not reach the keyword side", async () => {
    const index = await fixtureIndex();
    try {
      const filler = "zz ".repeat(400); // 1200 chars of a word no report contains
      const late = await rankDuplicateCandidates(index, null, { title: "nothing", description: filler + "qfailover" }, 5);
      assert.deepEqual(late, []);
      const early = await rankDuplicateCandidates(index, null, { title: "nothing", description: "qfailover " + filler }, 5);
      assert.deepEqual(early.map((h) => h.id), [40, 20]);
    } finally {
      await index.close();
    }
  });
});
