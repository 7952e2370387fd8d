// Hybrid search: the query is encoded with the serving model and ranked by the search policy
// (lib/ranking/policy.ts: the index's hybridSearch, dense cosine + BM25 fused by equal-weight RRF). Hits are joined with the database (a hit whose
// report was deleted is dropped) and get title/body snippets with the matched terms marked. Each result says
// whether it contains the query's words (all of them) or is similar in meaning only; `exact` keeps only
// reports containing the words as a phrase, with their total, so paging ends where the matches end.
import type { PrismaClient } from "@/lib/db/client";
import type { SearchResponse, SearchResult } from "@/lib/domain/views";
import { InvalidInputError } from "@/lib/domain/errors";
import { toSummary } from "@/lib/corpus/rows";
import { embeddingText } from "@/lib/corpus/vectors";
import { hasDirection } from "@/lib/math";
import { rankSearchHits } from "@/lib/ranking/policy";
import { hasFilter, indexFilter, prismaWhere, type ReportFilters } from "@/lib/search/filters";
import { highlightTerms, makeSnippet, termsOf } from "@/lib/search/highlight";
import { tokenize } from "@/lib/vector/tokenize";
import type { Core } from "@/lib/core";

export interface Page {
  limit: number;
  offset: number;
}

export interface SearchOptions {
  /** Only reports containing the query's words as a phrase (keyword candidates, checked on the text). */
  exact?: boolean;
}

/**
 * Keyword candidates an exact search checks: every report containing the phrase contains all of its terms, so
 * it is a BM25 hit; the pool bounds the work for a phrase of common words (the total is then a lower bound).
 */
export const EXACT_POOL = 2000;

/** The report's words in the keyword index's tokenisation (stop words dropped, identifiers kept whole). */
function wordsOf(r: { title: string; description: string }): string[] {
  return tokenize(`${r.title}\n${r.description}`);
}

/** True when `words` hold `phrase` contiguously. */
export function containsPhrase(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/** True when `words` hold every term of the query (in any order). */
function containsAll(words: string[], terms: string[]): boolean {
  if (terms.length === 0) return false;
  const set = new Set(words);
  return terms.every((t) => set.has(t));
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
  opts: SearchOptions = {},
): Promise<SearchResponse> {
  const prisma = core.db;
  const t0 = performance.now();
  const q = query.trim();
  const { limit, offset } = page;
  if (!q) {
    if (opts.exact) throw new InvalidInputError("exact=1 needs a query (q)");
    if (!hasFilter(filters)) throw new InvalidInputError("q is required unless a filter (product, component, status, from, to) is set");
    return browse(prisma, filters, page, t0);
  }
  const queryWords = tokenize(q);
  if (opts.exact) return exactSearch(core, q, queryWords, filters, page, t0);
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
      matchesWords: containsAll(wordsOf(r), queryWords),
      ...snippetsFor(r, terms),
    });
  }
  return { query: q, results, limit, offset, hasMore: hits.length > offset + limit, total: null, exact: false, tookMs: Math.round(performance.now() - t0) };
}

/** Reports containing the query's words as a phrase, best BM25 first, with their total. */
async function exactSearch(core: Core, q: string, phrase: string[], filters: ReportFilters, { limit, offset }: Page, t0: number): Promise<SearchResponse> {
  const prisma = core.db;
  const index = await core.index();
  const hits = phrase.length ? await index.keywordSearch(q, EXACT_POOL, indexFilter(filters)) : [];
  const matching: { id: number; score: number; keywordRank: number; row: Awaited<ReturnType<typeof prisma.report.findMany>>[number] }[] = [];
  for (let i = 0; i < hits.length; i += 500) {
    const slice = hits.slice(i, i + 500);
    const rows = await prisma.report.findMany({ where: { id: { in: slice.map((h) => h.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    slice.forEach((h, j) => {
      const row = byId.get(h.id);
      if (row && containsPhrase(wordsOf(row), phrase)) matching.push({ id: h.id, score: h.score, keywordRank: i + j + 1, row });
    });
  }
  const terms = termsOf(q);
  const results: SearchResult[] = matching.slice(offset, offset + limit).map((m) => ({
    report: toSummary(m.row),
    score: m.score,
    denseRank: null,
    keywordRank: m.keywordRank,
    similarity: null,
    matchesWords: true,
    ...snippetsFor(m.row, terms),
  }));
  return {
    query: q,
    results,
    limit,
    offset,
    hasMore: matching.length > offset + limit,
    total: matching.length,
    exact: true,
    tookMs: Math.round(performance.now() - t0),
  };
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
      matchesWords: false,
      ...snippetsFor(r, empty),
    })),
    limit,
    offset,
    hasMore: rows.length > limit,
    total: null,
    exact: false,
    tookMs: Math.round(performance.now() - t0),
  };
}
