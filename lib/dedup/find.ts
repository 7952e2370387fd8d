// Duplicate check for a draft: encode once, rank candidates with the shared duplicate ranking
// (lib/ranking/policy.ts rankDuplicateCandidates: dense + BM25 fused by weighted RRF, the same function the
// evaluation gate measures), over-fetched so that collapsing clusters still leaves k of them; collapse to
// one candidate per duplicate cluster, drop clusters a triager ruled out, keep the k best, show them ordered by
// their cosine (orderByShownScore), tier by the serving model's calibrated thresholds and explain.
import type { Report } from "@/lib/db/client";
import { placeholders, type SqlReads } from "@/lib/db/reads";
import type { DuplicateCandidate, DuplicatesResponse } from "@/lib/domain/views";
import { NotFoundError } from "@/lib/domain/errors";
import { toSummary, type SummaryRow } from "@/lib/corpus/rows";
import { embeddingText } from "@/lib/corpus/vectors";
import { collapseClusters, duplicatePoolSize, orderByShownScore } from "@/lib/ranking/policy";
import { rankCandidates } from "@/lib/ranking/candidates";
import { highlightTerms, makeSnippet } from "@/lib/search/highlight";
import { localGraph } from "@/lib/dedup/clusters";
import { corpusDf } from "@/lib/dedup/df";
import { documentFrequency, explain, prepareSide, type ExplainSide } from "@/lib/dedup/explain";
import { thresholdsFor, tierOf, type Thresholds } from "@/lib/dedup/thresholds";
import type { Core, ServingModel } from "@/lib/core";

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

/** What findDuplicates sends a check worker (lib/dedup/check-worker.ts). */
export interface CheckPayload {
  draft: ExplainSide;
  opts: FindOptions;
  model: ServingModel;
  thresholds: Thresholds;
}

/**
 * The duplicate check. In the server it runs on a check worker (lib/workers/check-pool.ts) with the serving
 * model and the thresholds this Core holds; in thread when there is no pool or no worker is up. A check a worker
 * fails is run again in thread (its error is logged), so a bad request fails there with its domain error
 * (404, 503, ...) as it would without workers.
 */
export async function findDuplicates(core: Core, draft: ExplainSide, opts: FindOptions = {}): Promise<DuplicatesResponse> {
  const pool = core.checkPool();
  if (pool) {
    // What a worker's Core would otherwise read from its own caches, which this Core's invalidations do not reach.
    const model = await core.servingModel();
    const thresholds = await thresholdsFor(core, opts.product ?? draft.product ?? null);
    // Only the fields a check reads (a stored report's row also holds its vector hash, dates, ...).
    const { title, description, product = null, component = null, version = null, platform = null } = draft;
    const side: ExplainSide = { title, description, product, component, version, platform };
    try {
      const res = await pool.run({ draft: side, opts, model, thresholds } satisfies CheckPayload);
      if (res !== null) return res as DuplicatesResponse;
    } catch (e) {
      console.warn(`[dedup] check worker failed, checking in thread: ${(e as Error).message}`);
    }
  }
  return findDuplicatesHere(core, draft, opts);
}

