// Term matching with offsets for snippets and "why" explanations. Tokens are exactly the keyword
// index's (lib/vector/tokenize: whole identifiers plus their ./_/-/$ and camelCase parts, folded), but
// here every token keeps its [start, end) span in the ORIGINAL text so the UI can mark it.
import type { Highlight, Snippet } from "@/lib/domain/views";
import { foldText, queryTerms } from "@/lib/vector/tokenize";

const COMPOUND_RE = /[\p{L}\p{N}\p{M}]+(?:[._\-$][\p{L}\p{N}\p{M}]+)*/gu;
const PART_RE = /[^._\-$]+/gu;
const CONNECTOR_RE = /[._\-$]/;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const LOWER_OR_DIGIT = /[\p{Ll}\p{N}]/u;

export interface TokenSpan {
  start: number;
  end: number;
  /** Folded token (same as tokenize() would produce). */
  term: string;
  /** True for the whole identifier of a compound, false for one of its parts. */
  whole: boolean;
}

/** An upper-case letter after the first character: without one a part has no camelCase split point. */
const INNER_UPPER = /[\s\S]\p{Lu}/u;

/** camelCase split points inside `s` (indices where a new part starts). */
function camelBoundaries(s: string): number[] {
  if (!INNER_UPPER.test(s)) return []; // most parts: lower-case or Capitalised words
  const chars = [...s];
  const out: number[] = [];
  let offset = 0;
  const offs: number[] = [];
  for (const c of chars) {
    offs.push(offset);
    offset += c.length;
  }
  for (let j = 1; j < chars.length; j++) {
    const prev = chars[j - 1]!;
    const cur = chars[j]!;
    const next = chars[j + 1];
    if ((LOWER_OR_DIGIT.test(prev) && UPPER.test(cur)) || (UPPER.test(prev) && UPPER.test(cur) && next !== undefined && LOWER.test(next))) {
      out.push(offs[j]!);
    }
  }
  return out;
}

/** Every token occurrence in `text` with its span: wholes of compounds, connector parts, camel parts. */
export function tokenSpans(text: string): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (const m of text.matchAll(COMPOUND_RE)) {
    const raw = m[0];
    const base = m.index!;
    // Fast path for a plain word (no connector, no camelCase split): one span, the whole token.
    if (!CONNECTOR_RE.test(raw) && !INNER_UPPER.test(raw)) {
      out.push({ start: base, end: base + raw.length, term: foldText(raw), whole: true });
      continue;
    }
    const parts = [...raw.matchAll(PART_RE)];
    const camel = parts.map((p) => camelBoundaries(p[0]));
    const isCompound = parts.length > 1 || camel.some((c) => c.length > 0);
    if (isCompound) out.push({ start: base, end: base + raw.length, term: foldText(raw), whole: true });
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const ps = base + p.index!;
      out.push({ start: ps, end: ps + p[0].length, term: foldText(p[0]), whole: !isCompound });
      const cuts = camel[i]!;
      if (cuts.length > 0) {
        const bounds = [0, ...cuts, p[0].length];
        for (let j = 0; j + 1 < bounds.length; j++) {
          out.push({ start: ps + bounds[j]!, end: ps + bounds[j + 1]!, term: foldText(p[0].slice(bounds[j], bounds[j + 1])), whole: false });
        }
      }
    }
  }
  return out;
}

/** Non-overlapping highlights of the tokens in `terms` (a matching whole identifier wins over its parts). */
export function highlightTerms(text: string, terms: Set<string>, spans: TokenSpan[] = tokenSpans(text)): Highlight[] {
  const hits = spans.filter((s) => terms.has(s.term));
  // Longest first so a matching compound swallows its parts; then keep non-overlapping. A long log can repeat a
  // term thousands of times, so overlap is tested against a mask of the characters already taken rather than
  // against every kept highlight. The mask spans only the hits (explanations highlight one term at a time in
  // long texts, mostly with few or no hits).
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  let from = Infinity;
  let to = 0;
  for (const h of hits) {
    from = Math.min(from, h.start);
    to = Math.max(to, h.end);
  }
  const covered = new Uint8Array(Math.max(0, to - from));
  const taken: Highlight[] = [];
  for (const h of hits) {
    if (covered.subarray(h.start - from, h.end - from).includes(1)) continue;
    covered.fill(1, h.start - from, h.end - from);
    taken.push({ start: h.start, end: h.end });
  }
  return taken.sort((a, b) => a.start - b.start);
}

