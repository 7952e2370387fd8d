// Keyword-side tokenisation shared by both backends: the sqlite FTS5 table indexes exactly these tokens
// (space-joined) and the Qdrant sparse "bm25" vector hashes exactly these tokens, so a query matches the
// same way on either backend.
//
// Bug reports are full of identifiers that ordinary word tokenisers shred: NullPointerException,
// FSDownload.java, HDFS-1234, 0x80004005, E_ACCESSDENIED, org.apache.hadoop.fs.Path. For each such
// "compound" we emit the whole identifier (lower-cased, connectors kept) AND its parts (split on . _ - $
// and on camelCase), so a search for the exact identifier ranks documents containing it first (the whole
// token is rare, hence high IDF) while a search for a part ("Path", "pointer") still matches.

/** Characters that glue identifier parts together; FTS5 must treat them as token characters. */
export const CONNECTORS = "._-$";
/** FTS5 tokenizer spec matching the tokens produced here (no further splitting of our tokens). */
export const FTS5_TOKENIZER = `unicode61 remove_diacritics 2 categories 'L* N* Co M*' tokenchars '${CONNECTORS}'`;

const COMPOUND_RE = /[\p{L}\p{N}\p{M}]+(?:[._\-$][\p{L}\p{N}\p{M}]+)*/gu;
const CONNECTOR_SPLIT_RE = /[._\-$]+/u;
// camelCase boundaries: "nullPointer" | "FSDownload" (before the last capital of an acronym run).
const CAMEL_SPLIT_RE = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MAX_TOKEN_CHARS = 128;
/** Cap on distinct query terms (a whole bug report used as a query would otherwise OR hundreds of terms). */
export const MAX_QUERY_TERMS = 128;

// Small English stop list; they carry no duplicate signal and make OR queries slow (they match everything).
const STOPWORDS = new Set(
  (
    "a an and are as at be but by for from has have if in into is it its of on or that the their then there " +
    "these this to was were when which will with i we you he she they not no can could would should do does did " +
    "been being so than too very just also my our your me us"
  ).split(" "),
);

// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const NON_ASCII_RE = /[^\x00-\x7f]/;
const SIMPLE_WORD_RE = /^[a-z0-9]+$/;
const HAS_UPPER_RE = /\p{Lu}/u;

/** NFKC, strip combining diacritics (café -> cafe, same folding as FTS5 remove_diacritics), lower-case. */
export function foldText(text: string): string {
  if (!NON_ASCII_RE.test(text)) return text.toLowerCase(); // fast path: most of a bug report is ASCII
  return text.normalize("NFKD").replace(/\p{Mn}/gu, "").normalize("NFKC").toLowerCase();
}

function keepPart(tok: string): boolean {
  if (tok.length === 0 || tok.length > MAX_TOKEN_CHARS) return false;
  if (tok.length === 1 && !CJK_RE.test(tok) && !/\p{N}/u.test(tok)) return false; // lone letters are noise
  return !STOPWORDS.has(tok);
}

