// Score thresholds that turn a cosine similarity into a tier. Stored per scope ("*" or a product) in
// DedupThreshold by calibration; a product without its own row uses "*", and "*" without a row uses
// the built-in defaults (conservative values for sentence-embedding cosines).
import type { DedupThreshold, PrismaClient } from "@/lib/db/client";
import type { ThresholdDto } from "@/lib/domain/views";
import type { Tier } from "@/lib/domain/types";

export const DEFAULT_THRESHOLDS = { likely: 0.8, related: 0.6 } as const;

export interface Thresholds {
  scope: string;
  likely: number;
  related: number;
}

export function tierOf(score: number, t: Pick<Thresholds, "likely" | "related">): Tier {
  if (score >= t.likely) return "likely";
  if (score >= t.related) return "related";
  return "below";
}

// All rows are cached briefly: the table is tiny and read on every duplicate check.
const TTL_MS = 5000;
const g = globalThis as unknown as { __bugsiftThresholds?: { at: number; rows: DedupThreshold[] } };

export function invalidateThresholds(): void {
  g.__bugsiftThresholds = undefined;
}

async function rowsCached(prisma: PrismaClient): Promise<DedupThreshold[]> {
  const c = g.__bugsiftThresholds;
  if (c && Date.now() - c.at < TTL_MS) return c.rows;
  const rows = await prisma.dedupThreshold.findMany();
  g.__bugsiftThresholds = { at: Date.now(), rows };
  return rows;
}

/** Thresholds for `product` (its own row, else "*", else defaults). */
export async function thresholdsFor(prisma: PrismaClient, product?: string | null): Promise<Thresholds> {
  const rows = await rowsCached(prisma);
  const row = (product ? rows.find((r) => r.scope === product) : undefined) ?? rows.find((r) => r.scope === "*");
  return row ? { scope: row.scope, likely: row.likely, related: row.related } : { scope: "*", ...DEFAULT_THRESHOLDS };
}

export function toThresholdDto(r: DedupThreshold): ThresholdDto {
  return {
    scope: r.scope,
    likely: r.likely,
    related: r.related,
    precision: r.precision,
    recall: r.recall,
    support: r.support,
    calibratedAt: r.calibratedAt.toISOString(),
    isDefault: false,
  };
}

/** Every stored threshold row; the built-in default appears when "*" has none. */
export async function listThresholds(prisma: PrismaClient): Promise<ThresholdDto[]> {
  const rows = await prisma.dedupThreshold.findMany({ orderBy: { scope: "asc" } });
  const out = rows.map(toThresholdDto);
  if (!rows.some((r) => r.scope === "*")) {
    out.unshift({
      scope: "*",
      ...DEFAULT_THRESHOLDS,
      precision: null,
      recall: null,
      support: 0,
      calibratedAt: new Date(0).toISOString(),
      isDefault: true,
    });
  }
  return out;
}
