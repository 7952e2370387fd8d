// Hybrid search: the query is encoded with the serving model and ranked by the search policy
// (lib/ranking/policy.ts: the index's hybridSearch, dense cosine + BM25 fused by equal-weight RRF). Hits are joined with the database (a hit whose
// report was deleted is dropped) and get title/body snippets with the matched terms marked.
import type { PrismaClient } from "@/lib/db/client";
import type { SearchResponse, SearchResult } from "@/lib/domain/views";
import { InvalidInputError } from "@/lib/domain/errors";
import { toSummary } from "@/lib/corpus/rows";
import { embeddingText } from "@/lib/corpus/vectors";
import { hasDirection } from "@/lib/math";
import { rankSearchHits } from "@/lib/ranking/policy";
import { hasFilter, indexFilter, prismaWhere, type ReportFilters } from "@/lib/search/filters";
import { highlightTerms, makeSnippet, termsOf } from "@/lib/search/highlight";
import type { Core } from "@/lib/core";

export interface Page {
  limit: number;
  offset: number;
}

const SNIPPET_CHARS = 240;

export function snippetsFor(r: { title: string; description: string }, terms: Set<string>) {
  return {
    titleSnippet: makeSnippet(r.title, highlightTerms(r.title, terms), 500),
    bodySnippet: makeSnippet(r.description, highlightTerms(r.description, terms), SNIPPET_CHARS),
  };
}

export async function searchReports(
  core: Core,
  query: string,
  filters: ReportFilters,
  page: Page = { limit: 20, offset: 0 },
): Promise<SearchResponse> {
  const prisma = core.db;
  const t0 = performance.now();
  const q = query.trim();
  const { limit, offset } = page;
  if (!q) {
    if (!hasFilter(filters)) throw new InvalidInputError("q is required unless a filter (product, component, status, from, to) is set");
    return browse(prisma, filters, page, t0);
  }
  const { encoder, index } = await core.query();
  // Same text normalisation as the indexed reports (volatile ids, paths, timestamps folded).
  const [vector] = await encoder.encode([embeddingText({ title: q, description: "" })]);
  const want = offset + limit + 1;
  // A query the model maps to the zero vector (no known token) has no dense side: keywords only.
  const hits = await rankSearchHits(index, hasDirection(vector) ? vector : null, q, want, indexFilter(filters));
  const pageHits = hits.slice(offset, offset + limit);
  const rows = await prisma.report.findMany({ where: { id: { in: pageHits.map((h) => h.id) } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const terms = termsOf(q);
  const results: SearchResult[] = [];
  for (const h of pageHits) {
    const r = byId.get(h.id);
    if (!r) continue; // deleted since it was indexed
    results.push({
      report: toSummary(r),
      score: h.score,
      denseRank: h.denseRank ?? null,
      keywordRank: h.keywordRank ?? null,
      similarity: h.denseScore ?? null,
      ...snippetsFor(r, terms),
    });
  }
  return { query: q, results, limit, offset, hasMore: hits.length > offset + limit, tookMs: Math.round(performance.now() - t0) };
}

/** Empty query with filters: newest first, straight from the database. */
async function browse(prisma: PrismaClient, filters: ReportFilters, { limit, offset }: Page, t0: number): Promise<SearchResponse> {
  const rows = await prisma.report.findMany({
    where: prismaWhere(filters),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: offset,
    take: limit + 1,
  });
  const empty = new Set<string>();
  return {
    query: "",
    results: rows.slice(0, limit).map((r) => ({
      report: toSummary(r),
      score: 0,
      denseRank: null,
      keywordRank: null,
      similarity: null,
      ...snippetsFor(r, empty),
    })),
    limit,
    offset,
    hasMore: rows.length > limit,
    tookMs: Math.round(performance.now() - t0),
  };
}
