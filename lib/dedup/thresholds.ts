// Score thresholds that turn a cosine similarity into a tier. Cosines of different models are not comparable
// (a static model and MiniLM spread duplicates over different ranges), so thresholds belong to a model:
// TierCalibration holds one row per (serving model, scope), scope "*" or a product, written by calibration
// (lib/dedup/calibrate.ts) from the labelled pairs on that model's vectors, which a reindex runs before a model
// serves. A product without its own row uses the model's "*" row; a model without rows uses the built-in
// defaults (conservative values for sentence-embedding cosines).
import type { PrismaClient, TierCalibration } from "@/lib/db/client";
import type { ThresholdDto } from "@/lib/domain/views";
import type { Tier } from "@/lib/domain/types";
import type { Core } from "@/lib/core";

export const DEFAULT_THRESHOLDS = { likely: 0.8, related: 0.6 } as const;

export interface Thresholds {
  /** The model the thresholds were calibrated for. */
  model: string;
  scope: string;
  likely: number;
  related: number;
  /** False when no calibration exists for the model (built-in defaults). */
  calibrated: boolean;
}

export function tierOf(score: number, t: Pick<Thresholds, "likely" | "related">): Tier {
  if (score >= t.likely) return "likely";
  if (score >= t.related) return "related";
  return "below";
}

// All rows are cached briefly: the table is tiny and read on every duplicate check.
const TTL_MS = 5000;
const THRESHOLDS = Symbol.for("bugsift.dedup.thresholds"); // shared by every copy of this module (see clusters.ts)
const cache = (core: Core) => core.state<{ entry?: { at: number; rows: TierCalibration[] } }>(THRESHOLDS, () => ({}));

export function invalidateThresholds(core: Core): void {
  cache(core).entry = undefined;
}

async function rowsCached(core: Core): Promise<TierCalibration[]> {
  const c = cache(core);
  if (c.entry && Date.now() - c.entry.at < TTL_MS) return c.entry.rows;
  const rows = await core.db.tierCalibration.findMany();
  c.entry = { at: Date.now(), rows };
  return rows;
}

/** Thresholds of `model` for `product`: the product's row, else the model's "*" row, else the defaults. */
export function pickThresholds(rows: TierCalibration[], model: string, product?: string | null): Thresholds {
  const mine = rows.filter((r) => r.model === model);
  const row = (product ? mine.find((r) => r.scope === product) : undefined) ?? mine.find((r) => r.scope === "*");
  return row
    ? { model, scope: row.scope, likely: row.likely, related: row.related, calibrated: true }
    : { model, scope: "*", ...DEFAULT_THRESHOLDS, calibrated: false };
}

/** Thresholds of the serving model for `product`. */
export async function thresholdsFor(core: Core, product?: string | null): Promise<Thresholds> {
  const { name } = await core.servingModel();
  return pickThresholds(await rowsCached(core), name, product);
}

export function toThresholdDto(r: TierCalibration, servingModel: string): ThresholdDto {
  return {
    model: r.model,
    serving: r.model === servingModel,
    scope: r.scope,
    likely: r.likely,
    related: r.related,
    likelyPrecision: r.likelyPrecision,
    likelyRecall: r.likelyRecall,
    relatedPrecision: r.relatedPrecision,
    relatedRecall: r.relatedRecall,
    positives: r.positives,
    negatives: r.negatives,
    calibratedAt: r.calibratedAt.toISOString(),
    isDefault: false,
  };
}

/**
 * Every calibration row, the serving model's first; the serving model's built-in defaults appear when it has
 * no "*" row (it was never calibrated).
 */
export async function listThresholds(prisma: PrismaClient, servingModel: string): Promise<ThresholdDto[]> {
  const rows = await prisma.tierCalibration.findMany({ orderBy: [{ model: "asc" }, { scope: "asc" }] });
  const out = rows.map((r) => toThresholdDto(r, servingModel)).sort((a, b) => Number(b.serving) - Number(a.serving));
  if (!rows.some((r) => r.model === servingModel && r.scope === "*")) {
    out.unshift({
      model: servingModel,
      serving: true,
      scope: "*",
      ...DEFAULT_THRESHOLDS,
      likelyPrecision: null,
      likelyRecall: null,
      relatedPrecision: null,
      relatedRecall: null,
      positives: 0,
      negatives: 0,
      calibratedAt: new Date(0).toISOString(),
      isDefault: true,
    });
  }
  return out;
}
