// The keyword side of a large generation without FTS5's per-row bm25(). FTS5 has no early termination for an
// OR query ranked by bm25(): it scores every row that matches any term, about a microsecond per row, so a
// check's query costs the summed document frequency of its terms (keyword-terms.ts bounds that by dropping
// terms). Here each term's postings come from FTS5 once, as the term's own top `listLength` rows by its bm25
// contribution, and stay in memory; a query adds up its terms' lists in a typed array. FTS5's bm25() is a sum
// over the query's phrases (idf x saturated column-weighted frequency, with the row's length), so the sum of the
// single-term scores IS the multi-term score: with every list complete the ranking is FTS5's own. A list cut at
// `listLength` drops the rows where that term weighs least; such a row still scores on the query's other terms.
//
// Reports written after a list was read (by this process or another) are in the generation's keyword log
// (ix_kwlog_<gen>: id and indexed text, same transaction as the write): they are taken out of the lists and
// scored from that text with the same formula. Past maxDirty of them, a gap in the log (trimmed away), or a
// corpus that grew or shrank by maxDrift (IDF and average length move), the lists are dropped and read again.
import type { Hit } from "@/lib/vector/types";
import type { KeywordBound } from "@/lib/vector/keyword-terms";
import type { QueryTerm } from "@/lib/vector/tokenize";

/** FTS5's bm25() constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;
/** Report ids at or above this are not served from the lists (the arrays are indexed by id). */
const MAX_DENSE_ID = 1 << 24;

export interface Postings {
  /**
   * The rows, in increasing id order: the cut at listLength is made by score when the list is read, but a query
   * adds the lists into an array indexed by id, and visiting it in address order lets the cache prefetch (at
   * 100k rows the array is 800 KB, most of a core's L2; in score order every posting was a random access).
   */
  ids: Int32Array;
  /** The term's bm25 contribution in each row (FTS5's -bm25() of the one-term query). */
  scores: Float64Array;
  /** True when the list holds every row with the term. */
  complete: boolean;
  maxId: number;
}

export interface KeywordLogEntry {
  seq: number;
  id: number;
  /** The indexed title and body (space-separated tokens), null when the row was deleted or has no text. */
  title: string | null;
  body: string | null;
}

/** What the lists read from the index, inside the caller's read transaction. */
export interface KeywordListSource {
  /** Newest keyword-log sequence (0 when nothing was ever logged). */
  maxSeq(): number;
  /** Log entries after `seq`, oldest first. */
  entriesAfter(seq: number): KeywordLogEntry[];
  /** The term's top `limit` rows by its bm25 contribution, best first. */
  topPostings(term: string, limit: number): { ids: number[]; scores: number[] };
  /** Rows containing the term. */
  df(term: string): number;
  /** Rows and tokens in the full-text index (FTS5's own totals: its IDF and average length). */
  totals(): { rows: number; tokens: number };
}

/** The lists' share of the keyword bound (keyword-terms.ts documents each); the least recently used lists go first. */
export interface KeywordListOptions extends Pick<KeywordBound, "listLength" | "maxCachedPostings" | "maxDirty"> {
  /** Relative change in the row count that drops the lists (their IDF and average length are that old). */
  maxDrift: number;
  /** Title weight of bm25() (the body's is 1). */
  titleWeight: number;
}

interface DirtyDoc {
  /** Column-weighted frequency of each term. */
  freq: Map<string, number>;
  /** Tokens in the row (FTS5's document length). */
  length: number;
}

export class KeywordLists {
  private seq = -1;
  private rowsAtReset = 0;
  private readonly lists = new Map<string, Postings>();
  private cachedPostings = 0;
  /** Rows changed since the lists were read: their current text, or null when gone. */
  private readonly dirty = new Map<number, DirtyDoc | null>();
  /** dirty rows by term, for scoring them per query term. */
  private readonly dirtyByTerm = new Map<string, number[]>();
  private dirtyMaxId = 0;
  private acc = new Float64Array(0);
  private skip = new Uint8Array(0);
  private touched = new Int32Array(0);

  constructor(private readonly opts: KeywordListOptions) {}

  /** Postings in memory (for tests and diagnostics). */
  get size(): { terms: number; postings: number; dirty: number } {
    return { terms: this.lists.size, postings: this.cachedPostings, dirty: this.dirty.size };
  }

