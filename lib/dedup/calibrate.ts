// Threshold calibration from the triage record, for one model (its vectors in the live index: cosines of
// different models are not comparable, so every model gets its own thresholds; a reindex calibrates the
// model it switches to before the model serves). Positives: confirmed duplicate pairs (links that a
// later not_duplicate verdict did not overrule). Negatives: not_duplicate verdicts, plus "hard"
// negatives (the nearest neighbours of clustered reports that are outside their cluster — what the
// duplicate check would wrongly show) and random pairs. Scores are cosines of stored vectors.
// "likely" = the threshold with the best F1 (or the lowest one reaching a target precision);
// "related" = the score that keeps 95% of confirmed duplicates (below "likely").

import type { CalibrateResponse } from "@/lib/domain/views";
import { pairKey } from "@/lib/corpus/rows";
import { currentVerdicts } from "@/lib/dedup/verdicts";
import { allClusters } from "@/lib/dedup/clusters";
import { invalidateThresholds, listThresholds } from "@/lib/dedup/thresholds";
import { mulberry32 } from "@/lib/random";
import type { Core } from "@/lib/core";
import type { VectorIndex } from "@/lib/vector/types";
import { dot } from "@/lib/math";

/** The lowest score a tier may start at: a cosine this small is no evidence of anything. */
export const MIN_TIER_SCORE = 0.1;

export interface CalibrateOptions {
  targetPrecision?: number;
  /** Random negative pairs to sample (default: max(200, 2 x positives), at most 5000). */
  negatives?: number;
  /** Minimum positives for the "*" scope / a product scope. */
  minPositives?: number;
  minProductPositives?: number;
  /** Seed for the random pair sampler (deterministic calibration). */
  seed?: number;
}

export interface LabelledScore {
  score: number;
  positive: boolean;
}

export interface ThresholdChoice {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Best threshold over labelled scores: max F1, or the lowest reaching targetPrecision. */
export function chooseThreshold(items: LabelledScore[], targetPrecision?: number): ThresholdChoice | null {
  const P = items.filter((i) => i.positive).length;
  if (P === 0) return null;
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let tp = 0;
  let fp = 0;
  let bestF1: ThresholdChoice | null = null;
  let bestTarget: ThresholdChoice | null = null;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.positive) tp++;
    else fp++;
    // Only cut between distinct scores (predict positive iff score >= threshold).
    if (i + 1 < sorted.length && sorted[i + 1]!.score === sorted[i]!.score) continue;
    const precision = tp / (tp + fp);
    const recall = tp / P;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const c = { threshold: sorted[i]!.score, precision, recall, f1 };
    if (!bestF1 || f1 > bestF1.f1) bestF1 = c;
    if (targetPrecision !== undefined && precision >= targetPrecision) bestTarget = c; // lower threshold, more recall
  }
  return targetPrecision !== undefined && bestTarget ? bestTarget : bestF1;
}

/** Precision and recall of "score >= threshold" as a duplicate prediction over labelled scores. */
export function ratesAt(items: LabelledScore[], threshold: number): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (const i of items) {
    if (i.positive) positives++;
    if (i.score < threshold) continue;
    if (i.positive) tp++;
    else fp++;
  }
  return { precision: tp + fp ? tp / (tp + fp) : 0, recall: positives ? tp / positives : 0 };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Calibrates the serving model on the live index. */
export async function calibrateThresholds(core: Core, opts: CalibrateOptions = {}): Promise<CalibrateResponse> {
  const { index, model } = await core.query();
  return calibrateModel(core, index, model.name, opts);
}

/**
 * Calibrates `model`, whose vectors `index` holds (the reindex passes its freshly committed generation before
 * activating the model), and replaces the model's stored thresholds with the result.
 */
