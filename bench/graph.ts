// Cost of reading duplicate clusters for one duplicate check: the whole-graph snapshot (every DuplicateLink and
// TriageDecision row, what the check used to load) against the local walk from the check's candidates
// (localGraph, what it does now), on a migrated SQLite database with BENCH_GRAPH_REPORTS reports (default 1M)
// and BENCH_GRAPH_LINKS links (default 200k: clusters of 2-6 reports plus a few long chains) and 2% of the
// linked pairs with a triage verdict.
//
//   npx tsx bench/graph.ts
//   BENCH_GRAPH_REPORTS=100000 BENCH_GRAPH_LINKS=20000 npx tsx bench/graph.ts
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { migrate } from "@/lib/offline/migrate/runner";
import { config } from "@/lib/config";
import { Core } from "@/lib/core";
import { graphSnapshot, invalidateGraph, localGraph } from "@/lib/dedup/clusters";
import { mulberry32 } from "@/lib/random";
import { envInt } from "@/bench/env";


const REPORTS = envInt("BENCH_GRAPH_REPORTS", 1_000_000);
const LINKS = envInt("BENCH_GRAPH_LINKS", 200_000);
const CHECKS = 50;
const CANDIDATES = 60; // duplicatePoolSize(10): the ids one duplicate check clusters

function fill(file: string): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const r = mulberry32(1);
  const t0 = Date.now();
  db.transaction(() => {
    const ins = db.prepare("INSERT INTO Report (id, source, externalId, title, createdAt, updatedAt, contentHash) VALUES (?, 'g', ?, 't', ?, ?, '')");
    const epoch = new Date(0).toISOString();
    for (let id = 1; id <= REPORTS; id++) ins.run(id, `G-${id}`, epoch, epoch);
    const link = db.prepare("INSERT OR IGNORE INTO DuplicateLink (duplicateId, masterId, origin, createdAt) VALUES (?, ?, 'imported', ?)");
    const verdict = db.prepare("INSERT INTO TriageDecision (reportId, otherId, verdict, actor, createdAt) VALUES (?, ?, ?, 'bench', ?)");
    let made = 0;
    let at = 1;
    // A few long chains (deep walks), then clusters of 2-6 members spread over the id range.
    for (let c = 0; c < 5 && made < LINKS; c++) {
      for (let i = 0; i < 200 && made < LINKS; i++, made++) link.run(at + i + 1, at + i, epoch);
      at += 201;
    }
    const stride = Math.max(1, Math.floor((REPORTS - at) / (LINKS / 3)));
    while (made < LINKS && at + 6 < REPORTS) {
      const size = 2 + Math.floor(r() * 5);
      for (let i = 1; i < size && made < LINKS; i++, made++) {
        link.run(at + i, at, epoch);
        if (r() < 0.02) verdict.run(at + i, at, r() < 0.5 ? "not_duplicate" : "duplicate", new Date(made).toISOString());
      }
      at += Math.max(size, stride);
    }
  })();
  const n = (db.prepare("SELECT count(*) AS n FROM DuplicateLink").get() as { n: number }).n;
  db.close();
  process.stderr.write(`bench: ${REPORTS} reports, ${n} links written in ${((Date.now() - t0) / 1000).toFixed(1)}s (${(statSync(file).size / 1e6).toFixed(0)} MB)\n`);
}

function stats(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${q(0.5).toFixed(1)} ms  p99 ${q(0.99).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bugsift-graph-bench-"));
  try {
    const file = path.join(dir, "graph.db");
    const url = `file:${file}`;
    await migrate(url);
    fill(file);
    const core = Core.open({ ...config(), databaseUrl: url });
    try {
      const r = mulberry32(2);
      const batches = Array.from({ length: CHECKS }, () => Array.from({ length: CANDIDATES }, () => 1 + Math.floor(r() * Math.min(REPORTS, LINKS * 3))));
      const whole: number[] = [];
      for (let i = 0; i < 5; i++) {
        invalidateGraph(core);
        const t = performance.now();
        await graphSnapshot(core);
        whole.push(performance.now() - t);
      }
      const heapMb = process.memoryUsage().heapUsed / 1e6;
      const local: number[] = [];
      let members = 0;
      for (const ids of batches) {
        const t = performance.now();
        const g = await localGraph(core, ids);
        local.push(performance.now() - t);
        for (const id of ids) members += g.clusterOf(id).members.length;
      }
      console.log(`whole-graph snapshot (every link + decision, per reload): ${stats(whole)}  (heap after: ${heapMb.toFixed(0)} MB)`);
      console.log(`local walk from ${CANDIDATES} candidates (one duplicate check): ${stats(local)}  (${(members / CHECKS).toFixed(0)} cluster members per check)`);
    } finally {
      await core.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
