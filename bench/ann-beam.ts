// Recall of the HNSW graph against its search beam and connectivity, at one size: what lib/vector/ann.ts's
// CONNECTIVITY and annBeam() are chosen from (docs/ann.md).
//
//   BENCH_SIZE=1M BENCH_M=16,32 npx tsx bench/ann-beam.ts
//
//   BENCH_SIZE=1M          points (bench/synthetic.ts data, seed 1; queries drawn like the data, seed 7)
//   BENCH_M=16,32          connectivities to build (f16, expansion_add 128, all cores), one graph each
//   BENCH_POOLS=128,...    candidates asked of the graph (= usearch's search beam when above expansion_search)
//   BENCH_QUERIES=200
//   BENCH_GRAPH_DIR=dir    keep built graphs there and reuse them on the next run (building 1M takes ~10 min)
//
// For each pool: "in pool" = share of the exact top-10 anywhere among the candidates (what no re-scoring can
// add back), recall@10 after re-scoring the best k + 16 candidates exactly (what the index does), and latency of
// the graph search plus that re-scoring, one query at a time on one thread.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { DIMS, makeGenerator, parseSize, percentile } from "@/bench/synthetic";

const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");
const size = parseSize(process.env.BENCH_SIZE ?? "1M");
const ms = (process.env.BENCH_M ?? "16,32").split(",").map(Number);
const pools = (process.env.BENCH_POOLS ?? "128,256,512,1024,2048").split(",").map(Number);
const nQueries = Number(process.env.BENCH_QUERIES ?? 200);
const graphDir = process.env.BENCH_GRAPH_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-ann-beam-"));
const K = 10;
const RESCORE = K + 16; // lib/vector/sqlite-vec.ts: ANN_RERANK_EXTRA

const gen = makeGenerator(1);
const data = new Float32Array(size * DIMS);
for (let i = 0; i < size; i++) data.set(gen(i + 1).vector, i * DIMS);
const qgen = makeGenerator(7);
const queries = new Float32Array(nQueries * DIMS);
for (let i = 0; i < nQueries; i++) queries.set(qgen(i).vector, i * DIMS);
const query = (i: number) => queries.subarray(i * DIMS, (i + 1) * DIMS);

let t0 = Date.now();
const exact = usearch.exactSearch(data, queries, DIMS, K, "cos" as never, 0);
// exactSearch answers with row numbers; the graph's keys are row + 1
const truth = Array.from({ length: nQueries }, (_, i) => new Set(Array.from(exact.keys.subarray(i * K, (i + 1) * K), (r) => Number(r) + 1)));
console.log(`${size} points, ${nQueries} queries; exact top-${K} in ${Date.now() - t0} ms`);

function cosine(id: number, q: Float32Array): number {
  let d = 0;
  const o = (id - 1) * DIMS;
  for (let j = 0; j < DIMS; j++) d += data[o + j]! * q[j]!;
  return d;
}

console.log("\n| M | build s | file B/point | pool | in pool | recall@10 | p50 ms | p99 ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const m of ms) {
  const file = path.join(graphDir, `ann-beam-${size}-m${m}.usearch`);
  const index = new usearch.Index({ dimensions: DIMS, metric: "cos" as never, quantization: "f16" as never, connectivity: m, expansion_add: 128, expansion_search: 128, multi: false });
  let build = "reused";
  if (fs.existsSync(file)) index.load(file);
  else {
    t0 = Date.now();
    const keys = new BigUint64Array(4096);
    for (let i = 0; i < size; i += 4096) {
      const n = Math.min(4096, size - i);
      for (let j = 0; j < n; j++) keys[j] = BigInt(i + j + 1);
      index.add(keys.subarray(0, n), data.subarray(i * DIMS, (i + n) * DIMS), 0);
    }
    build = ((Date.now() - t0) / 1000).toFixed(0);
    index.save(file);
  }
  const bytes = Math.round(fs.statSync(file).size / size);
  for (const pool of pools) {
    let inPool = 0;
    let hits = 0;
    const lat: number[] = [];
    for (let i = 0; i < nQueries; i++) {
      const q = query(i);
      const t = performance.now();
      const found = index.search(q, pool, 1);
      const best = Array.from(found.keys.subarray(0, RESCORE), Number)
        .map((id) => ({ id, score: cosine(id, q) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, K);
      lat.push(performance.now() - t);
      for (const h of best) if (truth[i]!.has(h.id)) hits++;
      const all = new Set(Array.from(found.keys, Number));
      for (const id of truth[i]!) if (all.has(id)) inPool++;
    }
    const share = (x: number) => (x / (nQueries * K)).toFixed(4);
    console.log(`| ${m} | ${build} | ${bytes} | ${pool} | ${share(inPool)} | ${share(hits)} | ${percentile(lat, 50).toFixed(2)} | ${percentile(lat, 99).toFixed(2)} |`);
  }
}
if (!process.env.BENCH_GRAPH_DIR) fs.rmSync(graphDir, { recursive: true, force: true });
