// The verdict in force for a pair is the newest TriageDecision on that unordered pair that was not reverted.
import type { PrismaClient, TriageDecision } from "@/lib/db/client";
import type { Verdict } from "@/lib/domain/types";
import { pairKey } from "@/lib/corpus/rows";

const CHUNK = 500;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Decisions in force touching any of `ids` (reverted ones left out), oldest first. */
export async function decisionsTouching(prisma: PrismaClient, ids: number[]): Promise<TriageDecision[]> {
  const rows: TriageDecision[] = [];
  for (const part of chunks([...new Set(ids)])) {
    rows.push(
      ...(await prisma.triageDecision.findMany({
        where: { OR: [{ reportId: { in: part } }, { otherId: { in: part } }], revert: null },
      })),
    );
  }
  return oldestFirst(rows);
}

/** The decisions with these ids, oldest first (for callers that found the ids in a statement of their own). */
export async function decisionsByIds(prisma: PrismaClient, ids: number[]): Promise<TriageDecision[]> {
  const rows: TriageDecision[] = [];
  for (const part of chunks([...new Set(ids)])) rows.push(...(await prisma.triageDecision.findMany({ where: { id: { in: part } } })));
  return oldestFirst(rows);
}

function oldestFirst(rows: TriageDecision[]): TriageDecision[] {
  const seen = new Set<number>();
  return rows
    .filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

/** Newest decision per unordered pair among `decisions`. */
export function latestByPair(decisions: TriageDecision[]): Map<string, TriageDecision> {
  const out = new Map<string, TriageDecision>();
  for (const d of decisions) {
    const k = pairKey(d.reportId, d.otherId);
    const cur = out.get(k);
    if (!cur || d.createdAt.getTime() > cur.createdAt.getTime() || (d.createdAt.getTime() === cur.createdAt.getTime() && d.id > cur.id)) {
      out.set(k, d);
    }
  }
  return out;
}

/** Current verdict per pair for every pair touching `ids`. */
export async function currentVerdicts(prisma: PrismaClient, ids: number[]): Promise<Map<string, Verdict>> {
  const latest = latestByPair(await decisionsTouching(prisma, ids));
  return new Map([...latest].map(([k, d]) => [k, d.verdict as Verdict]));
}
