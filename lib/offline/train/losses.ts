// The four sentence-transformers training objectives, each returning the loss (batch mean) and its gradient
// w.r.t. the raw (un-normalised) input embeddings, plus the classifier weights for the softmax loss.
// Inputs are row-major matrices ([batch x dim]); cosine-based losses normalise internally and backprop through
// the normalisation, so callers pass whatever the model's pooling produced.
import {
  addNormalizeBackward,
  dotRows,
  normalizeRows,
  softmaxCrossEntropy,
  zerosLike,
  type Mat,
  type Vec,
} from "@/lib/offline/train/tensor";

export type LossName = "mnrl" | "triplet" | "softmax" | "cosine";
export const LOSS_NAMES: readonly LossName[] = ["mnrl", "triplet", "softmax", "cosine"];

export interface PairGrad<V extends Vec> {
  loss: number;
  gradA: V;
  gradB: V;
}

function checkSameShape(a: Mat, b: Mat, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new Error(`${what}: shapes differ (${a.rows}x${a.cols} vs ${b.rows}x${b.cols})`);
  }
}

function copyInto<V extends Vec>(like: V, src: Float64Array): V {
  const out = zerosLike(like, src.length);
  out.set(src);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// MultipleNegativesRankingLoss

export interface MnrlOptions {
  /** Multiplier on cosine similarities before the softmax (SBERT default 20). */
  scale?: number;
  /**
   * Also rank anchors for each positive (SBERT MultipleNegativesSymmetricRankingLoss); the loss is the mean of
   * both directions. The backward direction ignores extra negatives, as in SBERT.
   */
  symmetric?: boolean;
}

export interface MnrlResult<V extends Vec> extends PairGrad<V> {
  /** Gradient for the extra negatives (present when negatives were given). */
  gradNeg?: V;
}

/**
 * In-batch negatives: anchor i must pick positive i among all positives (and all extra hard negatives, if given).
 * Cross-entropy over scale * cos(anchor_i, candidate_j).
 */
export function multipleNegativesRankingLoss<V extends Vec>(
  anchors: Mat<V>,
  positives: Mat<V>,
  negatives?: Mat<V> | null,
  opts: MnrlOptions = {},
): MnrlResult<V> {
  checkSameShape(anchors, positives, "MNRL anchors/positives");
  if (negatives && negatives.cols !== anchors.cols) {
    throw new Error(`MNRL: negatives have ${negatives.cols} columns, anchors ${anchors.cols}`);
  }
  const scale = opts.scale ?? 20;
  const B = anchors.rows;
  const d = anchors.cols;
  const M = negatives?.rows ?? 0;
  const C = B + M;
  if (B === 0) throw new Error("MNRL: empty batch");

  const a = normalizeRows(anchors);
  const p = normalizeRows(positives);
  const n = negatives ? normalizeRows(negatives) : null;
  // sims[i * C + j] = cos(a_i, cand_j), cand = [positives; negatives]
  const sims = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) sims[i * C + j] = dotRows(a.unit, i, p.unit, j);
    for (let j = 0; j < M; j++) sims[i * C + B + j] = dotRows(a.unit, i, n!.unit, j);
  }
  // dL/dsims
  const gS = new Float64Array(B * C);
  const logits = new Float64Array(C);
  const g = new Float64Array(C);
  const dirWeight = opts.symmetric ? 0.5 : 1;
  let loss = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < C; j++) logits[j] = scale * sims[i * C + j]!;
    loss += (dirWeight * softmaxCrossEntropy(logits, i, g)) / B;
    for (let j = 0; j < C; j++) gS[i * C + j] = gS[i * C + j]! + (dirWeight * scale * g[j]!) / B;
  }
  if (opts.symmetric) {
    const lb = new Float64Array(B);
    const gb = new Float64Array(B);
    for (let j = 0; j < B; j++) {
      for (let i = 0; i < B; i++) lb[i] = scale * sims[i * C + j]!;
      loss += (0.5 * softmaxCrossEntropy(lb, j, gb)) / B;
      for (let i = 0; i < B; i++) gS[i * C + j] = gS[i * C + j]! + (0.5 * scale * gb[i]!) / B;
    }
  }
  // Chain rule onto the unit vectors, then through the normalisation.
  const gAu = new Float64Array(B * d);
  const gPu = new Float64Array(B * d);
  const gNu = new Float64Array(M * d);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < C; j++) {
      const w = gS[i * C + j]!;
      if (w === 0) continue;
      const candUnit = j < B ? p.unit : n!.unit;
      const cj = j < B ? j : j - B;
      const gCand = j < B ? gPu : gNu;
      const ao = i * d;
      const co = cj * d;
      for (let k = 0; k < d; k++) {
        gAu[ao + k] = gAu[ao + k]! + w * candUnit.data[co + k]!;
        gCand[co + k] = gCand[co + k]! + w * a.unit.data[ao + k]!;
      }
    }
  }
  const gradA = zerosLike(anchors.data);
  const gradB = zerosLike(positives.data);
  addNormalizeBackward(a.unit, a.norms, gAu, gradA);
  addNormalizeBackward(p.unit, p.norms, gPu, gradB);
  const out: MnrlResult<V> = { loss, gradA, gradB };
  if (negatives && n) {
    const gradNeg = zerosLike(negatives.data);
    addNormalizeBackward(n.unit, n.norms, gNu, gradNeg);
    out.gradNeg = gradNeg;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// TripletLoss

export type TripletDistance = "cosine" | "euclidean";

export interface TripletOptions {
  distance?: TripletDistance;
  /** Default 5 for euclidean (SBERT's default), 0.5 for cosine distance (which lives in [0, 2]). */
  margin?: number;
}

export interface TripletResult<V extends Vec> extends PairGrad<V> {
  gradNeg: V;
}

/** mean_i max(0, d(a_i, p_i) - d(a_i, n_i) + margin). */
export function tripletLoss<V extends Vec>(
  anchors: Mat<V>,
  positives: Mat<V>,
  negatives: Mat<V>,
  opts: TripletOptions = {},
): TripletResult<V> {
  checkSameShape(anchors, positives, "triplet anchors/positives");
  checkSameShape(anchors, negatives, "triplet anchors/negatives");
  const distance = opts.distance ?? "euclidean";
  const margin = opts.margin ?? (distance === "euclidean" ? 5 : 0.5);
  const B = anchors.rows;
  const d = anchors.cols;
  if (B === 0) throw new Error("triplet loss: empty batch");
  const gA = new Float64Array(B * d);
  const gP = new Float64Array(B * d);
  const gN = new Float64Array(B * d);
  let loss = 0;

  if (distance === "euclidean") {
    // d(x, y) = ||x - y||; gradient (x - y) / ||x - y|| (zero when x == y).
    const dist = (x: Mat, y: Mat, i: number) => {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x.data[i * d + k]! - y.data[i * d + k]!;
        s += t * t;
      }
      return Math.sqrt(s);
    };
    for (let i = 0; i < B; i++) {
      const dap = dist(anchors, positives, i);
      const dan = dist(anchors, negatives, i);
      const h = dap - dan + margin;
      if (h <= 0) continue;
      loss += h / B;
      for (let k = 0; k < d; k++) {
        const o = i * d + k;
        const ep = dap > 1e-12 ? (anchors.data[o]! - positives.data[o]!) / dap / B : 0;
        const en = dan > 1e-12 ? (anchors.data[o]! - negatives.data[o]!) / dan / B : 0;
        gA[o] = ep - en;
        gP[o] = -ep;
        gN[o] = en;
      }
    }
    return { loss, gradA: copyInto(anchors.data, gA), gradB: copyInto(positives.data, gP), gradNeg: copyInto(negatives.data, gN) };
  }

  if (distance !== "cosine") throw new Error(`triplet loss: unknown distance "${distance as string}"`);
  // d(x, y) = 1 - cos(x, y)  =>  h = cos(a, n) - cos(a, p) + margin
  const a = normalizeRows(anchors);
  const p = normalizeRows(positives);
  const n = normalizeRows(negatives);
  const gAu = new Float64Array(B * d);
  const gPu = new Float64Array(B * d);
  const gNu = new Float64Array(B * d);
  for (let i = 0; i < B; i++) {
    const cap = dotRows(a.unit, i, p.unit, i);
    const can = dotRows(a.unit, i, n.unit, i);
    const h = can - cap + margin;
    if (h <= 0) continue;
    loss += h / B;
    for (let k = 0; k < d; k++) {
      const o = i * d + k;
      gAu[o] = (n.unit.data[o]! - p.unit.data[o]!) / B;
      gPu[o] = -a.unit.data[o]! / B;
      gNu[o] = a.unit.data[o]! / B;
    }
  }
  const gradA = zerosLike(anchors.data);
  const gradB = zerosLike(positives.data);
  const gradNeg = zerosLike(negatives.data);
  addNormalizeBackward(a.unit, a.norms, gAu, gradA);
  addNormalizeBackward(p.unit, p.norms, gPu, gradB);
  addNormalizeBackward(n.unit, n.norms, gNu, gradNeg);
  return { loss, gradA, gradB, gradNeg };
}

