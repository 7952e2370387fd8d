// Training the StaticEmbedding model: its table as a Trainable for the one training loop (fit.ts), with the
// static recipe's defaults. Lazy Adam updates only the table rows a batch touched.
import { batchInputs, fit, type Trainable, type TrainProgress, type TrainSummary } from "@/lib/offline/train/fit";
import type { ObjectiveOptions } from "@/lib/offline/train/objective";
import type { StaticEmbeddingModel } from "@/lib/offline/train/static-model";

export type { TrainProgress, TrainSummary } from "@/lib/offline/train/fit";

/** A training example over token ids (content ids; special tokens are ignored by the model anyway). */
export interface TokenExample {
  anchor: readonly number[];
  positive: readonly number[];
  negative?: readonly number[];
  /** Report ids / duplicate-group keys, so no batch holds two examples about the same thing. */
  groups?: readonly (string | number)[];
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

export const DEFAULT_STATIC_TRAIN = {
  epochs: 3,
  batchSize: 64,
  lr: 0.01,
  warmupFraction: 0.1,
  maxGradNorm: 0,
  weightDecay: 0,
  seed: 42,
} as const;

/** The static table as a Trainable: token-id arrays in, pooled rows out, lazy Adam on the touched rows. */
function trainableTable(model: StaticEmbeddingModel): Trainable<readonly number[]> {
  return {
    dim: model.dim,
    forward(batch) {
      // Embed each distinct token array once (same array object = same text).
      const { inputs, refs } = batchInputs(batch);
      const emb = model.forward(inputs);
      return {
        emb,
        refs,
        backward(grad) {
          const g = model.backward(inputs, { data: grad, rows: emb.rows, cols: emb.cols });
          return { grads: [g.grads], apply: (adam) => adam.updateRows(model.table, model.dim, g.rows, g.grads) };
        },
      };
    },
  };
}

/** Train `model` in place. Deterministic for a given seed and example order. */
export async function trainStaticModel(
  model: StaticEmbeddingModel,
  examples: readonly TokenExample[],
  opts: StaticTrainOptions = {},
): Promise<TrainSummary> {
  return fit(trainableTable(model), examples, { ...DEFAULT_STATIC_TRAIN, ...opts });
}
