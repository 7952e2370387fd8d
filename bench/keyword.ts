// The keyword (BM25) side of a duplicate check on an existing sqlite-vec index: latency of the bounded query the
// index runs (lib/vector/keyword-terms.ts) against the unbounded OR of every query term on the same FTS5 table,
// and how many of the exact top 10 the bounded top 10 keeps. Queries are the duplicate-check keyword queries
// (title + first 1000 body characters) of BENCH_QUERIES reports spread over the database.
//
//   npx tsx bench/keyword.ts <sqlite file with an index>      e.g. the BENCH_DB_DIR database of bench/api.ts
//   npx tsx bench/keyword.ts --synthetic 1000000 /tmp/kw-1m.db  builds a keyword-only file first when missing: bench/api's
//                                                             synthetic reports in a Report table + the index (no model)
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { syntheticReports } from "@/bench/api";
import { duplicateKeywordQuery } from "@/lib/ranking/policy";
import { SqliteVecIndex } from "@/lib/vector/sqlite-vec";
import { ftsMatchExpression } from "@/lib/vector/tokenize";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { synthetic: { type: "string" } } });
const file = positionals[0];
const synthetic = values.synthetic === undefined ? 0 : Number(values.synthetic);
if (!file || (!synthetic && !existsSync(file)) || !Number.isInteger(synthetic) || synthetic < 0) {
  console.error("usage: npx tsx bench/keyword.ts [--synthetic N] <sqlite file holding reports and a sqlite-vec index>");
  process.exit(2);
}
if (synthetic && !existsSync(file)) await buildSynthetic(file, synthetic);

/** A Report table (id, title, description) and a sqlite-vec index of the same reports with a constant vector. */
async function buildSynthetic(path: string, n: number): Promise<void> {
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE Report (id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL)");
  const ins = db.prepare("INSERT INTO Report (id, title, description) VALUES (?, ?, ?)");
  const index = new SqliteVecIndex({ path, dims: 2 });
  let batch: { id: number; title: string; description: string; product: string }[] = [];
  const flush = async () => {
    db.transaction(() => batch.forEach((b) => ins.run(b.id, b.title, b.description)))();
    await index.upsert(batch.map((b) => ({ id: b.id, vector: new Float32Array([1, 0]), meta: { product: b.product, createdAt: b.id }, text: { title: b.title, body: b.description } })));
    batch = [];
  };
  let id = 0;
  for (const rep of syntheticReports(n)) {
    batch.push({ id: ++id, title: rep.title, description: rep.description, product: rep.product });
    if (batch.length === 5000) {
      await flush();
      if (id % 100_000 === 0) process.stderr.write(`bench: indexed ${id}/${n}\n`);
    }
  }
  if (batch.length) await flush();
  await index.close();
  db.close();
  process.stderr.write(`bench: built ${path} (${n} reports) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const QUERIES = Number(process.env.BENCH_QUERIES || 60);
/** BENCH_EXACT=0 skips the unbounded query (tens of seconds per query at 1M reports). */
const EXACT = process.env.BENCH_EXACT !== "0";
const K = 100; // the candidate depth of a duplicate check's keyword side (DUPLICATE_FUSION.candidates)

const db = new Database(file, { readonly: true });
const { lo, hi, n } = db.prepare("SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM Report").get() as { lo: number; hi: number; n: number };
const pick = db.prepare("SELECT title, description FROM Report WHERE id >= ? ORDER BY id LIMIT 1");
const queries = Array.from({ length: QUERIES }, (_, i) => duplicateKeywordQuery(pick.get(lo + Math.floor(((hi - lo) * (i + 0.5)) / QUERIES)) as { title: string; description: string }));
const gen = (db.prepare("SELECT value FROM ix_meta WHERE key = 'live'").get() as { value: string }).value;
const exactStmt = db.prepare(`SELECT rowid AS id FROM ix_fts_${gen} WHERE ix_fts_${gen} MATCH ? ORDER BY bm25(ix_fts_${gen}, 3.0, 1.0), rowid LIMIT ?`).pluck();

function quantiles(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${q(0.5).toFixed(1)} ms  p99 ${q(0.99).toFixed(1)} ms`;
}

// The index as served (per-term lists in memory, lib/vector/keyword-lists.ts) and its FTS5 fallback (the same
// terms under the postings budget, listLength 0), on the same file.
const sides = [
  { name: "lists", ix: new SqliteVecIndex({ path: file, dims: 2 }) },
  { name: "FTS5 budget", ix: new SqliteVecIndex({ path: file, dims: 2, keywordBound: { listLength: 0 } }) },
];
try {
  const exactTop: number[][] = [];
  const exact: number[] = [];
  if (EXACT) {
    for (const q of queries) {
      const t = performance.now();
      exactTop.push(exactStmt.all(ftsMatchExpression(q), K) as number[]);
      exact.push(performance.now() - t);
    }
    console.log(`${n} reports, ${QUERIES} queries; every term (unbounded OR): ${quantiles(exact)}`);
  }
  for (const { name, ix } of sides) {
    for (const q of queries.slice(0, 3)) await ix.keywordSearch(q, K); // statements, fts5vocab table
    const cold: number[] = [];
    const warm: number[] = [];
    const overlap = { 10: 0, 100: 0 };
    for (const [i, q] of queries.entries()) {
      let t = performance.now();
      await ix.keywordSearch(q, K);
      cold.push(performance.now() - t);
      t = performance.now();
      const got = (await ix.keywordSearch(q, K)).map((h) => h.id);
      warm.push(performance.now() - t);
      if (EXACT) {
        for (const depth of [10, 100] as const) {
          const top = new Set(exactTop[i]!.slice(0, depth));
          overlap[depth] += got.slice(0, depth).filter((id) => top.has(id)).length / Math.max(1, top.size);
        }
      }
    }
    console.log(`${name.padEnd(12)} first run of each query: ${quantiles(cold)}; again: ${quantiles(warm)}`);
    if (EXACT) {
      const pct = (x: number) => `${((100 * x) / QUERIES).toFixed(1)}%`;
      console.log(`${"".padEnd(12)} top 10 within exact top 10: ${pct(overlap[10])}, top 100 within exact top 100: ${pct(overlap[100])}`);
    }
  }
} finally {
  for (const { ix } of sides) await ix.close();
  db.close();
}
