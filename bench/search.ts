// Search benchmark for the embedded sqlite-vec backend, exact (vec0) and through the ANN graph (lib/vector/ann.ts)
// side by side on the same file.
//   BENCH_SIZES=10k,100k[,1M]  collection sizes (default 10k,100k)
//   BENCH_ANN=f16              the graph's quantization (f32, f16, i8), or "off" for the exact rows only
//   BENCH_QUERIES=100          queries per size (latency + recall)
//   BENCH_DIR=/tmp/...         where the temporary SQLite files go (deleted afterwards unless BENCH_KEEP=1)
// Run: node --import tsx bench/search.ts
//
// Data: bench/synthetic.ts. Recall@10 is measured against an exact
// brute force computed in JS while the data is generated (streamed, so 1M points never sit in memory).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import type { IndexPoint, SearchFilter } from "@/lib/vector/types";
import { dot } from "@/lib/math";
import { DIMS, TopK, fmtBytes, makeGenerator, parseSize, percentile as pct } from "@/bench/synthetic";

const K = 10;
const BATCH = 1000;

const sizes = (process.env.BENCH_SIZES ?? "10k,100k").split(",").map(parseSize);
const nQueries = Number(process.env.BENCH_QUERIES ?? 100);
const baseDir = process.env.BENCH_DIR ?? os.tmpdir();
const annQuantization = (process.env.BENCH_ANN ?? "f16") as "f32" | "f16" | "i8" | "off";
if (!["f32", "f16", "i8", "off"].includes(annQuantization)) throw new Error(`BENCH_ANN must be f32, f16, i8 or off (got ${annQuantization})`);

interface Row {
  size: number;
  what: string;
  p50: number;
  p99: number;
  qps: number;
  recall?: number;
}