/** Overlapping character bigrams for CJK runs, which have no spaces between words. */
function cjkBigrams(tok: string): string[] {
  if (!NON_ASCII_RE.test(tok)) return [];
  const chars = [...tok];
  if (chars.length <= 2 || !chars.every((c) => CJK_RE.test(c))) return [];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

const splitCamel = (p: string): string[] => (HAS_UPPER_RE.test(p) ? p.split(CAMEL_SPLIT_RE).filter(Boolean) : [p]);

/** Tokens for one compound occurrence (raw case, before folding): the whole identifier (if compound) and its parts. */
function compoundTokens(raw: string): { whole: string | null; parts: string[] } {
  // Fast path: a plain lower-case ASCII word (the bulk of any text).
  if (SIMPLE_WORD_RE.test(raw)) return { whole: null, parts: keepPart(raw) ? [raw] : [] };
  const seen = new Set<string>();
  const add = (t: string) => {
    const f = foldText(t);
    if (keepPart(f)) seen.add(f);
  };
  const parts = raw.split(CONNECTOR_SPLIT_RE).filter(Boolean);
  const camel = parts.map(splitCamel);
  const isCompound = parts.length > 1 || camel.some((c) => c.length > 1);
  // The whole identifier is kept even if it is short, e.g. "e_fail"; it is never a stopword.
  let whole: string | null = isCompound ? foldText(raw) : null;
  if (whole !== null && whole.length > MAX_TOKEN_CHARS) whole = null;
  for (let i = 0; i < parts.length; i++) {
    add(parts[i]);
    if (camel[i].length > 1) for (const c of camel[i]) add(c);
    for (const b of cjkBigrams(foldText(parts[i]))) seen.add(b);
  }
  if (whole !== null) seen.delete(whole);
  return { whole, parts: [...seen] };
}

function* compounds(text: string): Generator<{ whole: string | null; parts: string[] }> {
  if (typeof text !== "string") throw new Error(`tokenize: expected a string, got ${typeof text}`);
  const norm = NON_ASCII_RE.test(text) ? text.normalize("NFKC") : text;
  for (const m of norm.matchAll(COMPOUND_RE)) yield compoundTokens(m[0]);
}

/**
 * Document tokens in order of appearance, with repeats (term frequency matters for BM25).
 * Each compound contributes its whole form plus its parts once per occurrence.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const c of compounds(text)) {
    if (c.whole !== null) out.push(c.whole);
    out.push(...c.parts);
  }
  return out;
}

/**
 * Query-side weight of a whole identifier relative to a plain word. A document that contains the exact
 * identifier the user typed (HDFS-1234) should outrank one that merely mentions its parts (hdfs, 1234)
 * often; BM25 alone does not guarantee that because the parts add up.
 */
export const IDENTIFIER_WEIGHT = 3;

export interface QueryTerm {
  term: string;
  /** Small positive integer: FTS5 repeats the phrase, Qdrant uses it as the sparse query value. */
  weight: number;
}

/** Distinct weighted query terms, most specific first so the cap drops plain words before identifiers. */
export function queryTerms(text: string, max = MAX_QUERY_TERMS): QueryTerm[] {
  const weights = new Map<string, number>();
  const order: string[] = [];
  const add = (t: string, w: number) => {
    const cur = weights.get(t);
    if (cur === undefined) order.push(t);
    weights.set(t, Math.max(cur ?? 0, w));
  };
  for (const c of compounds(text)) {
    if (c.whole !== null) add(c.whole, IDENTIFIER_WEIGHT);
    for (const p of c.parts) add(p, 1);
  }
  // Priority under the cap: whole identifiers, then tokens with digits (codes, versions), then words.
  const tier = (t: string) => ((weights.get(t) ?? 1) > 1 ? 0 : /\p{N}/u.test(t) ? 1 : 2);
  const ordered = [0, 1, 2].flatMap((k) => order.filter((t) => tier(t) === k));
  return ordered.slice(0, Math.max(0, max)).map((term) => ({ term, weight: weights.get(term) ?? 1 }));
}

/**
 * A safe FTS5 MATCH expression for free text: every term double-quoted (so FTS5 syntax characters
 * and keywords like AND/NOT/NEAR in user input are inert) and OR-ed. Returns null when the text has
 * no searchable terms (empty, only punctuation or stopwords); callers then return no hits.
 */
export function ftsMatchExpression(text: string, max = MAX_QUERY_TERMS): string | null {
  return ftsMatchOf(queryTerms(text, max));
}

/** The FTS5 MATCH expression for already chosen terms (null when there are none); see ftsMatchExpression. */
export function ftsMatchOf(terms: QueryTerm[]): string | null {
  if (terms.length === 0) return null;
  // Our tokens never contain '"', but escape anyway so the quoting is correct by construction.
  // FTS5's bm25() sums over the query's phrases, so repeating a phrase w times weights it w times.
  const phrases: string[] = [];
  for (const { term, weight } of terms) {
    const quoted = `"${term.replace(/"/g, '""')}"`;
    for (let i = 0; i < weight; i++) phrases.push(quoted);
  }
  return phrases.join(" OR ");
}

/** The string stored in an FTS5 column: our tokens space-joined (FTS5 then splits on the spaces only). */
export function ftsDocument(text: string): string {
  return tokenize(text).join(" ");
}