/** The duplicate check on this thread; `thresholds` (else the Core's own) tier the candidates. */
export async function findDuplicatesHere(
  core: Core,
  draft: ExplainSide,
  opts: FindOptions = {},
  given?: Thresholds,
): Promise<DuplicatesResponse> {
  const prisma = core.db;
  const t0 = performance.now();
  const k = opts.k ?? 10;
  const product = opts.product ?? draft.product ?? null;
  const { encoder, index, model } = await core.query();

  // The stored report's cluster and the reports ruled out against any of its members.
  let own = new Set<number>();
  const ruledOut = new Set<number>();
  if (opts.reportId !== undefined) {
    const self = await prisma.report.findUnique({ where: { id: opts.reportId }, select: { id: true } });
    if (!self) throw new NotFoundError(`report ${opts.reportId} not found`);
    const ownGraph = await localGraph(core, [opts.reportId]);
    own = new Set(ownGraph.clusterOf(opts.reportId).members);
    for (const m of own) for (const other of ownGraph.notDuplicateOf(m)) ruledOut.add(other);
  }

  const fetchK = duplicatePoolSize(k, own.size);
  const filter = {
    ...(opts.sameProductOnly && product ? { product } : {}),
    ...(own.size ? { excludeIds: [...own] } : {}),
  };
  // The fused score (order of `hits`) picks the k clusters; the cosine is the displayed score, sets the tier
  // (thresholds are calibrated on cosine) and orders the k shown. Re-ordering the whole pool by cosine
  // instead made the keyword side a mere recall aid and lost R@10 on held-out duplicates (docs/evaluation.md).
  const query = { text: embeddingText(draft), report: { title: draft.title, description: draft.description }, limit: fetchK, filter };
  const found = await rankCandidates(encoder, index, query);
  const scores = new Map<number, number>();
  const fused = new Map<number, number>();
  found.hits.forEach((h, i) => {
    if (own.has(h.id)) return;
    fused.set(h.id, h.score);
    const cosine = found.cosines[i];
    if (cosine !== null && cosine !== undefined) scores.set(h.id, cosine);
  });

  const ids = [...scores.keys()];
  const graph = await localGraph(core, ids);
  const clusters = new Map(ids.map((id) => [id, graph.clusterOf(id)]));
  // Best-ranked member per cluster (ids are in fused order); drop clusters containing a ruled-out report.
  const best = collapseClusters(ids, (id) => clusters.get(id)!, (m) => ruledOut.has(m) || own.has(m));
  const thresholds = given ?? (await thresholdsFor(core, product));
  let ranked = best.map((b) => {
    const score = scores.get(b.id)!;
    return { clusterId: b.cluster.id, id: b.id, score, rank: b.rank, tier: tierOf(score, thresholds) };
  });
  if (opts.includeBelow === false) ranked = ranked.filter((r) => r.tier !== "below");
  ranked = orderByShownScore(ranked.slice(0, k));

  const needed = new Set<number>();
  for (const r of ranked) {
    needed.add(r.id);
    needed.add(clusters.get(r.id)!.masterId);
  }
  const rows = await shownRows(core.reads, [...needed]);
  const byId = new Map<number, ShownRow>(rows.map((r) => [r.id, r]));

  const left = prepareSide(draft);
  const prepared = new Map(ranked.filter((r) => byId.has(r.id)).map((r) => [r.id, prepareSide(byId.get(r.id)!)]));
  const corpus = corpusDf(core);
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
      fusedScore: fused.get(r.id)!,
      tier: r.tier,
      why,
      snippet: makeSnippet(row.description, highlightTerms(row.description, matched, prepared.get(r.id)!.descSpans), 240),
    });
  }
  return {
    candidates,
    thresholds: { scope: thresholds.scope, likely: thresholds.likely, related: thresholds.related, calibrated: thresholds.calibrated },
    model: model.name,
    tookMs: Math.round(performance.now() - t0),
  };
}

/** What a shown candidate (or its cluster's master) needs of its row: the summary, and the text it is explained by. */
type ShownRow = SummaryRow & Pick<Report, "description" | "version" | "platform">;

/**
 * The rows of the shown candidates and masters, through the Core's reads (one prepared statement per list length
 * instead of Prisma's model query: 0.1 against 0.5 ms for 15 rows at 100k). Dates come back as SQLite's stored
 * text or Postgres's Date, both read by `new Date`.
 */
async function shownRows(reads: SqlReads, ids: number[]): Promise<ShownRow[]> {
  if (ids.length === 0) return [];
  type Raw = Omit<ShownRow, "id" | "createdAt" | "updatedAt"> & { id: number | bigint; createdAt: string | number | Date; updatedAt: string | number | Date };
  const rows = await reads.all<Raw>(
    `SELECT "id", "source", "externalId", "url", "title", "description", "product", "component", "version", "platform",
      "status", "resolution", "createdAt", "updatedAt" FROM "Report" WHERE "id" IN (${placeholders(ids.length)})`,
    ids,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) }));
}
