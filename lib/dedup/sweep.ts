// All pairs above a similarity threshold among the indexed reports, as a matrix job: the stored vectors of
// the swept reports are read once into one matrix and every report's k nearest neighbours come from
// lib/vector/all-pairs (exact blocked brute force for small sets, a multi-threaded HNSW pass above), instead
// of one index query per report. Pairs are de-duplicated, re-scored exactly and sorted best first; no encoder
// pass at all.

import type { SweepPair, SweepResponse } from "@/lib/domain/views";
import { InvalidInputError } from "@/lib/domain/errors";
import { pairKey, toSummary } from "@/lib/corpus/rows";
import { clusterIn, graphSnapshot } from "@/lib/dedup/clusters";
import { thresholdsFor, tierOf } from "@/lib/dedup/thresholds";
import type { Core } from "@/lib/core";
import { allNearestNeighbours } from "@/lib/vector/all-pairs";
import type { VectorIndex } from "@/lib/vector/types";

export interface SweepOptions {
  threshold: number;
  limit: number;
  product?: string;
  /** Neighbours fetched per report. */
  k?: number;
  onProgress?: (done: number, total: number) => void;
  /** Exact neighbours whatever the size (reference runs); default: exact up to all-pairs' EXACT_MAX. */
  exact?: boolean;
}

type Exportable = { exportVectors(ids?: number[]): Promise<{ ids: number[]; dims: number; data: Float32Array }> };

/** The swept reports' vectors as one matrix (ids ascending); one get() per id on backends without an export. */
async function sweptVectors(index: VectorIndex, ids: number[]): Promise<{ ids: number[]; dims: number; data: Float32Array }> {
  if (typeof (index as Partial<Exportable>).exportVectors === "function") return (index as VectorIndex & Exportable).exportVectors(ids);
  const found: number[] = [];
  const rows: Float32Array[] = [];
  for (const id of ids) {
    const p = await index.get(id);
    if (!p) continue;
    found.push(id);
    rows.push(p.vector);
  }
  const data = new Float32Array(rows.length * index.dims);
  rows.forEach((v, i) => data.set(v, i * index.dims));
  return { ids: found, dims: index.dims, data };
}

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
  const best = new Map<string, { a: number; b: number; score: number }>();
  // Keep only the best `keep` pairs while scanning so memory stays bounded on big corpora.
  const keep = Math.max(opts.limit * 4, 1000);
  let floor = opts.threshold;
  const m = await sweptVectors(index, ids);
  await allNearestNeighbours(
    m.data,
    m.dims,
    k,
    (row, neighbours) => {
      const id = m.ids[row]!;
      for (const h of neighbours) {
        if (h.score < floor) continue;
        const other = m.ids[h.row]!;
        const key = pairKey(id, other);
        const cur = best.get(key);
        if (!cur || h.score > cur.score) best.set(key, { a: Math.min(id, other), b: Math.max(id, other), score: h.score });
      }
      if (best.size > keep * 2) {
        const top = [...best.entries()].sort((x, y) => y[1].score - x[1].score).slice(0, keep);
        best.clear();
        for (const [kk, v] of top) best.set(kk, v);
        floor = Math.max(floor, top[top.length - 1]![1].score);
      }
    },
    { exact: opts.exact, onProgress: opts.onProgress },
  );
  const scanned = ids.length;

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
