// Bounds the keyword side of a search. FTS5 has no early termination for an OR query ranked by bm25(): it
// scores every document that matches any term, so the cost grows with the summed document frequency of the
// query's terms. A duplicate check's query is a whole title plus the start of a body (dozens of terms, many
// common), and at 100k+ reports each common term matches tens of thousands of rows. BM25 ranks by the rare terms
// anyway (a term in 10% of the corpus has IDF ln 9 = 2.2, one in 0.01% has 9.2), so the query keeps its rarest
// terms and drops the ones too common to tell documents apart; terms absent from the index cannot match and go too.
import type { QueryTerm } from "@/lib/vector/tokenize";

export interface KeywordBound {
  /** Corpora smaller than this search with every term (exact BM25 over the whole query; cheap at that size). */
  minDocs: number;
  /** Most terms sent to FTS5, rarest first. */
  maxTerms: number;
  /** Terms in more than this fraction of the indexed documents are dropped... */
  maxDfFraction: number;
  /** ...unless fewer than this many terms would remain (then the rarest ones are kept, within maxPostings). */
  minTerms: number;
  /**
   * Budget on the summed document frequency of the kept terms (the rows FTS5 will score): terms are added rarest
   * first while the sum stays within it (the rarest term is always kept). Bounds the work per query whatever the
   * corpus size; on a vocabulary where every word is common it is what keeps the query small.
   */
  maxPostings: number;
  /**
   * Above minDocs the query is answered from per-term lists in memory (keyword-lists.ts) instead: each term's
   * best listLength rows by its bm25 contribution. maxPostings then bounds only the FTS5 fallback. 0 = no lists
   * (every query goes to FTS5 under maxPostings).
   */
  listLength: number;
  /** Postings the lists hold in memory over all terms (8 bytes each plus the id). */
  maxCachedPostings: number;
  /** Rows changed since the lists were read, scored from the keyword log, before the lists are read again. */
  maxDirty: number;
}

export const DEFAULT_KEYWORD_BOUND: Readonly<KeywordBound> = Object.freeze({
  minDocs: 10_000,
  // 32: on Apache Jira about half of the checks' keyword queries (title + 1,000 body characters) have more indexed
  // terms in at most 10% of the reports than that (median 31-36), and bm25() walks every kept term's instances in
  // every row it scores, so long reports cost most. 32 instead of 64 halves the keyword stage there (p50 19.0 ->
  // 10.3 ms) at the same served hybrid quality, inside the noise (R@10 0.686 vs 0.689, MRR 0.530 vs 0.530); 16
  // terms costs 0.024 of R@10 (docs/performance-api.md, "Terms per query").
  maxTerms: 32,
  maxDfFraction: 0.1,
  minTerms: 3,
  // 20,000: on Apache Jira BM25 R@10/MRR are within 0.001 of 200,000's while a 100k-report check's keyword query
  // takes 7.8 instead of 18.8 ms (docs/performance-api.md, "A smaller keyword budget").
  maxPostings: 20_000,
  listLength: 16_384,
  maxCachedPostings: 8_000_000,
  maxDirty: 4096,
});

/**
 * The terms to search for: those present in the index, rarest first (ties keep the query's order, which puts
 * identifiers first), without the ones in more than maxDfFraction of `docs` documents (keeping at least
 * minTerms), at most maxTerms and within maxPostings. `df` is the term's document frequency (0 = not indexed).
 * Below minDocs documents every term is kept as is (and `df` is not called).
 */
export function boundQueryTerms(terms: QueryTerm[], df: (term: string) => number, docs: number, bound: KeywordBound = DEFAULT_KEYWORD_BOUND): QueryTerm[] {
  if (docs < bound.minDocs) return terms;
  const known = terms
    .map((t, i) => ({ t, i, df: df(t.term) }))
    .filter((x) => x.df > 0)
    .sort((a, b) => a.df - b.df || a.i - b.i);
  const selective = known.filter((x) => x.df <= bound.maxDfFraction * docs).length;
  let keep = Math.min(known.length, bound.maxTerms, Math.max(selective, bound.minTerms));
  let postings = 0;
  for (let i = 0; i < keep; i++) {
    postings += known[i]!.df;
    if (i > 0 && postings > bound.maxPostings) keep = i;
  }
  return known.slice(0, keep).map((x) => x.t);
}
