// Every analytic gradient in lib/offline/train/losses.ts against central finite differences, in float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cosineSimilarityLoss,
  createClassifier,
  multipleNegativesRankingLoss,
  softmaxLoss,
  tripletLoss,
  type LinearClassifier,
} from "@/lib/offline/train/losses";
import { gaussian, rng, type Mat } from "@/lib/offline/train/tensor";
import { Adam, clipGradNorm, linearWarmupDecay } from "@/lib/offline/train/optim";

const B = 5;
const D = 7;

function randMat(rows: number, cols: number, seed: number, scale = 1): Mat<Float64Array> {
  const g = gaussian(rng(seed));
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = g() * scale;
  return { data, rows, cols };
}

/**
 * Compare analytic gradient `grad` of `f` w.r.t. every entry of `x` to (f(x+h) - f(x-h)) / 2h.
 * Relative error is measured against the gradient's overall scale so near-zero entries do not blow up.
 */
function checkGrad(name: string, x: Float64Array, grad: Float64Array, f: () => number, h = 1e-6): void {
  assert.equal(grad.length, x.length, `${name}: gradient length`);
  let maxAbs = 0;
  for (const g of grad) maxAbs = Math.max(maxAbs, Math.abs(g));
  assert.ok(maxAbs > 1e-8, `${name}: gradient is identically zero, so the check would be vacuous`);
  for (let i = 0; i < x.length; i++) {
    const old = x[i]!;
    x[i] = old + h;
    const fp = f();
    x[i] = old - h;
    const fm = f();
    x[i] = old;
    const num = (fp - fm) / (2 * h);
    const rel = Math.abs(num - grad[i]!) / Math.max(maxAbs, 1e-8);
    assert.ok(rel < 1e-5, `${name}[${i}]: analytic ${grad[i]} vs numeric ${num} (rel ${rel.toExponential(2)})`);
  }
}

test("MNRL gradients (plain, with hard negatives, symmetric)", () => {
  for (const symmetric of [false, true]) {
    for (const withNeg of [false, true]) {
      const a = randMat(B, D, 1);
      const p = randMat(B, D, 2);
      const n = withNeg ? randMat(3, D, 3) : null;
      // scale 5 keeps the softmax away from saturation so every gradient entry is informative
      const opts = { scale: 5, symmetric };
      const r = multipleNegativesRankingLoss(a, p, n, opts);
      assert.ok(r.loss > 0 && Number.isFinite(r.loss));
      const f = () => multipleNegativesRankingLoss(a, p, n, opts).loss;
      const tag = `mnrl sym=${symmetric} neg=${withNeg}`;
      checkGrad(`${tag} anchors`, a.data, r.gradA, f);
      checkGrad(`${tag} positives`, p.data, r.gradB, f);
      if (n) checkGrad(`${tag} negatives`, n.data, r.gradNeg!, f);
      else assert.equal(r.gradNeg, undefined);
    }
  }
});

test("MNRL: loss falls when positives move toward their anchors", () => {
  const a = randMat(B, D, 4);
  const p = randMat(B, D, 5);
  const before = multipleNegativesRankingLoss(a, p).loss;
  const close = { ...p, data: p.data.map((x, i) => 0.1 * x + a.data[i]!) };
  assert.ok(multipleNegativesRankingLoss(a, close).loss < before);
});

test("triplet loss gradients (euclidean and cosine)", () => {
  for (const distance of ["euclidean", "cosine"] as const) {
    const a = randMat(B, D, 11);
    const p = randMat(B, D, 12);
    const n = randMat(B, D, 13);
    // margins chosen so most (not necessarily all) triplets are active
    const opts = { distance, margin: distance === "euclidean" ? 2 : 0.6 };
    const r = tripletLoss(a, p, n, opts);
    assert.ok(r.loss > 0);
    const f = () => tripletLoss(a, p, n, opts).loss;
    checkGrad(`triplet ${distance} anchors`, a.data, r.gradA, f);
    checkGrad(`triplet ${distance} positives`, p.data, r.gradB, f);
    checkGrad(`triplet ${distance} negatives`, n.data, r.gradNeg, f);
  }
});

test("triplet loss is zero (and gradients zero) when every triplet satisfies the margin", () => {
  const a = randMat(B, D, 21);
  const p = { ...a, data: a.data.map((x) => x + 1e-3) };
  const n = { ...a, data: a.data.map((x) => -x) };
  const r = tripletLoss(a, p, n, { distance: "cosine", margin: 0.5 });
  assert.equal(r.loss, 0);
  assert.ok(r.gradA.every((x) => x === 0));
});

