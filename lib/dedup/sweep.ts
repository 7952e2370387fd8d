// All pairs above a similarity threshold among the indexed reports: one kNN query per report with
// its stored vector (no encoder pass at all), pairs de-duplicated and sorted best first. This is the
// "most similar pairs in 10,000 sentences" job done with the index instead of an N x N matrix.

import type { SweepPair, SweepResponse } from "@/lib/domain/views";
import { InvalidInputError } from "@/lib/domain/errors";
import { pairKey, toSummary } from "@/lib/corpus/rows";
import { clusterIn, graphSnapshot } from "@/lib/dedup/clusters";
import { thresholdsFor, tierOf } from "@/lib/dedup/thresholds";
import type { Core } from "@/lib/core";

export interface SweepOptions {
  threshold: number;
  limit: number;
  product?: string;
  /** Neighbours fetched per report. */
  k?: number;
  onProgress?: (done: number, total: number) => void;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export async function sweepDuplicates(core: Core, opts: SweepOptions): Promise<SweepResponse> {
  const prisma = core.db;
  const t0 = performance.now();
  const k = opts.k ?? 10;
  const { index } = await core.query();
  const ids = opts.product
    ? (await prisma.report.findMany({ where: { product: opts.product }, select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id)
    : (await index.ids()).sort((a, b) => a - b);
  const max = core.config.sweepMaxReports;
  if (ids.length > max) {
    throw new InvalidInputError(
      `a sweep over ${ids.length} reports is too large (limit ${max}, SWEEP_MAX_REPORTS): narrow it with product=`,
    );
  }
  const filter = opts.product ? { product: opts.product } : undefined;
  const best = new Map<string, { a: number; b: number; score: number }>();
  // Keep only the best `keep` pairs while scanning so memory stays bounded on big corpora.
  const keep = Math.max(opts.limit * 4, 1000);
  let floor = opts.threshold;
  let scanned = 0;
  for (const id of ids) {
    const p = await index.get(id);
    scanned++;
    if (!p) continue;
    const hits = await index.search(p.vector, k + 1, filter);
    for (const h of hits) {
      if (h.id === id || h.score < floor) continue;
      const key = pairKey(id, h.id);
      const cur = best.get(key);
      if (!cur || h.score > cur.score) best.set(key, { a: Math.min(id, h.id), b: Math.max(id, h.id), score: h.score });
    }
    if (best.size > keep * 2) {
      const top = [...best.entries()].sort((x, y) => y[1].score - x[1].score).slice(0, keep);
      best.clear();
      for (const [kk, v] of top) best.set(kk, v);
      floor = Math.max(floor, top[top.length - 1]![1].score);
    }
    if (scanned % 64 === 0) {
      opts.onProgress?.(scanned, ids.length);
      await yieldToLoop(); // sqlite-vec queries are synchronous: let other requests in
    }
  }
  opts.onProgress?.(scanned, ids.length);

  let pairs = [...best.values()].sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  const snap = await graphSnapshot(core);
  pairs = pairs.filter((p) => snap.verdicts.get(pairKey(p.a, p.b)) !== "not_duplicate").slice(0, opts.limit);
  const top = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const rows = await prisma.report.findMany({ where: { id: { in: top } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const thresholds = await thresholdsFor(core, opts.product);
  const out: SweepPair[] = [];
  for (const p of pairs) {
    const a = byId.get(p.a);
    const b = byId.get(p.b);
    if (!a || !b) continue;
    out.push({
      a: toSummary(a),
      b: toSummary(b),
      score: p.score,
      tier: tierOf(p.score, thresholds),
      known: clusterIn(snap, p.a).id === clusterIn(snap, p.b).id,
    });
  }
  return { threshold: opts.threshold, pairs: out, scanned, tookMs: Math.round(performance.now() - t0) };
}
