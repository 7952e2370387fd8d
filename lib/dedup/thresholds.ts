// Score thresholds that turn a cosine similarity into a tier. Stored per scope ("*" or a product) in
// DedupThreshold by calibration; a product without its own row uses "*", and "*" without a row uses
// the built-in defaults (conservative values for sentence-embedding cosines).
import type { DedupThreshold, PrismaClient } from "@/lib/db/client";
import type { ThresholdDto } from "@/lib/domain/views";
import type { Tier } from "@/lib/domain/types";
import type { Core } from "@/lib/core";

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
const THRESHOLDS = Symbol.for("bugsift.dedup.thresholds"); // shared by every copy of this module (see clusters.ts)
const cache = (core: Core) => core.state<{ entry?: { at: number; rows: DedupThreshold[] } }>(THRESHOLDS, () => ({}));

export function invalidateThresholds(core: Core): void {
  cache(core).entry = undefined;
}

async function rowsCached(core: Core): Promise<DedupThreshold[]> {
  const c = cache(core);
  if (c.entry && Date.now() - c.entry.at < TTL_MS) return c.entry.rows;
  const rows = await core.db.dedupThreshold.findMany();
  c.entry = { at: Date.now(), rows };
  return rows;
}

/** Thresholds for `product` (its own row, else "*", else defaults). */
export async function thresholdsFor(core: Core, product?: string | null): Promise<Thresholds> {
  const rows = await rowsCached(core);
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
