// Batches for in-batch-negative losses. Two examples about the same report (or the same duplicate group) in one
// batch would make a true duplicate count as a negative, so each example carries group keys and a batch never
// holds two examples sharing a key (SBERT's NoDuplicatesBatchSampler, keyed by group instead of text).
import { shuffle } from "@/lib/offline/train/tensor";

export interface Keyed {
  /** Reports / duplicate groups this example is about. */
  groups?: readonly (string | number)[];
}

/**
 * Shuffle and cut into batches of at most `batchSize`, no two examples of a batch sharing a group key.
 * Examples that do not fit are deferred to a later batch; a final batch smaller than 2 is dropped when
 * `minSize` (default 2) requires it.
 */
export function noDuplicateBatches<T extends Keyed>(items: readonly T[], batchSize: number, rand: () => number, minSize = 2): T[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  let remaining = shuffle(items.slice(), rand);
  const batches: T[][] = [];
  while (remaining.length) {
    const batch: T[] = [];
    const used = new Set<string | number>();
    const deferred: T[] = [];
    for (const it of remaining) {
      if (batch.length < batchSize && !(it.groups ?? []).some((g) => used.has(g))) {
        batch.push(it);
        for (const g of it.groups ?? []) used.add(g);
      } else {
        deferred.push(it);
      }
    }
    if (batch.length >= minSize) batches.push(batch);
    else if (batch.length < minSize && deferred.length === 0) break;
    remaining = deferred;
  }
  return batches;
}