// ---------------------------------------------------------------------------------------------------------------
// SoftmaxLoss (SBERT / InferSent NLI objective)

/** Linear classifier over [u, v, |u - v|]: logits = W x + b, W is [numLabels x 3*dim] (torch Linear layout). */
export interface LinearClassifier<V extends Vec = Vec> {
  weight: Mat<V>;
  bias: V;
}

export function createClassifier(dim: number, numLabels: number, rand: () => number): LinearClassifier<Float32Array> {
  const inF = 3 * dim;
  const bound = 1 / Math.sqrt(inF); // torch.nn.Linear's default uniform init
  const w = new Float32Array(numLabels * inF);
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * bound;
  return { weight: { data: w, rows: numLabels, cols: inF }, bias: new Float32Array(numLabels) };
}

export interface SoftmaxResult<V extends Vec> extends PairGrad<V> {
  gradWeight: V;
  gradBias: V;
}

/** Cross-entropy of a linear classifier on (u, v, |u - v|) against integer labels. */
export function softmaxLoss<V extends Vec>(
  u: Mat<V>,
  v: Mat<V>,
  labels: ArrayLike<number>,
  clf: LinearClassifier<V>,
): SoftmaxResult<V> {
  checkSameShape(u, v, "softmax loss u/v");
  const B = u.rows;
  const d = u.cols;
  const L = clf.weight.rows;
  if (clf.weight.cols !== 3 * d) {
    throw new Error(`softmax loss: classifier expects ${clf.weight.cols / 3}-dim embeddings, got ${d}`);
  }
  if (clf.bias.length !== L) throw new Error(`softmax loss: bias has ${clf.bias.length} values, expected ${L}`);
  if (labels.length !== B) throw new Error(`softmax loss: ${labels.length} labels for ${B} pairs`);
  if (B === 0) throw new Error("softmax loss: empty batch");
  const W = clf.weight.data;
  const gU = new Float64Array(B * d);
  const gV = new Float64Array(B * d);
  const gW = new Float64Array(L * 3 * d);
  const gB = new Float64Array(L);
  const x = new Float64Array(3 * d);
  const logits = new Float64Array(L);
  const g = new Float64Array(L);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= L) throw new Error(`softmax loss: label ${y} not in [0, ${L})`);
    for (let k = 0; k < d; k++) {
      const a = u.data[i * d + k]!;
      const b = v.data[i * d + k]!;
      x[k] = a;
      x[d + k] = b;
      x[2 * d + k] = Math.abs(a - b);
    }
    for (let c = 0; c < L; c++) {
      let s = clf.bias[c]!;
      for (let k = 0; k < 3 * d; k++) s += W[c * 3 * d + k]! * x[k]!;
      logits[c] = s;
    }
    loss += softmaxCrossEntropy(logits, y, g) / B;
    const gx = new Float64Array(3 * d);
    for (let c = 0; c < L; c++) {
      const gc = g[c]! / B;
      gB[c] = gB[c]! + gc;
      for (let k = 0; k < 3 * d; k++) {
        gW[c * 3 * d + k] = gW[c * 3 * d + k]! + gc * x[k]!;
        gx[k] = gx[k]! + gc * W[c * 3 * d + k]!;
      }
    }
    for (let k = 0; k < d; k++) {
      const diff = u.data[i * d + k]! - v.data[i * d + k]!;
      const sgn = diff > 0 ? 1 : diff < 0 ? -1 : 0; // subgradient 0 at u == v
      gU[i * d + k] = gx[k]! + sgn * gx[2 * d + k]!;
      gV[i * d + k] = gx[d + k]! - sgn * gx[2 * d + k]!;
    }
  }
  return {
    loss,
    gradA: copyInto(u.data, gU),
    gradB: copyInto(v.data, gV),
    gradWeight: copyInto(clf.weight.data, gW),
    gradBias: copyInto(clf.bias, gB),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CosineSimilarityLoss

/** mean_i (cos(u_i, v_i) - label_i)^2, labels usually in [0, 1] (or [-1, 1]). */
export function cosineSimilarityLoss<V extends Vec>(u: Mat<V>, v: Mat<V>, labels: ArrayLike<number>): PairGrad<V> {
  checkSameShape(u, v, "cosine loss u/v");
  const B = u.rows;
  const d = u.cols;
  if (labels.length !== B) throw new Error(`cosine loss: ${labels.length} labels for ${B} pairs`);
  if (B === 0) throw new Error("cosine loss: empty batch");
  const a = normalizeRows(u);
  const b = normalizeRows(v);
  const gAu = new Float64Array(B * d);
  const gBu = new Float64Array(B * d);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const c = dotRows(a.unit, i, b.unit, i);
    const r = c - labels[i]!;
    loss += (r * r) / B;
    const gc = (2 * r) / B;
    for (let k = 0; k < d; k++) {
      gAu[i * d + k] = gc * b.unit.data[i * d + k]!;
      gBu[i * d + k] = gc * a.unit.data[i * d + k]!;
    }
  }
  const gradA = zerosLike(u.data);
  const gradB = zerosLike(v.data);
  addNormalizeBackward(a.unit, a.norms, gAu, gradA);
  addNormalizeBackward(b.unit, b.norms, gBu, gradB);
  return { loss, gradA, gradB };
}
