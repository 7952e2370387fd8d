// Optimiser pieces of the SBERT recipe: Adam(W), linear warm-up over 10% of steps then linear decay to zero,
// and global gradient-norm clipping. Embedding tables get lazy ("sparse") Adam: only the rows a batch touched
// are updated, so untouched token rows neither move nor pay O(V*d) per step.
import type { Vec } from "@/lib/offline/train/tensor";

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled (AdamW) weight decay per step, multiplied by the current lr. Default 0. */
  weightDecay?: number;
}

interface Moments {
  m: Float32Array;
  v: Float32Array;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  baseLr: number;
  /** lr used by the current step (baseLr times the schedule multiplier). */
  lr: number;
  /** Number of step() calls; bias correction uses this global count (as torch SparseAdam does). */
  t = 0;
  private readonly state = new WeakMap<Vec, Moments>();

  constructor(opts: AdamOptions) {
    if (!(opts.lr > 0)) throw new Error(`Adam: lr must be > 0, got ${opts.lr}`);
    this.baseLr = opts.lr;
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  /** Begin an optimisation step; `lrMultiplier` comes from the schedule. Call once before the update calls. */
  step(lrMultiplier = 1): void {
    this.t++;
    this.lr = this.baseLr * lrMultiplier;
  }

  private moments(param: Vec): Moments {
    let s = this.state.get(param);
    if (!s) {
      s = { m: new Float32Array(param.length), v: new Float32Array(param.length) };
      this.state.set(param, s);
    }
    return s;
  }

  private assertStarted(): void {
    if (this.t === 0) throw new Error("Adam: call step() before applying updates");
  }

  /** Dense update of every entry of `param`. */
  update(param: Vec, grad: Vec): void {
    this.assertStarted();
    if (grad.length !== param.length) {
      throw new Error(`Adam: gradient has ${grad.length} values, parameter ${param.length}`);
    }
    this.apply(param, grad, 0, 0, param.length);
  }

  /**
   * Lazy update of selected rows of a [rows x rowSize] table. `rowGrads` holds one gradient row per entry of
   * `rows` (same order). Rows must be distinct.
   */
  updateRows(param: Vec, rowSize: number, rows: ArrayLike<number>, rowGrads: Vec): void {
    this.assertStarted();
    if (rowGrads.length !== rows.length * rowSize) {
      throw new Error(`Adam: ${rows.length} rows of ${rowSize} need ${rows.length * rowSize} gradient values, got ${rowGrads.length}`);
    }
    const nRows = param.length / rowSize;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (!(row >= 0 && row < nRows)) throw new Error(`Adam: row ${row} out of range [0, ${nRows})`);
      this.apply(param, rowGrads, row * rowSize, r * rowSize, rowSize);
    }
  }

  private apply(param: Vec, grad: Vec, pOff: number, gOff: number, n: number): void {
    const { m, v } = this.moments(param);
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    const lr = this.lr;
    const decay = 1 - lr * this.weightDecay;
    for (let i = 0; i < n; i++) {
      const p = pOff + i;
      const g = grad[gOff + i]!;
      const mi = b1 * m[p]! + (1 - b1) * g;
      const vi = b2 * v[p]! + (1 - b2) * g * g;
      m[p] = mi;
      v[p] = vi;
      param[p] = param[p]! * decay - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + this.eps);
    }
  }
}

/**
 * LR multiplier for 0-based `step` of `totalSteps`: linear warm-up over the first `warmupFraction` of steps
 * (reaching 1 at the end of warm-up), then linear decay towards 0 at the end (SBERT / HF "WarmupLinear").
 */
export function linearWarmupDecay(step: number, totalSteps: number, warmupFraction = 0.1): number {
  if (totalSteps <= 0) throw new Error(`schedule: totalSteps must be > 0, got ${totalSteps}`);
  const warmup = Math.max(1, Math.round(totalSteps * warmupFraction));
  if (step < warmup) return (step + 1) / warmup;
  if (totalSteps <= warmup) return 1;
  return Math.max(0, (totalSteps - step) / (totalSteps - warmup));
}

/** Scale all gradients in place so their joint L2 norm is at most maxNorm. Returns the norm before clipping. */
export function clipGradNorm(grads: Vec[], maxNorm: number): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  const norm = Math.sqrt(s);
  if (norm > maxNorm && norm > 0) {
    const k = maxNorm / norm;
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * k;
  }
  return norm;
}
