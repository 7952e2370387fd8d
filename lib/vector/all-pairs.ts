// k nearest neighbours of every point of a set at once (the corpus sweep): instead of one index query per
// point, the whole set sits in one Float32Array and goes through usearch in blocks of queries, on all cores:
// an exact multi-threaded brute force (usearch's exactSearch, a blocked matrix product in SIMD) for small
// sets, an HNSW graph built over the set (one batched kNN search per block) above EXACT_MAX. Every returned
// neighbour is re-scored with an exact f32 dot product, so scores never carry the graph's approximation.
import type { Index as UsearchIndex, MetricKind, ScalarKind } from "usearch";
import { dot } from "@/lib/math";
import { usearch } from "@/lib/vector/ann";

/** Up to this many points the neighbours are exact (brute force is cheap enough and gives recall 1). */
export const EXACT_MAX = 4000;
/** Queries per block between progress reports (and event-loop turns). */
const BLOCK = 2048;
const NO_KEY = 2n ** 64n - 1n;

export interface AllNeighboursOptions {
  /** Force the exact brute force whatever the size (tests, reference runs). */
  exact?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Neighbour {
  /** Row index into the input set. */
  row: number;
  /** Exact cosine (the inputs are L2-normalised). */
  score: number;
}

/** `v` itself when it spans its whole buffer, else a copy that does. */
const whole = (v: Float32Array) => (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : v.slice());

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * For each of the n rows of `data` (n x dims, L2-normalised), its `k` nearest other rows, best first,
 * delivered block by block to `onRow` in row order.
 */
export async function allNearestNeighbours(
  data: Float32Array,
  dims: number,
  k: number,
  onRow: (row: number, neighbours: Neighbour[]) => void,
  opts: AllNeighboursOptions = {},
): Promise<{ exact: boolean }> {
  const n = data.length / dims;
  if (!Number.isInteger(n)) throw new Error(`allNearestNeighbours: data length ${data.length} is not a multiple of dims ${dims}`);
  const exact = opts.exact === true || n <= EXACT_MAX;
  const want = Math.min(n, k + 1); // the row itself comes back too
  // The graph is asked for more than it must return and its answers re-scored exactly: neighbours near the
  // k-th place, where a dense cluster has many almost equal scores, are what an approximate pass misses.
  const fetch = exact ? want : Math.min(n, 2 * want + 16);
  if (n === 0 || k <= 0) return { exact };
  let graph: UsearchIndex | null = null;
  if (!exact) {
    graph = new (usearch().Index)({
      dimensions: dims,
      metric: "cos" as MetricKind,
      quantization: "f32" as ScalarKind,
      connectivity: 16,
      // narrower beams than the serving graph: every candidate is re-scored exactly anyway, and the sweep's
      // time is all build + search (bench/sweep.ts)
      expansion_add: 64,
      expansion_search: Math.max(64, fetch),
      multi: false,
    });
    const keys = new BigUint64Array(BLOCK);
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
      graph.add(keys.subarray(0, end - start), data.subarray(start * dims, end * dims), 0);
      opts.onProgress?.(Math.floor(end / 2), n); // building is about half the work
      await yieldToLoop();
    }
  }
  let dataset: Float32Array | undefined;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const queries = data.subarray(start * dims, end * dims);
    // exactSearch reads its arguments' whole ArrayBuffer, ignoring a view's offset: hand it copies.
    const m = graph ? graph.search(queries, fetch, 0) : usearch().exactSearch(dataset ??= whole(data), queries.slice(), dims, want, "cos" as MetricKind, 0);
    const per = graph ? fetch : want;
    for (let i = start; i < end; i++) {
      const q = data.subarray(i * dims, (i + 1) * dims);
      const out: Neighbour[] = [];
      for (let j = (i - start) * per; j < (i - start + 1) * per; j++) {
        const key = m.keys[j]!;
        if (key === NO_KEY) continue;
        const row = Number(key);
        if (row === i || row < 0 || row >= n) continue;
        out.push({ row, score: dot(q, data.subarray(row * dims, (row + 1) * dims)) });
      }
      out.sort((a, b) => b.score - a.score || a.row - b.row);
      onRow(i, out.slice(0, k));
    }
    opts.onProgress?.(graph ? Math.floor(n / 2 + end / 2) : end, n);
    await yieldToLoop();
  }
  return { exact };
}