async function timeQueries(size: number, what: string, run: (i: number) => Promise<number[]>, truth?: number[][]): Promise<Row> {
  for (let i = 0; i < Math.min(3, nQueries); i++) await run(i); // warm-up (page cache, statements)
  const lat: number[] = [];
  let hits = 0;
  let wanted = 0;
  const t0 = performance.now();
  for (let i = 0; i < nQueries; i++) {
    const s = performance.now();
    const got = await run(i);
    lat.push(performance.now() - s);
    if (truth) {
      const want = new Set(truth[i]);
      wanted += want.size;
      hits += got.filter((id) => want.has(id)).length;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  return { size, what, p50: pct(lat, 50), p99: pct(lat, 99), qps: nQueries / secs, recall: truth ? hits / Math.max(1, wanted) : undefined };
}

async function benchSize(size: number): Promise<{ rows: Row[]; info: string }> {
  const dir = fs.mkdtempSync(path.join(baseDir, "bench-search-"));
  const file = path.join(dir, "bench.db");
  const ix = new SqliteVecIndex({ path: file, dims: DIMS });

  // queries: drawn like the data, each with a product filter
  const qgen = makeGenerator(7);
  const queries = Array.from({ length: nQueries }, (_, i) => qgen(i));
  const exact = queries.map(() => new TopK(K));
  const exactFiltered = queries.map(() => new TopK(K));

  const gen = makeGenerator(1);
  let insertMs = 0;
  const progressEvery = Math.max(BATCH, Math.floor(size / 20));
  const tStart = performance.now();
  for (let start = 1; start <= size; start += BATCH) {
    const batch: IndexPoint[] = [];
    for (let id = start; id < Math.min(start + BATCH, size + 1); id++) {
      const p = gen(id);
      for (let q = 0; q < queries.length; q++) {
        const s = dot(p.vector, queries[q].vector);
        exact[q].push(id, s);
        if (p.product === queries[q].product) exactFiltered[q].push(id, s);
      }
      batch.push({ id, vector: p.vector, meta: { product: p.product, createdAt: 1_600_000_000_000 + id }, text: { title: p.title, body: p.body } });
    }
    const t = performance.now();
    await ix.upsert(batch);
    insertMs += performance.now() - t;
    const done = Math.min(start + BATCH - 1, size);
    if (size >= 100_000 && done % progressEvery < BATCH) {
      const el = (performance.now() - tStart) / 1000;
      process.stderr.write(`  [${size}] inserted ${done}/${size} (${(done / (insertMs / 1000)).toFixed(0)} points/s in upsert, ${el.toFixed(0)} s elapsed)\n`);
    }
  }
  const insertRate = size / (insertMs / 1000);
  // As a server's check worker does before its first check: the common terms' keyword lists (above 10k points).
  let t = performance.now();
  await ix.warm();
  const warmS = (performance.now() - t) / 1000;

  const filt = (i: number): SearchFilter => ({ product: queries[i].product });
  const kwQuery = (i: number) => queries[i].title.split(" ").slice(0, 3).join(" ");
  const rows: Row[] = [];
  rows.push(await timeQueries(size, "dense k=10", async (i) => (await ix.search(queries[i].vector, K)).map((h) => h.id), exact.map((t) => t.ids)));
  rows.push(
    await timeQueries(size, "dense k=10, product filter (1 of 10)", async (i) => (await ix.search(queries[i].vector, K, filt(i))).map((h) => h.id), exactFiltered.map((t) => t.ids)),
  );
  rows.push(await timeQueries(size, "keyword (BM25) k=10", async (i) => (await ix.keywordSearch(kwQuery(i), K)).map((h) => h.id)));
  // Again: above 10k points the first run read the keyword lists of terms warm() had not (lib/vector/keyword-lists.ts).
  rows.push(await timeQueries(size, "keyword (BM25) k=10, same queries again", async (i) => (await ix.keywordSearch(kwQuery(i), K)).map((h) => h.id)));
  // The peer in the same run: the same bounded terms scored by FTS5 (what answers without lists, and below 10k points).
  const fts5Only = new SqliteVecIndex({ path: file, dims: DIMS, keywordBound: { listLength: 0 } });
  rows.push(await timeQueries(size, "keyword (BM25) k=10, FTS5 without lists", async (i) => (await fts5Only.keywordSearch(kwQuery(i), K)).map((h) => h.id)));
  await fts5Only.close();
  rows.push(await timeQueries(size, "hybrid (RRF, 100+100 candidates) k=10", async (i) => (await ix.hybridSearch(queries[i].vector, kwQuery(i), K)).map((h) => h.id)));
  rows.push(
    await timeQueries(size, "hybrid k=10, product filter", async (i) => (await ix.hybridSearch(queries[i].vector, kwQuery(i), K, filt(i))).map((h) => h.id)),
  );
  await ix.close();

  let annInfo = "";
  if (annQuantization !== "off") {
    const ann = new SqliteVecIndex({ path: file, dims: DIMS, ann: { minPoints: 1, quantization: annQuantization } });
    const rss0 = process.memoryUsage().rss;
    t = performance.now();
    await ann.search(queries[0].vector, K); // first query loads the graph, here builds it from the table
    const buildS = (performance.now() - t) / 1000;
    await ann.warm();
    const graphRss = process.memoryUsage().rss - rss0;
    const tag = `ANN ${annQuantization}`;
    rows.push(await timeQueries(size, `${tag}: dense k=10`, async (i) => (await ann.search(queries[i].vector, K)).map((h) => h.id), exact.map((t) => t.ids)));
    rows.push(
      await timeQueries(size, `${tag}: dense k=10, product filter`, async (i) => (await ann.search(queries[i].vector, K, filt(i))).map((h) => h.id), exactFiltered.map((t) => t.ids)),
    );
    rows.push(await timeQueries(size, `${tag}: hybrid k=10`, async (i) => (await ann.hybridSearch(queries[i].vector, kwQuery(i), K)).map((h) => h.id)));
    rows.push(await timeQueries(size, `${tag}: hybrid k=10, product filter`, async (i) => (await ann.hybridSearch(queries[i].vector, kwQuery(i), K, filt(i))).map((h) => h.id)));
    await ann.close();
    const annBytes = fs.readdirSync(`${file}.ann`).reduce((s, f) => s + fs.statSync(path.join(`${file}.ann`, f)).size, 0);
    annInfo = `; ANN ${annQuantization} graph built in ${buildS.toFixed(1)} s, file ${fmtBytes(annBytes)} (${(annBytes / size).toFixed(0)} B/point), RSS +${fmtBytes(graphRss)}`;
  }

  const db = new Database(file);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  const bytes = fs.readdirSync(dir).reduce((s, f) => (f.endsWith(".ann") ? s : s + fs.statSync(path.join(dir, f)).size), 0);
  const rss = process.memoryUsage().rss;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  if (process.env.BENCH_KEEP !== "1") fs.rmSync(dir, { recursive: true, force: true });
  const info =
    `${size} points: insert ${insertRate.toFixed(0)} points/s (upsert batches of ${BATCH}, vectors + FTS), keyword lists warmed in ${warmS.toFixed(1)} s, ` +
    `file ${fmtBytes(bytes)} (${(bytes / size).toFixed(0)} B/point), RSS ${fmtBytes(rss)} (peak ${fmtBytes(maxRss)})${annInfo}`;
  return { rows, info };
}

console.log(`bench/search: sqlite-vec ${DIMS}-dim, ${nQueries} queries per size, node ${process.version}, ${os.cpus().length} CPUs`);
const infos: string[] = [];
const allRows: Row[] = [];
for (const size of sizes) {
  process.stderr.write(`size ${size}...\n`);
  const { rows, info } = await benchSize(size);
  infos.push(info);
  allRows.push(...rows);
  console.log(info);
}
console.log("\n| points | query | p50 ms | p99 ms | queries/s | recall@10 |");
console.log("|---:|---|---:|---:|---:|---:|");
for (const r of allRows) {
  console.log(
    `| ${r.size} | ${r.what} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.qps.toFixed(1)} | ${r.recall === undefined ? "-" : r.recall.toFixed(4)} |`,
  );
}
