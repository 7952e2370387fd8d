// The one training loop. Every trainable model (the StaticEmbedding table, the linear head over frozen
// embeddings, whatever comes next) implements Trainable: embed a batch's distinct inputs, and turn the
// objective's gradient into parameter gradients plus an update. The loop owns everything else, the same
// for every model: seeded no-duplicate batches, the objective (a loss from losses.ts), SBERT's warm-up +
// linear decay schedule (step clamped: later epochs may draw a batch more than the estimate), optional
// global gradient clipping, Adam, progress and a yield to the event loop for job heartbeats.
import { noDuplicateBatches } from "@/lib/offline/train/batching";
import { Objective, type BatchRefs, type ObjectiveOptions } from "@/lib/offline/train/objective";
import { Adam, clipGradNorm, linearWarmupDecay } from "@/lib/offline/train/optim";
import { rng, type Mat, type Vec } from "@/lib/offline/train/tensor";

/** An example: three inputs of the model's input type, and the groups that must not share a batch. */
export interface PairExample<I> {
  anchor: I;
  positive: I;
  negative?: I;
  groups?: readonly (string | number)[];
}

/** One batch's forward pass: the embeddings of its distinct inputs, and how to go back. */
export interface ForwardPass {
  emb: Mat<Float32Array>;
  refs: BatchRefs;
  /** dL/d(emb) -> the parameter gradients (clipped in place by the loop) and how to apply them. */
  backward(grad: Float32Array): { grads: Vec[]; apply(adam: Adam): void };
}

export interface Trainable<I> {
  /** Output width (the objective's classifier, if any, is sized by it). */
  readonly dim: number;
  forward(batch: readonly PairExample<I>[]): ForwardPass;
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

export interface TrainSummary {
  steps: number;
  epochs: number;
  examples: number;
  /** Mean loss per epoch. */
  epochLosses: number[];
  ms: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  warmupFraction: number;
  /** Clip the joint gradient norm (model + objective parameters); off when 0. */
  maxGradNorm: number;
  weightDecay?: number;
  seed: number;
  objective?: ObjectiveOptions;
  onProgress?: (p: TrainProgress) => void;
  /** Called every this many steps (default: ~20 times per run). */
  progressEvery?: number;
}

/** Trains `model` in place on `examples`. Deterministic for a given seed and example order. */
export async function fit<I>(model: Trainable<I>, examples: readonly PairExample<I>[], o: FitOptions, what = "training"): Promise<TrainSummary> {
  if (examples.length < 2) throw new Error(`${what} needs at least 2 examples, got ${examples.length}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error(`epochs must be a positive integer, got ${o.epochs}`);
  const t0 = Date.now();
  const rand = rng(o.seed);
  const objective = new Objective({ loss: "mnrl", ...o.objective, seed: o.seed }, model.dim);
  const adam = new Adam({ lr: o.lr, weightDecay: o.weightDecay });
  // Batches are drawn per epoch; the count barely varies, so estimate total steps from epoch 1.
  let batches = noDuplicateBatches(examples, o.batchSize, rand);
  if (batches.length === 0) throw new Error(`${what}: no batch of >= 2 examples could be formed (all examples share a group?)`);
  const totalSteps = batches.length * o.epochs;
  const every = o.progressEvery ?? Math.max(1, Math.floor(totalSteps / 20));
  const epochLosses: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    if (epoch > 0) batches = noDuplicateBatches(examples, o.batchSize, rand);
    let sum = 0;
    let n = 0;
    for (const batch of batches) {
      const pass = model.forward(batch);
      const { loss, grad } = objective.compute(pass.emb, pass.refs);
      const update = pass.backward(grad);
      const extra = objective.extraParams();
      if (o.maxGradNorm > 0) clipGradNorm([...update.grads, ...extra.map((p) => p.grad)], o.maxGradNorm);
      adam.step(linearWarmupDecay(Math.min(step, totalSteps - 1), totalSteps, o.warmupFraction));
      update.apply(adam);
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

/** Distinct inputs of a batch and each example's slot among them (an input shared by examples is embedded once). */
export function batchInputs<I, K = I>(
  batch: readonly PairExample<I>[],
  key: (input: I) => K = (i) => i as unknown as K,
): { inputs: I[]; refs: BatchRefs } {
  const inputs: I[] = [];
  const slot = new Map<K, number>();
  const ref = (input: I) => {
    const k = key(input);
    let s = slot.get(k);
    if (s === undefined) {
      s = inputs.length;
      slot.set(k, s);
      inputs.push(input);
    }
    return s;
  };
  const refs = {
    anchors: batch.map((e) => ref(e.anchor)),
    positives: batch.map((e) => ref(e.positive)),
    negatives: batch.map((e) => (e.negative === undefined ? -1 : ref(e.negative))),
  };
  return { inputs, refs };
}
