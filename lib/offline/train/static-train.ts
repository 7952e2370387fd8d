// Training loop for the StaticEmbedding model: seeded no-duplicate batches, one objective (MNRL by default),
// lazy Adam on the touched table rows, SBERT's warm-up + linear decay schedule, optional gradient clipping.
import { noDuplicateBatches } from "@/lib/offline/train/batching";
import { Objective, type ObjectiveOptions } from "@/lib/offline/train/objective";
import { Adam, clipGradNorm, linearWarmupDecay } from "@/lib/offline/train/optim";
import type { StaticEmbeddingModel } from "@/lib/offline/train/static-model";
import { rng } from "@/lib/offline/train/tensor";

/** A training example over token ids (content ids; special tokens are ignored by the model anyway). */
export interface TokenExample {
  anchor: readonly number[];
  positive: readonly number[];
  negative?: readonly number[];
  /** Report ids / duplicate-group keys, so no batch holds two examples about the same thing. */
  groups?: readonly (string | number)[];
}

export interface TrainProgress {
  epoch: number;
  step: number;
  totalSteps: number;
  loss: number;
  /** Mean loss over the epoch so far. */
  epochLoss: number;
  lr: number;
}

export interface StaticTrainOptions {
  epochs?: number;
  batchSize?: number;
  /**
   * Peak learning rate. Static tables take large ones (SBERT's static-embedding recipe uses 0.2 from random
   * rows); starting from the corpus-statistics init, 0.01 kept what the init knows and still improved it.
   */
  lr?: number;
  warmupFraction?: number;
  /** Clip the joint gradient norm (table rows + classifier); off when undefined/0. */
  maxGradNorm?: number;
  weightDecay?: number;
  seed?: number;
  objective?: ObjectiveOptions;
  onProgress?: (p: TrainProgress) => void;
  /** Called every this many steps (default: ~20 times per run). */
  progressEvery?: number;
}

export interface TrainSummary {
  steps: number;
  epochs: number;
  examples: number;
  /** Mean loss per epoch. */
  epochLosses: number[];
  ms: number;
}

export const DEFAULT_STATIC_TRAIN = {
  epochs: 3,
  batchSize: 64,
  lr: 0.01,
  warmupFraction: 0.1,
  maxGradNorm: 0,
  weightDecay: 0,
  seed: 42,
} as const;

/** Train `model` in place. Deterministic for a given seed and example order. */
export async function trainStaticModel(
  model: StaticEmbeddingModel,
  examples: readonly TokenExample[],
  opts: StaticTrainOptions = {},
): Promise<TrainSummary> {
  const o = { ...DEFAULT_STATIC_TRAIN, ...opts };
  if (examples.length < 2) throw new Error(`training needs at least 2 examples, got ${examples.length}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error(`epochs must be a positive integer, got ${o.epochs}`);
  const t0 = Date.now();
  const rand = rng(o.seed);
  const objective = new Objective({ loss: "mnrl", ...o.objective, seed: o.seed }, model.dim);
  const adam = new Adam({ lr: o.lr, weightDecay: o.weightDecay });
  // Batches are drawn per epoch; the count barely varies, so estimate total steps from epoch 1.
  let epochBatches = noDuplicateBatches(examples, o.batchSize, rand);
  if (epochBatches.length === 0) throw new Error("training: no batch of >= 2 examples could be formed (all examples share a group?)");
  const totalSteps = epochBatches.length * o.epochs;
  const every = o.progressEvery ?? Math.max(1, Math.floor(totalSteps / 20));
  const epochLosses: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    if (epoch > 0) epochBatches = noDuplicateBatches(examples, o.batchSize, rand);
    let sum = 0;
    let n = 0;
    for (const batch of epochBatches) {
      // Embed each distinct token array once.
      const texts: (readonly number[])[] = [];
      const rowOf = new Map<readonly number[], number>();
      const ref = (ids: readonly number[]) => {
        let r = rowOf.get(ids);
        if (r === undefined) {
          r = texts.length;
          rowOf.set(ids, r);
          texts.push(ids);
        }
        return r;
      };
      const refs = {
        anchors: batch.map((e) => ref(e.anchor)),
        positives: batch.map((e) => ref(e.positive)),
        negatives: batch.map((e) => (e.negative ? ref(e.negative) : -1)),
      };
      const emb = model.forward(texts);
      const { loss, grad } = objective.compute(emb, refs);
      const g = model.backward(texts, { data: grad, rows: emb.rows, cols: emb.cols });
      const extra = objective.extraParams();
      if (o.maxGradNorm > 0) clipGradNorm([g.grads, ...extra.map((p) => p.grad)], o.maxGradNorm);
      adam.step(linearWarmupDecay(Math.min(step, totalSteps - 1), totalSteps, o.warmupFraction));
      adam.updateRows(model.table, model.dim, g.rows, g.grads);
      for (const p of extra) adam.update(p.param, p.grad);
      sum += loss;
      n++;
      step++;
      if (o.onProgress && (step % every === 0 || step === totalSteps)) {
        o.onProgress({ epoch: epoch + 1, step, totalSteps, loss, epochLoss: sum / n, lr: adam.lr });
      }
      if (step % 25 === 0) await new Promise((r) => setImmediate(r)); // let a job heartbeat run
    }
    epochLosses.push(n ? sum / n : NaN);
  }
  return { steps: step, epochs: o.epochs, examples: examples.length, epochLosses, ms: Date.now() - t0 };
}
