// Reciprocal-rank fusion used when a backend cannot fuse natively.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { annotateRanks, candidateCount, reciprocalRankFusion } from "../../lib/index/hybrid";

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
