// The numeric helpers every layer shares (vector products, norms, normal samples, union-find), in one
// place instead of a private copy per module. Plain loops over typed arrays: these run per query and per
// training step, so no allocation beyond the result.

type Vector = ArrayLike<number>;

export function dot(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Squared L2 norm. */
export function squaredNorm(v: Vector): number {
  return dot(v, v);
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: Vector, b: Vector): number {
  return dot(a, b) / (Math.sqrt(squaredNorm(a) * squaredNorm(b)) || 1);
}

/** True when `v` has a direction (finite, non-zero norm), i.e. can be searched with or stored in an index. */
export function hasDirection(v: Float32Array | undefined | null): v is Float32Array {
  if (!v) return false;
  const sq = squaredNorm(v);
  return sq > 0 && Number.isFinite(sq);
}

/** Standard normal samples from a uniform source, by Box-Muller (two per pair of uniforms). */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u <= 1e-300) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Disjoint sets over integer ids with path compression; the smallest id of a set is its root. */
export class UnionFind {
  private parent = new Map<number, number>();

  /** The root of `x`'s set (adds `x` as a singleton when new). */
  find(x: number): number {
    let p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      return x;
    }
    while (p !== x) {
      const gp = this.parent.get(p)!;
      this.parent.set(x, gp);
      x = p;
      p = this.parent.get(x)!;
    }
    return x;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }

  /** Every id seen so far. */
  ids(): IterableIterator<number> {
    return this.parent.keys();
  }
}
