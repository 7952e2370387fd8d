// ANN candidates for the embedded index, side by side on the same seeded data (bench/synthetic.ts):
// recall@10 against exact brute force, single-query latency p50/p99, build time, RSS growth, file size.
//   BENCH_SIZES=100k[,1M]   collection sizes (default 100k)
//   BENCH_QUERIES=200       queries per size
//   BENCH_CANDIDATES=...    subset of: usearch-f32, usearch-f16, usearch-i8, hnswlib-node, sqlite-vec (default all)
//   HNSWLIB_NODE=/path      hnswlib-node's package folder when it is not installed in this checkout; it is
//                           not a dependency (it compiles at install), e.g.
//                           (cd /tmp/hn && npm i hnswlib-node@3.0.0) && HNSWLIB_NODE=/tmp/hn/node_modules/hnswlib-node
// Run: nice -n 10 node --import tsx bench/ann-candidates.ts
//
// Each candidate runs in its own child process so RSS and timing are not shared. The HNSW graphs use the same
// parameters (M = 16, ef_construction = 128, ef_search = 64, one thread); "+rerank" rows take the ANN's top 4k
// and re-rank them by exact f32 cosine, which is what lib/vector/ann.ts does with the vectors SQLite stores.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Index as UsearchIndex, type MetricKind, type ScalarKind } from "usearch";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { dot } from "@/lib/math";
import { DIMS, TopK, fmtBytes, makeGenerator, parseSize, percentile } from "@/bench/synthetic";

const K = 10;
const RERANK = 4;
const M = 16;
const EF_CONSTRUCTION = 128;
const EF_SEARCH = 64;
const CANDIDATES = ["usearch-f32", "usearch-f16", "usearch-i8", "hnswlib-node", "sqlite-vec"] as const;
type Candidate = (typeof CANDIDATES)[number];

interface Result {
  candidate: string;
  size: number;
  buildS: number;
  p50: number;
  p99: number;
  recall: number;
  rssMiB: number;
  fileBytes: number;
}

/** The part of hnswlib-node 3.0's API the bench uses (it is not a dependency, so its types are not here). */
type HnswCtor = new (space: "cosine", dims: number) => {
  initIndex(opts: { maxElements: number; m: number; efConstruction: number; randomSeed: number }): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  writeIndexSync(file: string): void;
  searchKnn(q: number[], k: number): { neighbors: number[] };
};

/** The searchable thing a candidate builds: top-n ids by its own notion of cosine. */
type Searcher = (q: Float32Array, n: number) => Promise<number[]>;

async function build(cand: Candidate, data: Float32Array, size: number, dir: string): Promise<{ search: Searcher; file: string }> {
  const file = path.join(dir, `${cand}.idx`);
  if (cand.startsWith("usearch-")) {
    const quantization = cand.slice("usearch-".length) as "f32" | "f16" | "i8";
    const ix = new UsearchIndex({
      dimensions: DIMS,
      metric: "cos" as MetricKind,
      quantization: quantization as ScalarKind,
      connectivity: M,
      expansion_add: EF_CONSTRUCTION,
      expansion_search: EF_SEARCH,
      multi: false,
    });
    const keys = new BigUint64Array(size);
    for (let i = 0; i < size; i++) keys[i] = BigInt(i + 1);
    ix.add(keys, data, 1);
    ix.save(file);
    return {
      file,
      search: async (q, n) => Array.from(ix.search(q, n, 1).keys, Number),
    };
  }
  if (cand === "hnswlib-node") {
    const where = process.env.HNSWLIB_NODE ?? "hnswlib-node";
    const { HierarchicalNSW } = createRequire(import.meta.url)(where) as { HierarchicalNSW: HnswCtor };
    const ix = new HierarchicalNSW("cosine", DIMS);
    ix.initIndex({ maxElements: size, m: M, efConstruction: EF_CONSTRUCTION, randomSeed: 100 });
    for (let i = 0; i < size; i++) ix.addPoint(Array.from(data.subarray(i * DIMS, (i + 1) * DIMS)), i + 1);
    ix.setEf(EF_SEARCH);
    ix.writeIndexSync(file);
    return { file, search: async (q, n) => ix.searchKnn(Array.from(q), n).neighbors };
  }
  const dbFile = path.join(dir, "sqlite-vec.db");
  const ix = new SqliteVecIndex({ path: dbFile, dims: DIMS });
  for (let s = 0; s < size; s += 1000) {
    const batch = [];
    for (let i = s; i < Math.min(size, s + 1000); i++) {
      batch.push({ id: i + 1, vector: data.subarray(i * DIMS, (i + 1) * DIMS), meta: { createdAt: 0 } });
    }
    await ix.upsert(batch);
  }
  const n = await ix.count();
  if (n !== size) throw new Error(`sqlite-vec holds ${n} points, expected ${size}`);
  return { file: dbFile, search: async (q, n) => (await ix.search(q, n)).map((h) => h.id) };
}

