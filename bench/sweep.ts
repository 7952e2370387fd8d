// Corpus sweep as a matrix job (lib/vector/all-pairs.ts, what lib/dedup/sweep.ts runs): time to find every
// report's k nearest neighbours over the whole set, and the pairs above a threshold, at several sizes.
//   BENCH_SIZES=10k,100k   set sizes (default 10k,100k), bench/synthetic.ts data, 384 dims
//   BENCH_K=10             neighbours per report;  BENCH_THRESHOLD=0.8
//   BENCH_EXACT=1          force the exact brute force at every size (the reference)
// Run: nice -n 10 node --import tsx bench/sweep.ts
import os from "node:os";
import { performance } from "node:perf_hooks";
import { EXACT_MAX, allNearestNeighbours } from "@/lib/vector/all-pairs";
import { DIMS, makeGenerator, parseSize } from "@/bench/synthetic";

const sizes = (process.env.BENCH_SIZES ?? "10k,100k").split(",").map(parseSize);
const k = Number(process.env.BENCH_K ?? 10);
const threshold = Number(process.env.BENCH_THRESHOLD ?? 0.8);
const exact = process.env.BENCH_EXACT === "1";

console.log(`bench/sweep: ${DIMS}-dim, k=${k}, threshold ${threshold}, exact up to ${EXACT_MAX} points${exact ? " (forced exact)" : ""}, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
console.log("| points | method | seconds | pairs >= threshold | peak RSS |");
console.log("|---:|---|---:|---:|---:|");
for (const n of sizes) {
  const gen = makeGenerator(1);
  const data = new Float32Array(n * DIMS);
  for (let i = 0; i < n; i++) data.set(gen(i + 1).vector, i * DIMS);
  const pairs = new Set<string>();
  let last = 0;
  const t0 = performance.now();
  const r = await allNearestNeighbours(
    data,
    DIMS,
    k,
    (row, ns) => {
      for (const h of ns) if (h.score >= threshold) pairs.add(row < h.row ? `${row}-${h.row}` : `${h.row}-${row}`);
    },
    {
      exact,
      onProgress: (done, total) => {
        if (done - last >= total / 10 || done === total) {
          process.stderr.write(`  [${n}] ${done}/${total} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
          last = done;
        }
      },
    },
  );
  const secs = (performance.now() - t0) / 1000;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`| ${n} | ${r.exact ? "exact (usearch exactSearch)" : "HNSW over the set + exact re-score"} | ${secs.toFixed(1)} | ${pairs.size} | ${rss.toFixed(0)} MiB |`);
}
