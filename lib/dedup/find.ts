// Duplicate check for a draft: encode once, take nearest neighbours (over-fetched so that collapsing
// clusters still leaves k of them), score each by cosine, collapse to one candidate per duplicate
// cluster, drop clusters a triager ruled out, tier by threshold and explain.
import type { PrismaClient, Report } from "../db/client";
import type { DuplicateCandidate, DuplicatesResponse } from "../api/schemas";
import { notFound } from "../api/errors";
import type { HybridHit } from "../index/types";
import { queryServices } from "../reports/context";
import { toSummary } from "../reports/dto";
import { embeddingText, hasDirection } from "../reports/vectors";
import { reciprocalRankFusion } from "../index/hybrid";
import { highlightTerms, makeSnippet } from "../search/highlight";
import { clusterIn, graphSnapshot } from "./clusters";
import { corpusDf } from "./df";
import { documentFrequency, explain, prepareSide, type ExplainSide } from "./explain";
import { thresholdsFor, tierOf } from "./thresholds";

export interface FindOptions {
  /** Clusters to return. */
  k?: number;
  /** Product scope: restricts candidates when sameProductOnly, and picks the thresholds. */
  product?: string | null;
  sameProductOnly?: boolean;
  includeBelow?: boolean;
  /** The stored report being checked (excluded, and its not_duplicate verdicts apply). */
  reportId?: number;
}

/**
 * The keyword side is there for exact identifiers (exception names, error codes, ids) that a small
 * encoder blurs, so it gets the title plus the identifier-like tokens of the body; sending the whole
 * body would OR hundreds of common terms, which costs BM25 time on a large corpus and adds noise.
 */
export function keywordQueryFor(draft: { title: string; description: string }): string {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const m of draft.description.slice(0, 20_000).matchAll(/[\p{L}\p{N}]+(?:[._\-$][\p{L}\p{N}]+)*/gu)) {
    const t = m[0];
    // Identifier-like: has a connector, a digit, or an inner capital (NullPointerException, FSDownload).
    const identifier = /[._\-$]/.test(t) || /\p{N}/u.test(t) || /.\p{Lu}/u.test(t);
    if (!identifier || t.length < 3 || t.length > 80 || /^\d{1,3}$/.test(t) || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    ids.push(t);
    if (ids.length >= 24) break;
  }
  return [draft.title, ...ids].join(" ");
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export async function findDuplicates(prisma: PrismaClient, draft: ExplainSide, opts: FindOptions = {}): Promise<DuplicatesResponse> {
  const t0 = performance.now();
  const k = opts.k ?? 10;
  const product = opts.product ?? draft.product ?? null;
  const { encoder, index, model } = await queryServices();

  // The stored report's cluster and the reports ruled out against any of its members.
  const snap = await graphSnapshot(prisma);
  let own = new Set<number>();
  const ruledOut = new Set<number>();
  if (opts.reportId !== undefined) {
    const self = await prisma.report.findUnique({ where: { id: opts.reportId }, select: { id: true } });
    if (!self) throw notFound(`report ${opts.reportId} not found`);
    own = new Set(clusterIn(snap, opts.reportId).members);
    for (const m of own) for (const other of snap.notDuplicate.get(m) ?? []) ruledOut.add(other);
  }

  const [vector] = await encoder.encode([embeddingText(draft)]);
  const fetchK = Math.min(4 * k + 20 + own.size, 500);
  const filter = {
    ...(opts.sameProductOnly && product ? { product } : {}),
    ...(own.size ? { excludeIds: [...own] } : {}),
  };
  // Hybrid for recall (an exact identifier match may sit outside the dense top-k); scored by cosine.
  const keywordQuery = keywordQueryFor(draft);
  // A draft the model maps to the zero vector (no known token) has no dense side: keyword candidates, cosine 0.
  const hits: HybridHit[] = hasDirection(vector)
    ? await index.hybridSearch(vector, keywordQuery, fetchK, filter)
    : reciprocalRankFusion([], await index.keywordSearch(keywordQuery, fetchK, filter), fetchK);
  const scores = new Map<number, number>();
  for (const h of hits) {
    if (own.has(h.id)) continue;
    if (h.denseScore !== undefined) scores.set(h.id, h.denseScore);
    else {
      const p = await index.get(h.id);
      if (p) scores.set(h.id, dot(vector!, p.vector));
    }
  }

  const ids = [...scores.keys()];
  const clusters = new Map(ids.map((id) => [id, clusterIn(snap, id)]));
  // Best-scoring member per cluster; drop clusters containing a ruled-out report.
  const best = new Map<number, { id: number; score: number }>();
  for (const id of ids) {
    const c = clusters.get(id)!;
    if (c.members.some((m) => ruledOut.has(m) || own.has(m))) continue;
    const s = scores.get(id)!;
    const cur = best.get(c.id);
    if (!cur || s > cur.score) best.set(c.id, { id, score: s });
  }
  const thresholds = await thresholdsFor(prisma, product);
  let ranked = [...best.entries()]
    .map(([clusterId, b]) => ({ clusterId, ...b, tier: tierOf(b.score, thresholds) }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
  if (opts.includeBelow === false) ranked = ranked.filter((r) => r.tier !== "below");
  ranked = ranked.slice(0, k);

  const needed = new Set<number>();
  for (const r of ranked) {
    needed.add(r.id);
    needed.add(clusters.get(r.id)!.masterId);
  }
  const rows = await prisma.report.findMany({ where: { id: { in: [...needed] } } });
  const byId = new Map<number, Report>(rows.map((r) => [r.id, r]));

  const left = prepareSide(draft);
  const prepared = new Map(ranked.filter((r) => byId.has(r.id)).map((r) => [r.id, prepareSide(byId.get(r.id)!)]));
  const corpus = corpusDf(prisma);
  const df = corpus?.df ?? documentFrequency([...prepared.values()]);
  const dfN = corpus?.n ?? prepared.size;
  const candidates: DuplicateCandidate[] = [];
  for (const r of ranked) {
    const row = byId.get(r.id);
    if (!row) continue;
    const c = clusters.get(r.id)!;
    const master = c.masterId !== r.id ? byId.get(c.masterId) : undefined;
    const why = explain(left, prepared.get(r.id)!, df, dfN);
    const matched = new Set(why.terms.map((t) => t.term));
    candidates.push({
      clusterId: c.id,
      report: toSummary(row),
      master: master ? toSummary(master) : null,
      clusterSize: c.members.length,
      score: r.score,
      tier: r.tier,
      why,
      snippet: makeSnippet(row.description, highlightTerms(row.description, matched), 240),
    });
  }
  return {
    candidates,
    thresholds: { scope: thresholds.scope, likely: thresholds.likely, related: thresholds.related },
    model: model.name,
    tookMs: Math.round(performance.now() - t0),
  };
}

