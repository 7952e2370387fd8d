import { test } from "node:test";
import assert from "node:assert/strict";
import { combineChunks, cosine, l2Normalize, poolTokens } from "@/lib/embedding/pooling";

// batch 2, seq 3, dim 2. Row 0 has 2 real tokens, row 1 has 3.
const hidden = Float32Array.from([
  1, 2, /**/ 3, -4, /**/ 100, 100, // row 0: last token is padding
  -1, 0, /**/ 2, 2, /**/ 5, -3,
]);
const mask = BigInt64Array.from([1n, 1n, 0n, 1n, 1n, 1n]);

const close = (a: Float32Array, b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) < 1e-6, `${Array.from(a)} vs ${b}`));
};

test("cls pooling takes the first token", () => {
  const [a, b] = poolTokens(hidden, mask, 2, 3, 2, "cls");
  close(a!, [1, 2]);
  close(b!, [-1, 0]);
});

test("mean pooling ignores padding", () => {
  const [a, b] = poolTokens(hidden, mask, 2, 3, 2, "mean");
  close(a!, [2, -1]);
  close(b!, [2, -1 / 3]);
});

test("max pooling ignores padding", () => {
  const [a, b] = poolTokens(hidden, mask, 2, 3, 2, "max");
  close(a!, [3, 2]);
  close(b!, [5, 2]);
});

test("mean_sqrt_len divides the masked sum by sqrt(length)", () => {
  const [a, b] = poolTokens(hidden, Array.from(mask, Number), 2, 3, 2, "mean_sqrt_len");
  close(a!, [4 / Math.SQRT2, -2 / Math.SQRT2]);
  close(b!, [6 / Math.sqrt(3), -1 / Math.sqrt(3)]);
});

test("fully masked row gives a zero vector, not NaN", () => {
  for (const mode of ["mean", "max", "mean_sqrt_len"] as const) {
    const [v] = poolTokens(Float32Array.from([1, 2]), [0], 1, 1, 2, mode);
    close(v!, [0, 0]);
  }
});

test("shape mismatch is a clear error", () => {
  assert.throws(() => poolTokens(hidden, mask, 2, 3, 3, "mean"), /expected 2x3x3/);
});

test("l2Normalize, combineChunks and cosine", () => {
  close(l2Normalize(Float32Array.from([3, 4])), [0.6, 0.8]);
  close(l2Normalize(Float32Array.from([0, 0])), [0, 0]);
  const parts = [Float32Array.from([1, 0]), Float32Array.from([0, 1]), Float32Array.from([1, -1])];
  close(combineChunks(parts, "mean"), [2 / 3, 0]);
  close(combineChunks(parts, "max"), [1, 1]);
  assert.ok(Math.abs(cosine(Float32Array.from([1, 1]), Float32Array.from([2, 2])) - 1) < 1e-9);
  assert.throws(() => combineChunks([], "mean"), /no vectors/);
});
