// Building blocks of the static model's initialisation and batching: randomized SVD against an exact
// eigen-decomposition, corpus-statistics init invariants, and no-duplicate batches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { noDuplicateBatches } from "@/lib/offline/train/batching";
import { csrFromTriplets, randomizedSvd, symmetricEigen, type Csr } from "@/lib/offline/train/linalg";
import { corpusTokenStats, idfWeights, initStaticTable } from "@/lib/offline/train/static-init";
import { gaussian, rng } from "@/lib/offline/train/tensor";

/** Sparse rows x cols matrix of rank <= r with a decaying spectrum, plus its dense copy. */
function lowRank(rows: number, cols: number, r: number, seed: number): { a: Csr; dense: Float64Array } {
  const g = gaussian(rng(seed));
  const u = Array.from({ length: r }, () => Float64Array.from({ length: rows }, g));
  const v = Array.from({ length: r }, () => Float64Array.from({ length: cols }, g));
  const dense = new Float64Array(rows * cols);
  for (let k = 0; k < r; k++) {
    const s = Math.pow(0.5, k);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) dense[i * cols + j]! += s * u[k]![i]! * v[k]![j]!;
  }
  const ri: number[] = [], ci: number[] = [], vals: number[] = [];
  dense.forEach((x, idx) => {
    ri.push(Math.floor(idx / cols));
    ci.push(idx % cols);
    vals.push(x);
  });
  return { a: csrFromTriplets(rows, cols, ri, ci, vals), dense };
}

function exactSingularValues(dense: Float64Array, rows: number, cols: number): Float64Array {
  const n = Math.min(rows, cols);
  const gram = new Float64Array(n * n); // A A^T or A^T A, whichever is smaller
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (rows <= cols) for (let k = 0; k < cols; k++) s += dense[i * cols + k]! * dense[j * cols + k]!;
      else for (let k = 0; k < rows; k++) s += dense[k * cols + i]! * dense[k * cols + j]!;
      gram[i * n + j] = s;
    }
  }
  return symmetricEigen(gram, n).values.map((x) => Math.sqrt(Math.max(0, x)));
}

test("randomized SVD recovers the top singular values and vectors (tall and wide matrices)", () => {
  for (const [rows, cols] of [[40, 25], [25, 40]] as const) {
    const { a, dense } = lowRank(rows, cols, 6, rows);
    const exact = exactSingularValues(dense, rows, cols);
    const svd = randomizedSvd(a, 4, { seed: 3, powerIters: 2 });
    for (let k = 0; k < 4; k++) {
      assert.ok(Math.abs(svd.s[k]! - exact[k]!) / exact[k]! < 1e-6, `${rows}x${cols}: s[${k}] ${svd.s[k]} vs ${exact[k]}`);
      // A^T u_k = s_k v_k, so ||A^T u_k|| must equal s_k for a true left singular vector
      const u = svd.u[k]!;
      assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-6, "left singular vectors are unit length");
      let n2 = 0;
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += dense[i * cols + j]! * u[i]!;
        n2 += s * s;
      }
      assert.ok(Math.abs(Math.sqrt(n2) - exact[k]!) / exact[k]! < 1e-6);
    }
  }
});

test("symmetric eigen-decomposition: A v = lambda v, eigenvalues descending", () => {
  const n = 7;
  const g = gaussian(rng(5));
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = g();
  const { values, vectors } = symmetricEigen(m, n);
  for (let k = 1; k < n; k++) assert.ok(values[k - 1]! >= values[k]!);
  vectors.forEach((v, k) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j]! * v[j]!;
      assert.ok(Math.abs(s - values[k]! * v[i]!) < 1e-9);
    }
  });
});

test("static init: unseen and special tokens stay zero, rows scale with idf, deterministic", () => {
  // tokens 1..6 in three "topics"; token 9 never appears; token 0 is special
  const docs = [[1, 2, 0, 1], [1, 2, 2], [3, 4, 0], [3, 4, 4, 3], [5, 6], [5, 6, 6], [1, 3, 5]];
  const V = 10, dim = 3;
  const a = initStaticTable(docs, V, { dim, method: "lsa", zeroIds: [0], seed: 1 });
  const b = initStaticTable(docs, V, { dim, method: "lsa", zeroIds: [0], seed: 1 });
  assert.deepEqual(a.table, b.table);
  const row = (t: number) => a.table.subarray(t * dim, (t + 1) * dim);
  assert.ok(row(0).every((x) => x === 0) && row(9).every((x) => x === 0) && row(7).every((x) => x === 0));
  assert.equal(a.active, 6);
  const idf = idfWeights(corpusTokenStats(docs, V));
  for (const t of [1, 2, 3, 4, 5, 6]) assert.ok(Math.abs(Math.hypot(...row(t)) - idf[t]!) < 1e-5, `row ${t} norm equals its idf`);
  const cos = (x: number, y: number) => row(x).reduce((s, v, k) => s + v * row(y)[k]!, 0) / (Math.hypot(...row(x)) * Math.hypot(...row(y)));
  assert.ok(cos(1, 2) > cos(1, 4), "co-occurring tokens are closer than tokens of another topic");
  const lex = initStaticTable(docs, V, { dim, method: "lsa", zeroIds: [0], seed: 1, lexicalWeight: 0.5 });
  assert.ok(lex.table.subarray(9 * dim, 10 * dim).some((x) => x !== 0), "lexical component covers unseen tokens");
  assert.ok(lex.table.subarray(0, dim).every((x) => x === 0), "but never special tokens");
  assert.throws(() => initStaticTable(docs, 5, { dim }), /token id 5 outside vocabulary of 5/);
});

test("no-duplicate batches: no shared group in a batch, every example used once, seeded", () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ i, groups: [i % 10 === 0 ? "hot" : `g${i}`, `h${i % 7}`] }));
  const batches = noDuplicateBatches(items, 6, rng(1));
  for (const b of batches) {
    const keys = b.flatMap((x) => x.groups);
    assert.equal(new Set(keys).size, keys.length, "a batch holds two examples sharing a group");
    assert.ok(b.length >= 2 && b.length <= 6);
  }
  const used = batches.flat().map((x) => x.i).sort((a, b) => a - b);
  assert.equal(new Set(used).size, used.length, "an example was used twice");
  assert.ok(used.length >= 48, `only ${used.length} of 50 examples were batched`);
  assert.deepEqual(noDuplicateBatches(items, 6, rng(1)), batches);
  assert.throws(() => noDuplicateBatches(items, 0, rng(1)), /batchSize must be a positive integer/);
});
