// Reads evaluation figures out of ModelVersion.metrics (JSON owned by lib/offline/eval). The stored shape is
// {hybrid, dense, bm25: EvalRow, queries, evaluatedAt, ...}; older/other writers may store one flat
// row. Anything unrecognised yields nulls rather than a crash.

export interface MetricRow {
  ranker: string;
  n: number | null;
  r1: number | null;
  r5: number | null;
  r10: number | null;
  mrr: number | null;
  map: number | null;
}

export interface ModelMetrics {
  rows: MetricRow[];
  evaluatedAt: string | null;
  split: string | null;
  queries: number | null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function rowOf(ranker: string, v: unknown): MetricRow | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  const recall = (o.recall && typeof o.recall === "object" ? o.recall : {}) as Record<string, unknown>;
  const pick = (k: number) => num(recall[String(k)]) ?? num(o[`r${k}`]) ?? num(o[`recall@${k}`]) ?? num(o[`R@${k}`]);
  const row: MetricRow = {
    ranker: typeof o.ranker === "string" ? o.ranker : ranker,
    n: num(o.n) ?? num(o.queries),
    r1: pick(1),
    r5: pick(5),
    r10: pick(10),
    mrr: num(o.mrr) ?? num(o.MRR),
    map: num(o.map) ?? num(o.MAP),
  };
  return row.r1 === null && row.r5 === null && row.r10 === null && row.mrr === null && row.map === null ? null : row;
}

export function readMetrics(m: Record<string, unknown> | null): ModelMetrics | null {
  if (!m) return null;
  const rows: MetricRow[] = [];
  for (const k of ["hybrid", "dense", "bm25"]) {
    const r = rowOf(k, m[k]);
    if (r) rows.push({ ...r, ranker: k });
  }
  if (rows.length === 0) {
    const flat = rowOf("model", m);
    if (flat) rows.push(flat);
  }
  if (rows.length === 0) return null;
  return {
    rows,
    evaluatedAt: typeof m.evaluatedAt === "string" ? m.evaluatedAt : null,
    split: typeof m.split === "string" ? m.split : null,
    queries: num(m.queries),
  };
}
