// Just enough linear algebra for a truncated SVD of a sparse matrix (Halko et al. randomized range finder):
// CSR sparse x dense products, modified Gram-Schmidt and a Jacobi eigensolver for the small projected problem.
// Dense tall matrices are stored column-major (one Float64Array per column) so the inner loops are contiguous.
import { gaussian, rng } from "@/lib/offline/train/tensor";

export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Build a CSR matrix from (row, col, value) triplets; duplicates are summed. */
export function csrFromTriplets(rows: number, cols: number, r: ArrayLike<number>, c: ArrayLike<number>, v: ArrayLike<number>): Csr {
  const n = r.length;
  const counts = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) counts[r[i]! + 1]!++;
  for (let i = 0; i < rows; i++) counts[i + 1]! += counts[i]!;
  const indptr = Int32Array.from(counts);
  const pos = Int32Array.from(counts);
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = pos[r[i]!]!++;
    idx[p] = c[i]!;
    val[p] = v[i]!;
  }
  // Sort each row by column and merge duplicates.
  const outPtr = new Int32Array(rows + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  for (let i = 0; i < rows; i++) {
    const s = indptr[i]!;
    const e = indptr[i + 1]!;
    const order = Array.from({ length: e - s }, (_, k) => s + k).sort((a, b) => idx[a]! - idx[b]!);
    let last = -1;
    for (const p of order) {
      if (idx[p] === last) outVal[outVal.length - 1]! += val[p]!;
      else {
        outIdx.push(idx[p]!);
        outVal.push(val[p]!);
        last = idx[p]!;
      }
    }
    outPtr[i + 1] = outIdx.length;
  }
  return { rows, cols, indptr: outPtr, indices: Int32Array.from(outIdx), values: Float64Array.from(outVal) };
}

/** Y = A X, X given as columns of length A.cols; returns columns of length A.rows. */
export function csrTimesCols(a: Csr, x: Float64Array[]): Float64Array[] {
  return x.map((col) => {
    const y = new Float64Array(a.rows);
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) s += a.values[p]! * col[a.indices[p]!]!;
      y[i] = s;
    }
    return y;
  });
}

/** Z = A^T Y, Y given as columns of length A.rows; returns columns of length A.cols. */
export function csrTransposeTimesCols(a: Csr, y: Float64Array[]): Float64Array[] {
  return y.map((col) => {
    const z = new Float64Array(a.cols);
    for (let i = 0; i < a.rows; i++) {
      const yi = col[i]!;
      if (yi === 0) continue;
      for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) z[a.indices[p]!]! += a.values[p]! * yi;
    }
    return z;
  });
}

/**
 * Orthonormalise columns in place by modified Gram-Schmidt (`passes` = 2 re-orthogonalises for stability;
 * 1 is enough between power iterations). Degenerate columns become 0.
 */
export function orthonormalize(cols: Float64Array[], passes = 2): Float64Array[] {
  for (let pass = 0; pass < passes; pass++) {
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j]!;
      const n = v.length;
      for (let k = 0; k < j; k++) {
        const q = cols[k]!;
        const dot = dotf(q, v, n);
        if (dot !== 0) axpy(-dot, q, v, n);
      }
      const norm = Math.sqrt(dotf(v, v, n));
      if (norm > 1e-10) {
        const inv = 1 / norm;
        for (let i = 0; i < n; i++) v[i] = v[i]! * inv;
      } else v.fill(0);
    }
  }
  return cols;
}

// Unrolled inner loops: these dominate the SVD's run time.
function dotf(a: Float64Array, b: Float64Array, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = y[i]! + alpha * x[i]!;
}

/**
 * Eigen-decomposition of a small symmetric matrix (row-major n x n) by cyclic Jacobi rotations.
 * Returns eigenvalues descending and eigenvectors as columns (vectors[k] is the k-th eigenvector).
 */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array[] } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! * a[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! * a[i * n + j]!;
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = Float64Array.from(order.map((i) => a[i * n + i]!));
  const vectors = order.map((j) => {
    const col = new Float64Array(n);
    for (let k = 0; k < n; k++) col[k] = v[k * n + j]!;
    return col;
  });
  return { values, vectors };
}

export interface TruncatedSvd {
  /** Left singular vectors, k columns of length A.rows. */
  u: Float64Array[];
  /** Singular values, descending. */
  s: Float64Array;
}

/**
 * Rank-k truncated SVD of a sparse matrix via a randomized range finder with power iterations (Halko et al.).
 * The range is found in the smaller of the row/column spaces (orthonormalisation is the costly step and scales
 * with that length); vectors on the larger side are only rescaled between power iterations.
 */
export function randomizedSvd(a: Csr, k: number, opts: { oversample?: number; powerIters?: number; seed?: number } = {}): TruncatedSvd {
  if (k < 1) throw new Error(`randomizedSvd: k must be >= 1, got ${k}`);
  const l = Math.min(k + (opts.oversample ?? 10), a.rows, a.cols);
  // T is A or A^T, whichever has fewer rows; T maps otherDim-vectors to rangeDim-vectors.
  const transpose = a.rows > a.cols;
  const otherDim = transpose ? a.rows : a.cols;
  const T = (x: Float64Array[]) => (transpose ? csrTransposeTimesCols(a, x) : csrTimesCols(a, x));
  const Tt = (y: Float64Array[]) => (transpose ? csrTimesCols(a, y) : csrTransposeTimesCols(a, y));
  const g = gaussian(rng(opts.seed ?? 1));
  const omega = Array.from({ length: l }, () => {
    const c = new Float64Array(otherDim);
    for (let i = 0; i < c.length; i++) c[i] = g();
    return c;
  });
  let q = orthonormalize(T(omega));
  for (let it = 0; it < (opts.powerIters ?? 1); it++) q = orthonormalize(T(scaleColumns(Tt(q))));
  // B = Q^T T (l x otherDim); w[j] is row j of B. Its singular pairs come from eig(B B^T).
  const w = Tt(q);
  const bbt = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      const s = dotf(w[i]!, w[j]!, otherDim);
      bbt[i * l + j] = s;
      bbt[j * l + i] = s;
    }
  }
  const eig = symmetricEigen(bbt, l);
  const kk = Math.min(k, l);
  const u: Float64Array[] = [];
  const s = new Float64Array(kk);
  for (let c = 0; c < kk; c++) {
    s[c] = Math.sqrt(Math.max(0, eig.values[c]!));
    const ub = eig.vectors[c]!;
    if (!transpose) {
      // left singular vectors of A = Q ub
      const col = new Float64Array(a.rows);
      for (let j = 0; j < l; j++) if (ub[j] !== 0) axpy(ub[j]!, q[j]!, col, a.rows);
      u.push(col);
    } else {
      // A = T^T: left singular vectors of A = right singular vectors of T = B^T ub / s
      const col = new Float64Array(a.rows);
      if (s[c]! > 1e-12) for (let j = 0; j < l; j++) if (ub[j] !== 0) axpy(ub[j]! / s[c]!, w[j]!, col, a.rows);
      u.push(col);
    }
  }
  return { u, s };
}

/** Unit-normalise each column (keeps power iterations from overflowing without a full orthonormalisation). */
function scaleColumns(cols: Float64Array[]): Float64Array[] {
  for (const c of cols) {
    const n = Math.sqrt(dotf(c, c, c.length));
    if (n > 0) for (let i = 0; i < c.length; i++) c[i] = c[i]! / n;
  }
  return cols;
}
