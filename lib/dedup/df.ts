// Corpus document frequencies for term salience in "why" explanations. Built lazily in the
// background (paged scan, yielding between pages) and rebuilt when the corpus grew or shrank by more
// than 5%; until the first build finishes, callers fall back to the candidate set's frequencies.
import type { PrismaClient } from "../db/client";
import { tokenize } from "../index/tokenize";

export interface CorpusDf {
  n: number;
  df: Map<string, number>;
  builtAt: number;
}

const g = globalThis as unknown as { __bugsiftDf?: { value: CorpusDf | null; building: Promise<void> | null; checkedAt: number } };
const state = () => (g.__bugsiftDf ??= { value: null, building: null, checkedAt: 0 });

const PAGE = 1000;
const RECHECK_MS = 60_000;

async function build(prisma: PrismaClient): Promise<CorpusDf> {
  const df = new Map<string, number>();
  let cursor = 0;
  let n = 0;
  for (;;) {
    const rows = await prisma.report.findMany({
      where: { id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, title: true, description: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;
    for (const r of rows) {
      n++;
      for (const t of new Set(tokenize(`${r.title}\n${r.description.slice(0, 20_000)}`))) df.set(t, (df.get(t) ?? 0) + 1);
    }
    await new Promise<void>((res) => setImmediate(res));
  }
  return { n, df, builtAt: Date.now() };
}

/** The current table, or null while the first build runs. Never blocks on a build. */
export function corpusDf(prisma: PrismaClient): CorpusDf | null {
  const s = state();
  const now = Date.now();
  if (!s.building && (s.value === null || now - s.checkedAt > RECHECK_MS)) {
    s.checkedAt = now;
    s.building = (async () => {
      const count = await prisma.report.count();
      if (s.value && Math.abs(count - s.value.n) <= 0.05 * s.value.n) return;
      s.value = await build(prisma);
    })()
      .catch((e) => console.error("[dedup] document frequency build failed:", (e as Error).message))
      .finally(() => {
        s.building = null;
      });
  }
  return s.value;
}

/** Awaits the running build, if any (tests, warm-up). */
export async function corpusDfReady(prisma: PrismaClient): Promise<CorpusDf | null> {
  corpusDf(prisma);
  await state().building;
  return state().value;
}