/** Highlights of one term only. */
export function highlightTerm(text: string, term: string, spans?: TokenSpan[]): Highlight[] {
  return highlightTerms(text, new Set([term]), spans);
}

/** Query terms as the keyword index sees them. */
export function termsOf(query: string): Set<string> {
  return new Set(queryTerms(query).map((t) => t.term));
}

const WS = /\s/;

/**
 * Counts the highlights inside [s, e]. Disjoint highlights (what highlightTerms gives) sorted by start have their
 * ends sorted too, so a count is two binary searches (offsets are integers: "end <= e" is "end < e + 1"), and a
 * snippet of a long log with thousands of highlights stays linear. Overlapping ones are counted one by one.
 */
function highlightCounter(highlights: Highlight[]): (s: number, e: number) => number {
  const sorted = [...highlights].sort((a, b) => a.start - b.start);
  if (sorted.some((h, i) => i > 0 && h.start < sorted[i - 1]!.end)) {
    return (s, e) => highlights.filter((h) => h.start >= s && h.end <= e).length;
  }
  /** First index whose key is >= x (lower bound); key non-decreasing over `sorted`. */
  const firstAtLeast = (key: (h: Highlight) => number, x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(sorted[mid]!) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (s, e) => Math.max(0, firstAtLeast((h) => h.end, e + 1) - firstAtLeast((h) => h.start, s));
}

/**
 * A window of about `maxLen` characters of `text` containing as many highlights as possible, cut at
 * whitespace, with highlight offsets shifted into the window.
 */
export function makeSnippet(text: string, highlights: Highlight[], maxLen = 240): Snippet {
  if (text.length <= maxLen) {
    return { text, highlights, truncatedStart: false, truncatedEnd: false };
  }
  let bestStart = 0;
  let bestCount = -1;
  // Candidate windows start a little before each highlight (and at 0).
  const starts = [0, ...highlights.map((h) => Math.max(0, h.start - Math.floor(maxLen / 5)))];
  const inWindow = highlightCounter(highlights);
  for (const s of starts) {
    const count = inWindow(s, s + maxLen);
    if (count > bestCount) {
      bestCount = count;
      bestStart = s;
    }
  }
  let start = Math.min(bestStart, Math.max(0, text.length - maxLen));
  let end = Math.min(text.length, start + maxLen);
  // Snap to whitespace so words are not cut (never moving past a highlight).
  if (start > 0) {
    const firstHl = highlights.find((h) => h.end > start)?.start ?? end;
    let s = start;
    while (s < firstHl && s < end && !WS.test(text[s - 1]!)) s++;
    if (s < firstHl) start = s;
  }
  if (end < text.length) {
    const lastHl = [...highlights].reverse().find((h) => h.start < end)?.end ?? start;
    let e = end;
    while (e > lastHl && e > start && !WS.test(text[e]!)) e--;
    if (e > lastHl && e > start) end = e;
  }
  // Leading/trailing whitespace is dropped from the window.
  while (start < end && WS.test(text[start]!)) start++;
  while (end > start && WS.test(text[end - 1]!)) end--;
  const shifted = highlights
    .filter((h) => h.start >= start && h.end <= end)
    .map((h) => ({ start: h.start - start, end: h.end - start }));
  return { text: text.slice(start, end), highlights: shifted, truncatedStart: start > 0, truncatedEnd: end < text.length };
}
