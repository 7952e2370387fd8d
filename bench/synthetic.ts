// Seeded synthetic corpus shared by the search, ANN-candidate and sweep benchmarks: 384-dim L2-normalised
// vectors around 256 cluster centroids (cosine to own centroid ~0.7), product = one of 10 values, short
// synthetic title/body text with skewed word frequencies. Streamed, so 1M points never sit in memory.
import { mulberry32 } from "@/lib/random";
import { gaussian } from "@/lib/math";

export const DIMS = 384;
const CLUSTERS = 256;
export const PRODUCTS = Array.from({ length: 10 }, (_, i) => `product-${i}`);
const VOCAB = 5000;

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`BENCH_SIZES: cannot parse "${s}" (use e.g. 10k,100k,1M)`);
  const mult = { "": 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]] as number;
  return Math.round(Number(m[1]) * mult);
}

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

const centroids: Float32Array[] = (() => {
  const g = gaussian(mulberry32(42));
  return Array.from({ length: CLUSTERS }, () => normalise(Float32Array.from({ length: DIMS }, g)));
})();

export interface SyntheticPoint {
  id: number;
  vector: Float32Array;
  cluster: number;
  product: string;
  title: string;
  body: string;
}

/** Stream of points: cluster centroid + noise (per-dim sd 1/sqrt(dims), so |noise| ~ 1). */
export function makeGenerator(seed: number, noise = 1): (id: number) => SyntheticPoint {
  const r = mulberry32(seed);
  const g = gaussian(r);
  const sd = noise / Math.sqrt(DIMS);
  const word = () => `w${Math.floor(VOCAB * Math.pow(r(), 2))}`;
  return (id: number) => {
    const c = Math.floor(r() * CLUSTERS);
    const v = new Float32Array(DIMS);
    const cen = centroids[c];
    for (let i = 0; i < DIMS; i++) v[i] = cen[i] + g() * sd;
    normalise(v);
    const product = PRODUCTS[Math.floor(r() * PRODUCTS.length)];
    const title = `c${c} ${Array.from({ length: 6 }, word).join(" ")}`;
    const body = Array.from({ length: 24 }, word).join(" ");
    return { id, vector: v, cluster: c, product, title, body };
  };
}

/** Exact top-k by insertion into a short sorted list (k is small). */
export class TopK {
  ids: number[] = [];
  scores: number[] = [];
  constructor(private readonly k: number) {}
  push(id: number, score: number): void {
    if (this.ids.length === this.k && score <= this.scores[this.k - 1]) return;
    let i = this.ids.length;
    while (i > 0 && this.scores[i - 1] < score) i--;
    this.ids.splice(i, 0, id);
    this.scores.splice(i, 0, score);
    if (this.ids.length > this.k) {
      this.ids.pop();
      this.scores.pop();
    }
  }
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function fmtBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}
