import { Fragment } from "react";

export type Range = readonly [number, number] | { start: number; end: number };

function norm(r: Range): [number, number] {
  return Array.isArray(r) ? [r[0], r[1]] : [(r as { start: number }).start, (r as { end: number }).end];
}

/**
 * Renders untrusted text with <mark> around [start, end) character ranges. Only React text
 * nodes are produced (no HTML parsing), so report content can never inject markup.
 * Overlapping or out-of-range offsets are clipped and merged instead of throwing.
 */
export function Highlight({ text, ranges }: { text: string; ranges?: readonly Range[] | null }) {
  if (!ranges || ranges.length === 0) return <>{text}</>;
  const sorted = ranges
    .map(norm)
    .map(([s, e]) => [Math.max(0, Math.min(s, text.length)), Math.max(0, Math.min(e, text.length))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const parts: React.ReactNode[] = [];
  let pos = 0;
  merged.forEach(([s, e], i) => {
    if (s > pos) parts.push(<Fragment key={`t${i}`}>{text.slice(pos, s)}</Fragment>);
    parts.push(<mark key={`m${i}`}>{text.slice(s, e)}</mark>);
    pos = e;
  });
  if (pos < text.length) parts.push(<Fragment key="tail">{text.slice(pos)}</Fragment>);
  return <>{parts}</>;
}

/**
 * Highlights whole-word, case-insensitive occurrences of `terms` in `text` — for places where
 * the API gives matched terms but no offsets (e.g. the draft the user is typing).
 */
export function termRanges(text: string, terms: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const lower = text.toLowerCase();
  for (const raw of terms) {
    const t = raw.toLowerCase().trim();
    if (t.length < 2) continue;
    let i = lower.indexOf(t);
    while (i !== -1) {
      const before = i === 0 ? "" : lower[i - 1];
      const after = lower[i + t.length] ?? "";
      if (!/[a-z0-9_]/.test(before) && !/[a-z0-9_]/.test(after)) out.push([i, i + t.length]);
      i = lower.indexOf(t, i + t.length);
    }
  }
  return out;
}
