// Why a candidate was suggested: equal fields, shared rare terms (with offsets on both sides), and shared
// normalised stack frames. Only what carries the match is shown: a term must be rare in the corpus (inverse
// document frequency from lib/dedup/df.ts; a word in more than RARE_FRACTION of the reports — "files",
// "opens" — explains nothing), and the product name is never a reason (most candidates share it: the check
// is usually scoped to one product), neither as a field nor as a term. Salience = IDF times a bonus for
// identifier-like terms and for terms in a title.
import type { Highlight, TermMatch, Why } from "@/lib/domain/views";
import { buildReportText } from "@/lib/embedding/report-text";
import { highlightTerm, tokenSpans, type TokenSpan } from "@/lib/search/highlight";

export interface ExplainSide {
  title: string;
  description: string;
  product?: string | null;
  component?: string | null;
  version?: string | null;
  platform?: string | null;
}

/** Pre-tokenised side (so each text is scanned once per request). */
export interface PreparedSide {
  side: ExplainSide;
  titleSpans: TokenSpan[];
  descSpans: TokenSpan[];
  terms: Set<string>;
  frames: string[];
  /** The spans of each term in the title and the description: highlighting one term is linear in its occurrences, not in the text. */
  spansByTerm: { title: Map<string, TokenSpan[]>; description: Map<string, TokenSpan[]> };
}

const MAX_TERMS = 12;
/** A term in more than this share of the corpus's reports is too common to explain a match. */
export const RARE_FRACTION = 0.05;
/** Below this many documents the frequencies come from the candidate set, where "rare" cannot mean 5%. */
const MIN_CORPUS_FOR_RARITY = 100;
const MAX_FRAMES = 10;
/** Generic words that are frequent in bug reports and explain nothing. */
const GENERIC = new Set(
  (
    "a an and are as at be but by for from has have if in into is it its of on or that the their then there these this to was were " +
    "when which will with i we you he she they not no can could would should do does did been being so than too very just also my " +
    "our your me us all any some what where who how why about again after before up down out over only still even every each other " +
    "same new now one two get gets got getting keep keeps kept make makes made use uses used using see seen like just " +
    "bug issue error problem fix fixed fails failed failing fail work works working worked happen happens happened instead " +
    "app application time times ask asks asked click clicks clicked show shows showed says said try tried trying want wants"
  ).split(" "),
);

function byTerm(spans: TokenSpan[]): Map<string, TokenSpan[]> {
  const out = new Map<string, TokenSpan[]>();
  for (const s of spans) {
    const list = out.get(s.term);
    if (list) list.push(s);
    else out.set(s.term, [s]);
  }
  return out;
}

export function prepareSide(side: ExplainSide): PreparedSide {
  const titleSpans = tokenSpans(side.title);
  const descSpans = tokenSpans(side.description);
  const spansByTerm = { title: byTerm(titleSpans), description: byTerm(descSpans) };
  const terms = new Set<string>();
  for (const t of [...spansByTerm.title.keys(), ...spansByTerm.description.keys()]) {
    if (t.length >= 2 && !GENERIC.has(t) && !/^\d{1,2}$/.test(t)) terms.add(t);
  }
  return { side, titleSpans, descSpans, terms, frames: buildReportText(side).frames, spansByTerm };
}

function isIdentifier(term: string): boolean {
  return /[._\-$]/.test(term) || (/\p{N}/u.test(term) && /\p{L}/u.test(term));
}

/** Document frequency of each term over a set of prepared sides (the candidates of one query). */
export function documentFrequency(sides: PreparedSide[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const s of sides) for (const t of s.terms) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

function stopwordLike(term: string): boolean {
  return term.length < 3 && !/\p{N}/u.test(term);
}

function offsets(p: PreparedSide, term: string): { title: Highlight[]; description: Highlight[] } {
  return {
    title: highlightTerm(p.side.title, term, p.spansByTerm.title.get(term) ?? []),
    description: highlightTerm(p.side.description, term, p.spansByTerm.description.get(term) ?? []),
  };
}

/**
 * `df`/`n`: document frequencies and corpus size (the corpus table from df.ts when built, else the
 * candidate set's).
 */
export function explain(left: PreparedSide, right: PreparedSide, df: Map<string, number>, n: number): Why {
  const fields: Why["fields"] = [];
  for (const f of ["component", "version", "platform"] as const) {
    const a = left.side[f]?.trim();
    const b = right.side[f]?.trim();
    if (a && b && a.toLowerCase() === b.toLowerCase()) fields.push({ field: f, value: b });
  }
  const productWords = new Set([left.side.product, right.side.product].flatMap((p) => (p ? tokenSpans(p).map((x) => x.term) : [])));
  const maxDf = n >= MIN_CORPUS_FOR_RARITY ? Math.max(1, RARE_FRACTION * n) : Math.max(1, n / 2);
  const shared = [...left.terms].filter(
    (t) => right.terms.has(t) && !stopwordLike(t) && !productWords.has(t) && (df.get(t) ?? 0) <= maxDf,
  );
  const weighted = shared
    .map((t) => {
      const idf = Math.log(1 + (n + 1) / (1 + (df.get(t) ?? 0)));
      const inTitle = right.spansByTerm.title.has(t) || left.spansByTerm.title.has(t);
      return { t, w: idf * (isIdentifier(t) ? 2 : 1) * (inTitle ? 1.5 : 1) * Math.min(1, t.length / 4) };
    })
    .sort((a, b) => b.w - a.w || a.t.localeCompare(b.t));
  // A compound and its parts are redundant: skip a part when its whole identifier is already listed.
  const terms: TermMatch[] = [];
  for (const { t } of weighted) {
    if (terms.length >= MAX_TERMS) break;
    if (terms.some((x) => x.term.includes(t) && isIdentifier(x.term))) continue;
    terms.push({ term: t, left: offsets(left, t), right: offsets(right, t) });
  }
  const rightFrames = new Set(right.frames);
  const frames = [...new Set(left.frames.filter((f) => rightFrames.has(f)))].slice(0, MAX_FRAMES);
  return { fields, terms, frames };
}
