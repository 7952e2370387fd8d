// Minimal row-major matrices for training code. Values are Float32Array in production; the same code runs on
// Float64Array so gradient checks can use float64 (losses allocate outputs of the input's type).
import { mulberry32 } from "@/lib/random";
export type Vec = Float32Array | Float64Array;

export interface Mat<V extends Vec = Vec> {
  data: V;
  rows: number;
  cols: number;
}

export function mat<V extends Vec>(data: V, rows: number, cols: number): Mat<V> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1) {
    throw new Error(`matrix: invalid shape ${rows}x${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new Error(`matrix: ${rows}x${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  return { data, rows, cols };
}

/** A zero array of the same element type as `like`. */
export function zerosLike<V extends Vec>(like: V, n: number = like.length): V {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as V;
}

/** Stack equal-length vectors into a matrix (copies). */
export function stack(rows: Vec[], cols?: number): Mat<Float32Array> {
  const d = cols ?? rows[0]?.length;
  if (d === undefined) throw new Error("stack: no rows and no column count");
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new Error(`stack: row ${i} has ${r.length} values, expected ${d}`);
    out.set(r, i * d);
  });
  return mat(out, rows.length, d);
}

export function rowOf<V extends Vec>(m: Mat<V>, i: number): V {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols) as V;
}

/** Row norms and unit rows (zero rows stay zero, norm 0). */
export function normalizeRows<V extends Vec>(m: Mat<V>): { unit: Mat<V>; norms: Float64Array } {
  const unit = zerosLike(m.data);
  const norms = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const off = i * m.cols;
    let s = 0;
    for (let k = 0; k < m.cols; k++) s += m.data[off + k]! * m.data[off + k]!;
    const n = Math.sqrt(s);
    norms[i] = n;
    if (n > 1e-12) for (let k = 0; k < m.cols; k++) unit[off + k] = m.data[off + k]! / n;
  }
  return { unit: { data: unit, rows: m.rows, cols: m.cols }, norms };
}

/**
 * Backprop through x -> x/|x|: dL/dx = (g - u (u.g)) / |x|. Adds into `out` (same shape).
 * Zero rows get no gradient (their direction is undefined).
 */
export function addNormalizeBackward(unit: Mat, norms: Float64Array, gUnit: Float64Array, out: Vec): void {
  const d = unit.cols;
  for (let i = 0; i < unit.rows; i++) {
    const n = norms[i]!;
    if (n <= 1e-12) continue;
    const off = i * d;
    let dot = 0;
    for (let k = 0; k < d; k++) dot += unit.data[off + k]! * gUnit[off + k]!;
    for (let k = 0; k < d; k++) out[off + k] = out[off + k]! + (gUnit[off + k]! - unit.data[off + k]! * dot) / n;
  }
}

export function dotRows(a: Mat, i: number, b: Mat, j: number): number {
  const d = a.cols;
  const ao = i * d;
  const bo = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) s += a.data[ao + k]! * b.data[bo + k]!;
  return s;
}

/** Numerically stable log-softmax cross-entropy for one row; writes softmax(z) - onehot(target) into `grad`. */
export function softmaxCrossEntropy(logits: Float64Array, target: number, grad: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) if (logits[j]! > max) max = logits[j]!;
  let sum = 0;
  for (let j = 0; j < logits.length; j++) {
    const e = Math.exp(logits[j]! - max);
    grad[j] = e;
    sum += e;
  }
  for (let j = 0; j < logits.length; j++) grad[j] = grad[j]! / sum;
  grad[target] = grad[target]! - 1;
  return -(logits[target]! - max - Math.log(sum));
}

/** Seeded PRNG (uniform in [0, 1)). */
export const rng = mulberry32;

export { gaussian } from "@/lib/math";

/** Fisher-Yates shuffle in place. */
export function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
