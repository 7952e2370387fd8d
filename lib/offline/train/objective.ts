// One training objective over a batch of embedded texts, shared by the static model and the linear head.
// A batch is (anchor, positive, optional hard negative) triples pointing at rows of one embedding matrix, so a
// text used twice in a batch is embedded once and its gradients add up.
//   mnrl:    in-batch negatives (+ the hard negatives as extra candidates).
//   triplet: (anchor, positive, negative); rows without a hard negative use the next row's positive.
//   cosine:  (anchor, positive) -> 1 and (anchor, negative) -> 0, negatives as for triplet.
//   softmax: the same labelled pairs, 2 classes, linear classifier on (u, v, |u - v|) trained alongside.
import {
  cosineSimilarityLoss,
  createClassifier,
  multipleNegativesRankingLoss,
  softmaxLoss,
  tripletLoss,
  type LinearClassifier,
  type LossName,
  type TripletDistance,
} from "@/lib/offline/train/losses";
import { rng, type Mat } from "@/lib/offline/train/tensor";

export interface ObjectiveOptions {
  loss: LossName;
  /** MNRL similarity scale (default 20). */
  scale?: number;
  /** MNRL: symmetric variant. */
  symmetric?: boolean;
  /** Triplet margin / distance. */
  margin?: number;
  distance?: TripletDistance;
  seed?: number;
}

export interface BatchRefs {
  anchors: number[];
  positives: number[];
  /** Row of each example's hard negative, or -1 when it has none. */
  negatives: number[];
}

export interface ParamGrad {
  param: Float32Array;
  grad: Float32Array;
}

function gather(emb: Mat<Float32Array>, idx: number[]): Mat<Float32Array> {
  const d = emb.cols;
  const out = new Float32Array(idx.length * d);
  idx.forEach((r, i) => out.set(emb.data.subarray(r * d, (r + 1) * d), i * d));
  return { data: out, rows: idx.length, cols: d };
}

function scatterAdd(into: Float32Array, d: number, idx: number[], grad: Float32Array): void {
  idx.forEach((r, i) => {
    for (let k = 0; k < d; k++) into[r * d + k]! += grad[i * d + k]!;
  });
}

export class Objective {
  readonly opts: ObjectiveOptions;
  readonly classifier: LinearClassifier<Float32Array> | null;
  private classifierGrads: ParamGrad[] = [];

  constructor(opts: ObjectiveOptions, dim: number) {
    this.opts = opts;
    this.classifier = opts.loss === "softmax" ? createClassifier(dim, 2, rng(opts.seed ?? 1)) : null;
  }

  /** Extra trainable parameters (the softmax classifier) with the gradients of the last compute(). */
  extraParams(): ParamGrad[] {
    return this.classifierGrads;
  }

  /** Loss and dL/d(emb) (same shape as emb). */
  compute(emb: Mat<Float32Array>, refs: BatchRefs): { loss: number; grad: Float32Array } {
    const B = refs.anchors.length;
    if (refs.positives.length !== B || refs.negatives.length !== B) throw new Error("objective: ragged batch refs");
    if (B < 2 && this.opts.loss === "mnrl") throw new Error("objective: MNRL needs at least 2 examples per batch");
    const d = emb.cols;
    const grad = new Float32Array(emb.data.length);
    const A = gather(emb, refs.anchors);
    const P = gather(emb, refs.positives);

    if (this.opts.loss === "mnrl") {
      const hard = refs.negatives.filter((n) => n >= 0);
      const N = hard.length ? gather(emb, hard) : null;
      const r = multipleNegativesRankingLoss(A, P, N, { scale: this.opts.scale, symmetric: this.opts.symmetric });
      scatterAdd(grad, d, refs.anchors, r.gradA);
      scatterAdd(grad, d, refs.positives, r.gradB);
      if (r.gradNeg) scatterAdd(grad, d, hard, r.gradNeg);
      return { loss: r.loss, grad };
    }

    // Negatives for the pairwise losses: the hard one, else the next example's positive.
    const negIdx = refs.negatives.map((n, i) => (n >= 0 ? n : refs.positives[(i + 1) % B]!));
    if (this.opts.loss === "triplet") {
      const r = tripletLoss(A, P, gather(emb, negIdx), { distance: this.opts.distance, margin: this.opts.margin });
      scatterAdd(grad, d, refs.anchors, r.gradA);
      scatterAdd(grad, d, refs.positives, r.gradB);
      scatterAdd(grad, d, negIdx, r.gradNeg);
      return { loss: r.loss, grad };
    }

    const left = [...refs.anchors, ...refs.anchors];
    const right = [...refs.positives, ...negIdx];
    const labels = [...refs.anchors.map(() => 1), ...refs.anchors.map(() => 0)];
    const U = gather(emb, left);
    const V = gather(emb, right);
    if (this.opts.loss === "cosine") {
      const r = cosineSimilarityLoss(U, V, labels);
      scatterAdd(grad, d, left, r.gradA);
      scatterAdd(grad, d, right, r.gradB);
      return { loss: r.loss, grad };
    }
    if (this.opts.loss === "softmax") {
      const r = softmaxLoss(U, V, labels, this.classifier!);
      scatterAdd(grad, d, left, r.gradA);
      scatterAdd(grad, d, right, r.gradB);
      this.classifierGrads = [
        { param: this.classifier!.weight.data, grad: r.gradWeight },
        { param: this.classifier!.bias, grad: r.gradBias },
      ];
      return { loss: r.loss, grad };
    }
    throw new Error(`objective: unknown loss "${this.opts.loss as string}"`);
  }
}