async function child(cand: Candidate, size: number, nQueries: number): Promise<Result> {
  const gen = makeGenerator(1);
  const data = new Float32Array(size * DIMS);
  for (let i = 0; i < size; i++) data.set(gen(i + 1).vector, i * DIMS);
  const qgen = makeGenerator(7);
  const queries = Array.from({ length: nQueries }, (_, i) => qgen(i).vector);
  const truth = queries.map((q) => {
    const top = new TopK(K);
    for (let i = 0; i < size; i++) top.push(i + 1, dot(q, data.subarray(i * DIMS, (i + 1) * DIMS)));
    return new Set(top.ids);
  });
  const exactScore = (q: Float32Array, id: number) => dot(q, data.subarray((id - 1) * DIMS, id * DIMS));

  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "bench-ann-"));
  try {
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const ix = await build(cand, data, size, dir);
    const buildS = (performance.now() - t0) / 1000;
    const rssMiB = (process.memoryUsage().rss - rss0) / (1 << 20);
    const fileBytes = fs.statSync(ix.file).size + (fs.existsSync(`${ix.file}-wal`) ? fs.statSync(`${ix.file}-wal`).size : 0);
    const run = async (q: Float32Array, rerank: boolean): Promise<number[]> => {
      const ids = await ix.search(q, rerank ? K * RERANK : K);
      if (!rerank) return ids.slice(0, K);
      return ids
        .map((id) => ({ id, s: exactScore(q, id) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, K)
        .map((h) => h.id);
    };
    const measure = async (rerank: boolean): Promise<Pick<Result, "p50" | "p99" | "recall">> => {
      for (let i = 0; i < Math.min(5, nQueries); i++) await run(queries[i], rerank);
      const lat: number[] = [];
      let hits = 0;
      for (let i = 0; i < nQueries; i++) {
        const t = performance.now();
        const got = await run(queries[i], rerank);
        lat.push(performance.now() - t);
        hits += got.filter((id) => truth[i].has(id)).length;
      }
      return { p50: percentile(lat, 50), p99: percentile(lat, 99), recall: hits / (K * nQueries) };
    };
    const plain = await measure(false);
    process.stdout.write(JSON.stringify({ candidate: cand, size, buildS, rssMiB, fileBytes, ...plain }) + "\n");
    if (cand !== "sqlite-vec") {
      const re = await measure(true);
      process.stdout.write(JSON.stringify({ candidate: `${cand}+rerank`, size, buildS, rssMiB, fileBytes, ...re }) + "\n");
    }
    return { candidate: cand, size, buildS, rssMiB, fileBytes, ...plain };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const childArg = process.argv.indexOf("--child");
if (childArg >= 0) {
  const cand = process.argv[childArg + 1] as Candidate;
  await child(cand, Number(process.argv[childArg + 2]), Number(process.argv[childArg + 3]));
} else {
  const sizes = (process.env.BENCH_SIZES ?? "100k").split(",").map(parseSize);
  const nQueries = Number(process.env.BENCH_QUERIES ?? 200);
  const wanted = (process.env.BENCH_CANDIDATES ?? CANDIDATES.join(",")).split(",") as Candidate[];
  for (const c of wanted) if (!CANDIDATES.includes(c)) throw new Error(`BENCH_CANDIDATES: unknown candidate ${c} (one of ${CANDIDATES.join(", ")})`);
  console.log(`bench/ann-candidates: ${DIMS}-dim, ${nQueries} queries, M=${M} efC=${EF_CONSTRUCTION} ef=${EF_SEARCH}, node ${process.version}, ${os.cpus().length} CPUs`);
  const row = (r: Result) =>
    console.log(
      `| ${r.size} | ${r.candidate} | ${r.buildS.toFixed(1)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.recall.toFixed(4)} | ` +
        `${r.rssMiB.toFixed(0)} MiB | ${fmtBytes(r.fileBytes)} | ${(r.fileBytes / r.size).toFixed(0)} |`,
    );
  // rows are printed as each child finishes, so a long run that is stopped keeps what it measured
  console.log("\n| points | candidate | build s | p50 ms | p99 ms | recall@10 | RSS growth | file | bytes/point |");
  console.log("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const size of sizes) {
    for (const cand of wanted) {
      process.stderr.write(`${cand} @ ${size}...\n`);
      const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", cand, String(size), String(nQueries)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) {
        console.log(`${cand} @ ${size}: failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ""}); for hnswlib-node set HNSWLIB_NODE`);
        continue;
      }
      for (const line of r.stdout.trim().split("\n")) row(JSON.parse(line) as Result);
    }
  }
}