export async function calibrateModel(
  core: Core,
  index: Pick<VectorIndex, "get" | "search" | "ids">,
  model: string,
  opts: CalibrateOptions = {},
): Promise<CalibrateResponse> {
  const prisma = core.db;
  const minPos = opts.minPositives ?? 5;
  const minProductPos = opts.minProductPositives ?? 20;
  const rand = mulberry32(opts.seed ?? 1234);

  const vectors = new Map<number, Float32Array | null>();
  const vec = async (id: number) => {
    if (!vectors.has(id)) vectors.set(id, (await index.get(id))?.vector ?? null);
    return vectors.get(id)!;
  };
  const products = new Map<number, string | null>();
  const productOf = async (ids: number[]) => {
    const missing = ids.filter((i) => !products.has(i));
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await prisma.report.findMany({ where: { id: { in: missing.slice(i, i + 500) } }, select: { id: true, product: true } });
      for (const r of rows) products.set(r.id, r.product);
    }
  };

  const { byId: clusterOf, groups } = await allClusters(core);
  const sameCluster = (a: number, b: number) => {
    const ca = clusterOf.get(a);
    return ca !== undefined && ca === clusterOf.get(b);
  };

  // Positives: every pair inside a cluster that a link connects (the link graph's edges).
  const pairs = new Map<string, { a: number; b: number; positive: boolean }>();
  const links = await prisma.duplicateLink.findMany({ select: { duplicateId: true, masterId: true } });
  for (const l of links) {
    if (sameCluster(l.duplicateId, l.masterId)) pairs.set(pairKey(l.duplicateId, l.masterId), { a: l.duplicateId, b: l.masterId, positive: true });
  }
  // Negatives 1: not_duplicate verdicts in force.
  const decided = await prisma.triageDecision.findMany({ where: { verdict: "not_duplicate" }, select: { reportId: true, otherId: true } });
  const verdicts = await currentVerdicts(prisma, [...new Set(decided.flatMap((d) => [d.reportId, d.otherId]))]);
  for (const [key, v] of verdicts) {
    if (v !== "not_duplicate") continue;
    const [a, b] = key.split(":").map(Number) as [number, number];
    pairs.set(key, { a, b, positive: false });
  }
  // Negatives 2: nearest non-cluster neighbours of clustered reports (sampled).
  const clustered = groups.flatMap((g) => g.members);
  for (let i = clustered.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [clustered[i], clustered[j]] = [clustered[j]!, clustered[i]!];
  }
  for (const id of clustered.slice(0, 300)) {
    const v = await vec(id);
    if (!v) continue;
    const hits = await index.search(v, 8, { excludeIds: [id] });
    let taken = 0;
    for (const h of hits) {
      if (taken >= 3) break;
      if (sameCluster(id, h.id)) continue;
      const key = pairKey(id, h.id);
      if (!pairs.has(key)) pairs.set(key, { a: id, b: h.id, positive: false });
      taken++;
    }
  }
  // Negatives 3: random pairs from different clusters.
  const positives = [...pairs.values()].filter((p) => p.positive).length;
  const nRandom = Math.min(opts.negatives ?? Math.max(200, 2 * positives), 5000);
  const allIds = await index.ids();
  for (let tries = 0, added = 0; added < nRandom && tries < nRandom * 5 && allIds.length > 1; tries++) {
    const a = allIds[Math.floor(rand() * allIds.length)]!;
    const b = allIds[Math.floor(rand() * allIds.length)]!;
    if (a === b || sameCluster(a, b)) continue;
    const key = pairKey(a, b);
    if (pairs.has(key)) continue;
    pairs.set(key, { a, b, positive: false });
    added++;
  }

  // Score every pair; group by scope.
  const list = [...pairs.values()];
  await productOf([...new Set(list.flatMap((p) => [p.a, p.b]))]);
  const scopes = new Map<string, LabelledScore[]>([["*", []]]);
  for (const p of list) {
    const va = await vec(p.a);
    const vb = await vec(p.b);
    if (!va || !vb || va.length !== vb.length) continue;
    const item = { score: dot(va, vb), positive: p.positive };
    scopes.get("*")!.push(item);
    const pa = products.get(p.a);
    if (pa && pa === products.get(p.b)) {
      if (!scopes.has(pa)) scopes.set(pa, []);
      scopes.get(pa)!.push(item);
    }
  }

  const details: CalibrateResponse["details"] = [];
  const rows: { scope: string; likely: number; related: number; likelyPrecision: number; likelyRecall: number; relatedPrecision: number; relatedRecall: number; positives: number; negatives: number }[] = [];
  for (const [scope, items] of scopes) {
    const pos = items.filter((i) => i.positive);
    const neg = items.length - pos.length;
    const need = scope === "*" ? minPos : minProductPos;
    if (pos.length < need || neg === 0) {
      if (scope === "*" || pos.length > 0) {
        details.push({
          scope,
          positives: pos.length,
          negatives: neg,
          f1: null,
          note: `not enough labelled pairs (${pos.length} confirmed duplicates, need ${need}); ${scope === "*" ? "defaults kept" : "uses the * thresholds"}`,
        });
      }
      continue;
    }
    const choice = chooseThreshold(items, opts.targetPrecision)!;
    const posScores = pos.map((p) => p.score).sort((a, b) => a - b);
    const p05 = posScores[Math.floor(0.05 * (posScores.length - 1))]!;
    // A weak model's duplicates can score near or below zero; a tier starting there would call every candidate
    // (even one with no vector at all, score 0) "related". Tiers start at MIN_TIER_SCORE at the lowest.
    const likely = round(Math.max(choice.threshold, MIN_TIER_SCORE + 0.05));
    let related = round(Math.max(MIN_TIER_SCORE, Math.min(p05, likely)));
    if (related >= likely) related = round(likely - 0.05);
    const atLikely = ratesAt(items, likely);
    const atRelated = ratesAt(items, related);
    rows.push({
      scope,
      likely,
      related,
      likelyPrecision: round(atLikely.precision),
      likelyRecall: round(atLikely.recall),
      relatedPrecision: round(atRelated.precision),
      relatedRecall: round(atRelated.recall),
      positives: pos.length,
      negatives: neg,
    });
    details.push({
      scope,
      positives: pos.length,
      negatives: neg,
      f1: round(choice.f1),
      ...(opts.targetPrecision !== undefined && choice.precision < opts.targetPrecision
        ? { note: `target precision ${opts.targetPrecision} not reachable; max-F1 threshold used` }
        : {}),
    });
  }
  // The model's rows are replaced as a whole: a product that no longer has enough pairs falls back to "*".
  const calibratedAt = new Date();
  await prisma.$transaction([
    prisma.tierCalibration.deleteMany({ where: { model } }),
    ...rows.map((r) => prisma.tierCalibration.create({ data: { model, ...r, calibratedAt } })),
  ]);
  invalidateThresholds(core);
  const serving = await core.servingModel();
  return { model, thresholds: await listThresholds(prisma, serving.name), details };
}
