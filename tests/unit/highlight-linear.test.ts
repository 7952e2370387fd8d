// Highlighting is linear in the text (a pasted log repeats a term thousands of times): the mask of taken characters,
// the binary-searched snippet window, the plain-word fast path of tokenSpans and the per-term spans of an explained
// side must give exactly what the quadratic definitions below give. The definitions are the straightforward ones
// (every highlight against every kept one, every window counted by a scan), kept here as the specification.
import assert from "node:assert/strict";
import { test } from "node:test";
import { explain, prepareSide } from "@/lib/dedup/explain";
import type { Highlight, Snippet } from "@/lib/domain/views";
import { mulberry32 } from "@/lib/random";
import { highlightTerms, makeSnippet, tokenSpans, type TokenSpan } from "@/lib/search/highlight";
import { foldText } from "@/lib/vector/tokenize";

const COMPOUND_RE = /[\p{L}\p{N}\p{M}]+(?:[._\-$][\p{L}\p{N}\p{M}]+)*/gu;
const PART_RE = /[^._\-$]+/gu;

function camelSpec(s: string): number[] {
  const chars = [...s];
  const offs: number[] = [];
  let offset = 0;
  for (const c of chars) {
    offs.push(offset);
    offset += c.length;
  }
  const out: number[] = [];
  for (let j = 1; j < chars.length; j++) {
    const [prev, cur, next] = [chars[j - 1]!, chars[j]!, chars[j + 1]];
    if ((/[\p{Ll}\p{N}]/u.test(prev) && /\p{Lu}/u.test(cur)) || (/\p{Lu}/u.test(prev) && /\p{Lu}/u.test(cur) && next !== undefined && /\p{Ll}/u.test(next))) out.push(offs[j]!);
  }
  return out;
}

function tokenSpansSpec(text: string): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (const m of text.matchAll(COMPOUND_RE)) {
    const base = m.index!;
    const parts = [...m[0].matchAll(PART_RE)];
    const camel = parts.map((p) => camelSpec(p[0]));
    const isCompound = parts.length > 1 || camel.some((c) => c.length > 0);
    if (isCompound) out.push({ start: base, end: base + m[0].length, term: foldText(m[0]), whole: true });
    parts.forEach((p, i) => {
      const ps = base + p.index!;
      out.push({ start: ps, end: ps + p[0].length, term: foldText(p[0]), whole: !isCompound });
      const cuts = camel[i]!;
      if (cuts.length === 0) return;
      const bounds = [0, ...cuts, p[0].length];
      for (let j = 0; j + 1 < bounds.length; j++) out.push({ start: ps + bounds[j]!, end: ps + bounds[j + 1]!, term: foldText(p[0].slice(bounds[j], bounds[j + 1])), whole: false });
    });
  }
  return out;
}

function highlightSpec(text: string, terms: Set<string>): Highlight[] {
  const hits = tokenSpansSpec(text).filter((s) => terms.has(s.term));
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const taken: Highlight[] = [];
  for (const h of hits) if (!taken.some((t) => h.start < t.end && t.start < h.end)) taken.push({ start: h.start, end: h.end });
  return taken.sort((a, b) => a.start - b.start);
}

function makeSnippetSpec(text: string, highlights: Highlight[], maxLen: number): Snippet {
  if (text.length <= maxLen) return { text, highlights, truncatedStart: false, truncatedEnd: false };
  let bestStart = 0;
  let bestCount = -1;
  for (const s of [0, ...highlights.map((h) => Math.max(0, h.start - Math.floor(maxLen / 5)))]) {
    const count = highlights.filter((h) => h.start >= s && h.end <= s + maxLen).length;
    if (count > bestCount) [bestStart, bestCount] = [s, count];
  }
  let start = Math.min(bestStart, Math.max(0, text.length - maxLen));
  let end = Math.min(text.length, start + maxLen);
  if (start > 0) {
    const firstHl = highlights.find((h) => h.end > start)?.start ?? end;
    let s = start;
    while (s < firstHl && s < end && !/\s/.test(text[s - 1]!)) s++;
    if (s < firstHl) start = s;
  }
  if (end < text.length) {
    const lastHl = [...highlights].reverse().find((h) => h.start < end)?.end ?? start;
    let e = end;
    while (e > lastHl && e > start && !/\s/.test(text[e]!)) e--;
    if (e > lastHl && e > start) end = e;
  }
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const shifted = highlights.filter((h) => h.start >= start && h.end <= end).map((h) => ({ start: h.start - start, end: h.end - start }));
  return { text: text.slice(start, end), highlights: shifted, truncatedStart: start > 0, truncatedEnd: end < text.length };
}