  /**
   * The top k rows for the terms (higher score is better; ties by id), or null when the lists cannot answer
   * exactly what FTS5 would over the same terms and the caller must ask FTS5: an id too large for the arrays,
   * or fewer than k rows admitted while some list is cut (a row past the cut may match the filter). `admit`
   * keeps the ids that pass the caller's filter (null: every id passes); `exclude` ids never appear.
   */
  search(
    src: KeywordListSource,
    terms: QueryTerm[],
    k: number,
    exclude: ReadonlySet<number>,
    admit: ((ids: number[]) => Set<number>) | null,
  ): Hit[] | null {
    if (k === 0 || terms.length === 0) return [];
    const { rows, tokens } = src.totals();
    this.sync(src, rows);
    const lists = terms.map((t) => this.list(src, t.term));
    let maxId = this.dirtyMaxId;
    for (const l of lists) if (l.maxId > maxId) maxId = l.maxId;
    if (maxId >= MAX_DENSE_ID) return null;
    this.ensureCapacity(maxId + 1);
    const acc = this.acc;
    const skip = this.skip;
    const touched = this.touched;
    let n = 0;
    terms.forEach((t, ti) => {
      const { ids, scores } = lists[ti]!;
      const w = t.weight;
      for (let i = 0; i < ids.length; i++) {
        const d = ids[i]!;
        if (skip[d]) continue;
        const a = acc[d]!;
        if (a === 0) touched[n++] = d;
        acc[d] = a + w * scores[i]!;
      }
    });
    // Changed rows: scored from their logged text with the current totals.
    if (this.dirty.size > 0 && rows > 0) {
      const avgLength = tokens / rows;
      for (const t of terms) {
        const ids = this.dirtyByTerm.get(t.term);
        if (!ids) continue;
        const df = src.df(t.term);
        const idf = Math.max(1e-6, Math.log((rows - df + 0.5) / (df + 0.5)));
        for (const d of ids) {
          const doc = this.dirty.get(d)!;
          const f = doc.freq.get(t.term)!;
          const s = (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.length) / avgLength));
          const a = acc[d]!;
          if (a === 0) touched[n++] = d;
          acc[d] = a + t.weight * s;
        }
      }
    }
    const cut = lists.some((l) => !l.complete);
    const hits = admit ? this.topAdmitted(n, k, exclude, admit) : this.top(n, k, exclude);
    for (let i = 0; i < n; i++) acc[touched[i]!] = 0;
    if (hits.length < k && cut) return null;
    return hits;
  }

  /** Reads the term's list now (a server warming up before it takes queries); inside the read transaction. */
  warm(src: KeywordListSource, term: string): void {
    this.sync(src, src.totals().rows);
    this.list(src, term);
  }

  /** Best k of the n touched rows (a bounded heap; worst at the root). */
  private top(n: number, k: number, exclude: ReadonlySet<number>): Hit[] {
    const acc = this.acc;
    const touched = this.touched;
    const hs = new Float64Array(k);
    const hd = new Int32Array(k);
    let size = 0;
    const worse = (sa: number, da: number, sb: number, db: number) => sa < sb || (sa === sb && da > db);
    for (let j = 0; j < n; j++) {
      const d = touched[j]!;
      const s = acc[d]!;
      if (size === k && !worse(hs[0]!, hd[0]!, s, d)) continue;
      if (exclude.size > 0 && exclude.has(d)) continue;
      let i: number;
      if (size < k) {
        i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!worse(s, d, hs[p]!, hd[p]!)) break;
          hs[i] = hs[p]!;
          hd[i] = hd[p]!;
          i = p;
        }
      } else {
        i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          if (c + 1 < size && worse(hs[c + 1]!, hd[c + 1]!, hs[c]!, hd[c]!)) c++;
          if (!worse(hs[c]!, hd[c]!, s, d)) break;
          hs[i] = hs[c]!;
          hd[i] = hd[c]!;
          i = c;
        }
      }
      hs[i] = s;
      hd[i] = d;
    }
    const out: Hit[] = [];
    for (let i = 0; i < size; i++) out.push({ id: hd[i]!, score: hs[i]! });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** Best k of the touched rows that `admit` keeps: the best few hundred at a time, widening until k or none left. */
  private topAdmitted(n: number, k: number, exclude: ReadonlySet<number>, admit: (ids: number[]) => Set<number>): Hit[] {
    for (let want = Math.max(4 * k, 256); ; want *= 4) {
      const best = this.top(n, Math.min(want, n), exclude);
      const kept = admit(best.map((h) => h.id));
      const out = best.filter((h) => kept.has(h.id)).slice(0, k);
      if (out.length === k || want >= n) return out;
    }
  }

  private ensureCapacity(size: number): void {
    if (this.acc.length >= size) return;
    const cap = Math.min(MAX_DENSE_ID, Math.max(size, Math.ceil(this.acc.length * 1.5), 1024));
    this.acc = new Float64Array(cap);
    this.touched = new Int32Array(cap);
    const skip = new Uint8Array(cap);
    skip.set(this.skip);
    this.skip = skip;
  }

  private list(src: KeywordListSource, term: string): Postings {
    const hit = this.lists.get(term);
    if (hit) {
      // most recently used last
      this.lists.delete(term);
      this.lists.set(term, hit);
      return hit;
    }
    const { listLength } = this.opts;
    const top = src.topPostings(term, listLength + 1);
    const m = Math.min(top.ids.length, listLength);
    const maxId = top.ids.slice(0, m).reduce((a, b) => Math.max(a, b), 0);
    // an id past the arrays makes search() hand the query to FTS5; the list keeps it out of an Int32Array
    const rows = maxId < MAX_DENSE_ID ? byId(top.ids, top.scores, m) : { ids: new Int32Array(0), scores: new Float64Array(0) };
    const list: Postings = { ...rows, complete: top.ids.length <= listLength, maxId };
    this.lists.set(term, list);
    this.cachedPostings += list.ids.length;
    for (const [t, l] of this.lists) {
      if (this.cachedPostings <= this.opts.maxCachedPostings || t === term) break;
      this.lists.delete(t);
      this.cachedPostings -= l.ids.length;
    }
    return list;
  }

  /** Catches up with the keyword log, or drops everything when it cannot. */
  private sync(src: KeywordListSource, rows: number): void {
    const max = src.maxSeq();
    if (this.seq < 0) return this.reset(max, rows);
    if (max > this.seq) {
      const entries = src.entriesAfter(this.seq);
      if (entries.length === 0 || entries[0]!.seq !== this.seq + 1) return this.reset(max, rows);
      for (const e of entries) this.markDirty(e);
      this.seq = entries[entries.length - 1]!.seq;
      if (this.dirty.size > this.opts.maxDirty) return this.reset(max, rows);
    }
    if (Math.abs(rows - this.rowsAtReset) > this.opts.maxDrift * Math.max(1, this.rowsAtReset)) this.reset(max, rows);
  }

  private reset(seq: number, rows: number): void {
    this.seq = seq;
    this.rowsAtReset = rows;
    this.lists.clear();
    this.cachedPostings = 0;
    for (const id of this.dirty.keys()) if (id < this.skip.length) this.skip[id] = 0;
    this.dirty.clear();
    this.dirtyByTerm.clear();
    this.dirtyMaxId = 0;
  }

  private markDirty(e: KeywordLogEntry): void {
    const old = this.dirty.get(e.id);
    if (old) for (const term of old.freq.keys()) {
      const ids = this.dirtyByTerm.get(term)!;
      ids.splice(ids.indexOf(e.id), 1);
      if (ids.length === 0) this.dirtyByTerm.delete(term);
    }
    let doc: DirtyDoc | null = null;
    if (e.title !== null || e.body !== null) {
      doc = { freq: new Map(), length: 0 };
      for (const [text, w] of [[e.title, this.opts.titleWeight], [e.body, 1]] as const) {
        if (!text) continue;
        for (const tok of text.split(" ")) {
          if (!tok) continue;
          doc.length++;
          doc.freq.set(tok, (doc.freq.get(tok) ?? 0) + w);
        }
      }
      for (const term of doc.freq.keys()) (this.dirtyByTerm.get(term) ?? this.dirtyByTerm.set(term, []).get(term)!).push(e.id);
    }
    this.dirty.set(e.id, doc);
    this.dirtyMaxId = Math.max(this.dirtyMaxId, e.id);
    if (e.id < MAX_DENSE_ID) {
      this.ensureCapacity(e.id + 1);
      this.skip[e.id] = 1;
    }
  }
}

/** The first m postings sorted by id (ids < 2^24 and m < 2^24: id and position packed in one exact double). */
function byId(ids: number[], scores: number[], m: number): { ids: Int32Array; scores: Float64Array } {
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) keys[i] = ids[i]! * MAX_DENSE_ID + i;
  keys.sort();
  const outIds = new Int32Array(m);
  const outScores = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = keys[j]! % MAX_DENSE_ID;
    outIds[j] = ids[i]!;
    outScores[j] = scores[i]!;
  }
  return { ids: outIds, scores: outScores };
}
