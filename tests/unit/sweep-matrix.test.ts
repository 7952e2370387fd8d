// The sweep's matrix kNN (lib/vector/all-pairs) against the sweep it replaced: one exact sqlite-vec kNN query
// per report. On a fixture both must give the same pairs above the threshold with the same scores (exact path),
// and the HNSW path used above EXACT_MAX must find nearly all of them.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { EXACT_MAX, allNearestNeighbours } from "@/lib/vector/all-pairs";
import { normalise, rng } from "@/tests/unit/index-contract";

const DIMS = 32;
const K = 5;
const THRESHOLD = 0.8;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweep-matrix-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** n points around 60 random (not orthogonal) centroids; ~0.4 noise, so many pairs land above 0.8. */
async function fixture(n: number, seed: number): Promise<SqliteVecIndex> {
  const r = rng(seed);
  const centroids = Array.from({ length: 60 }, () => normalise(Float32Array.from({ length: DIMS }, () => r() - 0.5)));
  const around = (c: Float32Array) => normalise(Float32Array.from(c, (x) => x + (r() - 0.5) * 0.14));
  const ix = new SqliteVecIndex({ path: path.join(dir, `s${seed}.db`), dims: DIMS });
  for (let s = 0; s < n; s += 500) {
    const batch = [];
    // ids with gaps, so row index != id
    for (let i = s; i < Math.min(n, s + 500); i++) batch.push({ id: 3 * i + 7, vector: around(centroids[Math.floor(r() * 60)]!), meta: { createdAt: 0 } });
    await ix.upsert(batch);
  }
  return ix;
}

/** The previous sweep: for each report, index.search(k + 1) with its stored vector; pairs above the threshold. */
async function oldSweep(ix: SqliteVecIndex): Promise<Map<string, number>> {
  const pairs = new Map<string, number>();
  for (const id of (await ix.ids()).sort((a, b) => a - b)) {
    const p = (await ix.get(id))!;
    for (const h of await ix.search(p.vector, K + 1)) {
      if (h.id === id || h.score < THRESHOLD) continue;
      pairs.set(`${Math.min(id, h.id)}-${Math.max(id, h.id)}`, h.score);
    }
  }
  return pairs;
}

async function matrixSweep(ix: SqliteVecIndex, exact?: boolean): Promise<{ pairs: Map<string, number>; exact: boolean; progress: number[] }> {
  const m = await ix.exportVectors();
  const pairs = new Map<string, number>();
  const progress: number[] = [];
  const r = await allNearestNeighbours(
    m.data,
    m.dims,
    K,
    (row, ns) => {
      const id = m.ids[row]!;
      for (const h of ns) {
        if (h.score < THRESHOLD) continue;
        const o = m.ids[h.row]!;
        pairs.set(`${Math.min(id, o)}-${Math.max(id, o)}`, h.score);
      }
    },
    { exact, onProgress: (done) => progress.push(done) },
  );
  return { pairs, exact: r.exact, progress };
}

describe("sweep as a matrix job", () => {
  it("exact path: the same pairs and scores as one kNN query per report", async () => {
    const ix = await fixture(2500, 1); // more than one block of queries
    try {
      const want = await oldSweep(ix);
      const got = await matrixSweep(ix);
      assert.equal(got.exact, true);
      assert.ok(want.size > 100, `fixture has ${want.size} pairs above ${THRESHOLD}`);
      assert.deepEqual([...got.pairs.keys()].sort(), [...want.keys()].sort());
      for (const [key, s] of want) assert.ok(Math.abs(got.pairs.get(key)! - s) < 1e-5, `score of ${key}`);
      assert.equal(got.progress.at(-1), 2500);
    } finally {
      await ix.close();
    }
  });

  it(`HNSW path (above ${EXACT_MAX} points) finds at least 99% of the exact pairs, with exact scores`, async () => {
    const ix = await fixture(EXACT_MAX + 1000, 2);
    try {
      const exact = await matrixSweep(ix, true);
      const approx = await matrixSweep(ix);
      assert.equal(approx.exact, false);
      let found = 0;
      for (const [key, s] of exact.pairs) {
        const g = approx.pairs.get(key);
        if (g === undefined) continue;
        found++;
        assert.ok(Math.abs(g - s) < 1e-5, `score of ${key}`);
      }
      assert.ok(found / exact.pairs.size >= 0.99, `found ${found} of ${exact.pairs.size}`);
      assert.deepEqual(approx.progress, [...approx.progress].sort((a, b) => a - b), "progress only grows");
    } finally {
      await ix.close();
    }
  });
});