const WORDS = [
  "disk", "Disk", "full", "NullPointerException", "HTTPServer", "parseXMLFile", "org.apache.hadoop.fs.Path", "hdfs-1234",
  "snake_case_name", "$ref", "v2.3.1", "x", "IO", "ABCDef", "café", "Straße", "ΣΊΣΥΦΟΣ", "déjàVu", "a.b", "42", "e2e",
  "getHTTPResponseCode", "at", "the", "java.lang.IllegalStateException", "__init__", "-", ".", "$",
];

function randomText(rand: () => number, words: number): string {
  const seps = [" ", " ", " ", "\n", "\t", ", ", "(", ")", ": ", "/"];
  let out = "";
  for (let i = 0; i < words; i++) out += WORDS[Math.floor(rand() * WORDS.length)]! + seps[Math.floor(rand() * seps.length)]!;
  return out;
}

test("tokenSpans and highlightTerms give what the quadratic definitions give, on texts with compounds, camelCase, accents and repeats", () => {
  const rand = mulberry32(7);
  for (let i = 0; i < 300; i++) {
    const text = randomText(rand, 1 + Math.floor(rand() * (i % 10 === 0 ? 3000 : 80)));
    const spans = tokenSpans(text);
    assert.deepEqual(spans, tokenSpansSpec(text), `tokenSpans of text ${i}`);
    const terms = new Set(spans.filter(() => rand() < 0.3).map((s) => s.term));
    assert.deepEqual(highlightTerms(text, terms), highlightSpec(text, terms), `highlightTerms of text ${i}`);
    assert.deepEqual(highlightTerms(text, terms, spans), highlightSpec(text, terms), `highlightTerms with given spans, text ${i}`);
  }
});

test("makeSnippet gives what the scan over every candidate window gives, for disjoint and overlapping highlights", () => {
  const rand = mulberry32(11);
  for (let i = 0; i < 300; i++) {
    const text = randomText(rand, 20 + Math.floor(rand() * 600));
    const terms = new Set(tokenSpans(text).filter(() => rand() < 0.2).map((s) => s.term));
    const maxLen = 40 + Math.floor(rand() * 300);
    const disjoint = highlightTerms(text, terms);
    // overlapping input (not what highlightTerms gives, but makeSnippet accepts any list) takes the plain count
    const overlapping = disjoint.flatMap((h) => (rand() < 0.2 ? [h, { start: h.start, end: Math.min(text.length, h.end + 3) }] : [h]));
    for (const hl of [disjoint, overlapping]) assert.deepEqual(makeSnippet(text, hl, maxLen), makeSnippetSpec(text, hl, maxLen), `snippet ${i}`);
  }
});

test("explain's offsets from per-term spans equal highlighting the whole text for that term", () => {
  const rand = mulberry32(3);
  for (let i = 0; i < 60; i++) {
    const a = { title: randomText(rand, 8), description: randomText(rand, 400) };
    const b = { title: randomText(rand, 8), description: randomText(rand, 400) };
    const why = explain(prepareSide(a), prepareSide(b), new Map(), 2);
    assert.ok(why.terms.length > 0, `pair ${i} shares terms`);
    for (const t of why.terms) {
      assert.deepEqual(t.left.description, highlightSpec(a.description, new Set([t.term])), `left ${t.term}`);
      assert.deepEqual(t.right.title, highlightSpec(b.title, new Set([t.term])), `right title ${t.term}`);
      assert.deepEqual(t.right.description, highlightSpec(b.description, new Set([t.term])), `right ${t.term}`);
    }
  }
});
