// Where one duplicate check's time goes, in process, on an existing database: the draft's encoding (under the
// check's window cap, and with every window as a stored report is encoded, for comparison), the dense
// top 100 (ANN or exact, whatever the index serves at this size), the keyword top 100 (bounded BM25), the stored
// vectors of the fused candidates only the keyword side found (their cosine; how many is printed at the end), the
// duplicate graph of the fused candidates (localGraph), and the whole check (findDuplicatesHere, which also
// fetches the shown rows and builds the explanations and snippets). One call at a time, after a warm-up round;
// drafts are 32 of the database's own reports spread over its id range (as bench/api.ts does for real text).
//
//   DATABASE_URL=file:/tmp/bench-100k/bench.db MODEL_DIR=tmp/test-models/default npx tsx bench/check-stages.ts
//
// BENCH_ROUNDS (default 6) rounds over the 32 drafts; the first is the warm-up.
import { openCore } from "@/lib/runtime/cli";
import { embeddingText } from "@/lib/corpus/vectors";
import { DUPLICATE_FUSION, DUPLICATE_QUERY_MAX_WINDOWS, duplicateKeywordQuery, duplicatePoolSize } from "@/lib/ranking/policy";
import { candidateCount, reciprocalRankFusion } from "@/lib/vector/hybrid";
import { findDuplicatesHere } from "@/lib/dedup/find";
import { localGraph } from "@/lib/dedup/clusters";
import { draftsFromDb } from "@/bench/api";
import { envInt } from "@/bench/env";

const url = process.env.DATABASE_URL ?? "";
if (!url.startsWith("file:")) {
  console.error("usage: DATABASE_URL=file:<sqlite file with imported, indexed reports> npx tsx bench/check-stages.ts");
  process.exit(2);
}
const ROUNDS = envInt("BENCH_ROUNDS", 6);

const drafts = draftsFromDb(url.slice("file:".length));

const core = openCore();
try {
  const { encoder, index } = await core.query();
  await index.warm?.(); // as the server's check workers do before their first check
  const n = await core.db.report.count();
  const k = 10;
  const pool = duplicatePoolSize(k);
  const depth = candidateCount(pool, DUPLICATE_FUSION);
  const times = new Map<string, number[]>();
  const keywordOnlyCounts: number[] = [];
  const timed = async <R>(stage: string, round: number, fn: () => Promise<R>): Promise<R> => {
    const t = performance.now();
    const r = await fn();
    if (round > 0) (times.get(stage) ?? times.set(stage, []).get(stage)!).push(performance.now() - t);
    return r;
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const d of drafts) {
      await timed("encode the draft, every window", round, () => encoder.encode([embeddingText(d)]));
      const [vector] = await timed(`encode the draft, <= ${DUPLICATE_QUERY_MAX_WINDOWS} windows`, round, () =>
        encoder.encode([embeddingText(d)], { maxWindows: DUPLICATE_QUERY_MAX_WINDOWS }),
      );
      const dense = await timed(`dense top ${depth}`, round, () => index.search(vector!, depth, {}));
      const keyword = await timed(`keyword top ${depth} (BM25)`, round, () => index.keywordSearch(duplicateKeywordQuery(d), depth, {}));
      const fused = reciprocalRankFusion(dense, keyword, pool, DUPLICATE_FUSION);
      // The fused candidates only the keyword side found: their cosine needs the stored vector (rankCandidates).
      const keywordOnly = fused.filter((h) => h.denseScore === undefined).map((h) => h.id);
      if (round > 0) keywordOnlyCounts.push(keywordOnly.length);
      await timed("cosines of the keyword-only candidates", round, async () => {
        for (const id of keywordOnly) await index.get(id);
      });
      await timed(`duplicate graph of ${pool} candidates`, round, () => localGraph(core, fused.map((h) => h.id)));
      await timed("whole check (findDuplicatesHere)", round, () => findDuplicatesHere(core, d, { k }));
    }
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  console.log(`${n} reports, ${drafts.length} drafts x ${ROUNDS - 1} rounds, one call at a time (ms)`);
  for (const [stage, xs] of times) {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`${stage.padEnd(38)} p50 ${q(xs, 0.5).toFixed(2).padStart(7)}  p99 ${q(xs, 0.99).toFixed(2).padStart(7)}  mean ${mean.toFixed(2).padStart(7)}`);
  }
  const meanKeywordOnly = keywordOnlyCounts.reduce((a, b) => a + b, 0) / Math.max(1, keywordOnlyCounts.length);
  console.log(`keyword-only candidates per check: mean ${meanKeywordOnly.toFixed(1)} of ${pool}`);
} finally {
  await core.close();
}
