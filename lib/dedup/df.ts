// Corpus document frequencies for term salience in "why" explanations. Built lazily in the
// background (paged scan, yielding between pages) and rebuilt when the corpus grew or shrank by more
// than 5%; until the first build finishes, callers fall back to the candidate set's frequencies.
import type { PrismaClient } from "@/lib/db/client";
import { tokenize } from "@/lib/vector/tokenize";
import type { Core } from "@/lib/core";

export interface CorpusDf {
  /** Reports the frequencies were counted over (a sample of a large corpus). */
  n: number;
  /** Corpus size when built. */
  total: number;
  df: Map<string, number>;
  builtAt: number;
}

interface DfState {
  value: CorpusDf | null;
  building: Promise<void> | null;
  checkedAt: number;
}
const DF = Symbol.for("bugsift.dedup.df"); // shared by every copy of this module (see clusters.ts)
const state = (core: Core) => core.state<DfState>(DF, () => ({ value: null, building: null, checkedAt: 0 }));

const PAGE = 1000;
const RECHECK_MS = 60_000;

/** Reports scanned at most: frequencies from an evenly spread sample rank terms just as well. */
const MAX_SAMPLE = 20_000;

async function build(prisma: PrismaClient): Promise<CorpusDf> {
  const df = new Map<string, number>();
  const total = await prisma.report.count();
  const agg = await prisma.report.aggregate({ _min: { id: true }, _max: { id: true } });
  const lo = agg._min.id ?? 0;
  const hi = agg._max.id ?? 0;
  // Full scan for small corpora; otherwise MAX_SAMPLE / PAGE windows spread over the id range.
  const windows = total <= MAX_SAMPLE ? [{ from: lo - 1, pages: Infinity }] : Array.from({ length: MAX_SAMPLE / PAGE }, (_, i) => ({
    from: lo - 1 + Math.floor(((hi - lo + 1) * i) / (MAX_SAMPLE / PAGE)),
    pages: 1,
  }));
  let n = 0;
  for (const w of windows) {
    let cursor = w.from;
    for (let page = 0; page < w.pages; page++) {
      const rows = await prisma.report.findMany({
        where: { id: { gt: cursor } },
        orderBy: { id: "asc" },
        take: PAGE,
        select: { id: true, title: true, description: true },
      });
      if (rows.length === 0) break;
      cursor = rows[rows.length - 1]!.id;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        n++;
        for (const t of new Set(tokenize(`${r.title}\n${r.description.slice(0, 4000)}`))) df.set(t, (df.get(t) ?? 0) + 1);
        // Keep request latency low while the table builds in the server process.
        if (i % 200 === 199) await new Promise<void>((res) => setImmediate(res));
      }
    }
  }
  return { n, total, df, builtAt: Date.now() };
}

/** The current table (n = reports sampled), or null while the first build runs. Never blocks on a build. */
export function corpusDf(core: Core): CorpusDf | null {
  const prisma = core.db;
  const s = state(core);
  const now = Date.now();
  if (!s.building && (s.value === null || now - s.checkedAt > RECHECK_MS)) {
    s.checkedAt = now;
    s.building = (async () => {
      const count = await prisma.report.count();
      if (s.value && Math.abs(count - s.value.total) <= 0.05 * s.value.total) return;
      s.value = await build(prisma);
    })()
      .catch((e) => console.error("[dedup] document frequency build failed:", (e as Error).message))
      .finally(() => {
        s.building = null;
      });
  }
  return s.value;
}