test("softmax loss gradients w.r.t. u, v, classifier weight and bias", () => {
  const u = randMat(B, D, 31);
  const v = randMat(B, D, 32);
  const c32 = createClassifier(D, 3, rng(33));
  const clf: LinearClassifier<Float64Array> = {
    weight: { data: Float64Array.from(c32.weight.data), rows: 3, cols: 3 * D },
    bias: Float64Array.from([0.1, -0.2, 0.05]),
  };
  const labels = [0, 1, 2, 1, 0];
  const r = softmaxLoss(u, v, labels, clf);
  const f = () => softmaxLoss(u, v, labels, clf).loss;
  checkGrad("softmax u", u.data, r.gradA, f);
  checkGrad("softmax v", v.data, r.gradB, f);
  checkGrad("softmax weight", clf.weight.data, r.gradWeight, f);
  checkGrad("softmax bias", clf.bias, r.gradBias, f);
  assert.throws(() => softmaxLoss(u, v, [0, 1, 2, 3, 0], clf), /label 3 not in \[0, 3\)/);
});

test("cosine similarity loss gradients", () => {
  const u = randMat(B, D, 41);
  const v = randMat(B, D, 42);
  const labels = [1, 0, 0.5, 1, 0.2];
  const r = cosineSimilarityLoss(u, v, labels);
  const f = () => cosineSimilarityLoss(u, v, labels).loss;
  checkGrad("cosine u", u.data, r.gradA, f);
  checkGrad("cosine v", v.data, r.gradB, f);
});

test("float32 inputs give float32 gradients close to the float64 ones", () => {
  const a = randMat(B, D, 51);
  const p = randMat(B, D, 52);
  const r64 = multipleNegativesRankingLoss(a, p, null, { scale: 20 });
  const a32 = { ...a, data: Float32Array.from(a.data) };
  const p32 = { ...p, data: Float32Array.from(p.data) };
  const r32 = multipleNegativesRankingLoss(a32, p32, null, { scale: 20 });
  assert.ok(r32.gradA instanceof Float32Array);
  assert.ok(Math.abs(r32.loss - r64.loss) < 1e-4);
  for (let i = 0; i < r64.gradA.length; i++) assert.ok(Math.abs(r32.gradA[i]! - r64.gradA[i]!) < 1e-4);
});

test("shape errors name the problem", () => {
  assert.throws(() => multipleNegativesRankingLoss(randMat(3, D, 1), randMat(4, D, 2)), /shapes differ/);
  assert.throws(() => cosineSimilarityLoss(randMat(3, D, 1), randMat(3, D, 2), [1, 0]), /2 labels for 3 pairs/);
});

test("Adam minimises a quadratic; lazy row updates leave untouched rows alone", () => {
  // f(x) = sum (x - 3)^2
  const x = new Float32Array(4);
  const adam = new Adam({ lr: 0.1 });
  for (let s = 0; s < 500; s++) {
    const g = x.map((xi) => 2 * (xi - 3));
    adam.step();
    adam.update(x, g);
  }
  for (const xi of x) assert.ok(Math.abs(xi - 3) < 1e-2, `converged to ${xi}`);

  const table = new Float32Array(3 * 2).fill(1);
  const opt = new Adam({ lr: 0.5 });
  opt.step();
  opt.updateRows(table, 2, [2], Float32Array.from([1, -1]));
  assert.deepEqual(Array.from(table.subarray(0, 4)), [1, 1, 1, 1]);
  // First Adam step moves each coordinate by ~lr * sign(g)
  assert.ok(Math.abs(table[4]! - 0.5) < 1e-3 && Math.abs(table[5]! - 1.5) < 1e-3);
});

test("warm-up then linear decay; gradient clipping", () => {
  const total = 100;
  assert.ok(linearWarmupDecay(0, total) > 0);
  assert.ok(linearWarmupDecay(4, total) < linearWarmupDecay(9, total));
  assert.equal(linearWarmupDecay(9, total), 1);
  assert.ok(linearWarmupDecay(50, total) < 1 && linearWarmupDecay(50, total) > linearWarmupDecay(90, total));
  assert.ok(linearWarmupDecay(99, total) > 0);

  const g1 = Float32Array.from([3, 0]);
  const g2 = Float32Array.from([0, 4]);
  const norm = clipGradNorm([g1, g2], 1);
  assert.equal(norm, 5);
  assert.ok(Math.abs(Math.hypot(g1[0]!, g2[1]!) - 1) < 1e-6);
  const small = Float32Array.from([0.1]);
  clipGradNorm([small], 1);
  assert.ok(Math.abs(small[0]! - 0.1) < 1e-7);
});
