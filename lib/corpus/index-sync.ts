// Keeping the live index in step with the database outside of a full reindex: encode the given
// reports, upsert them, and record which content the index now holds (Report.indexedHash).
import type { PrismaClient } from "@/lib/db/client";
import type { Encoder } from "@/lib/embedding/types";
import type { VectorIndex } from "@/lib/vector/types";
import { INDEXABLE_SELECT, toPoints, type IndexableReport } from "@/lib/corpus/vectors";
import type { Core } from "@/lib/core";

/** Marks `hash` as indexed for each report whose content is still `hash` (a concurrent edit wins). */
export async function markIndexed(prisma: PrismaClient, items: { id: number; hash: string }[]): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    await prisma.$transaction(
      items.slice(i, i + 200).map((it) =>
        prisma.report.updateMany({ where: { id: it.id, contentHash: it.hash }, data: { indexedHash: it.hash } }),
      ),
    );
  }
}

/** Encodes `reports`, upserts them and records what the index now holds. */
export async function indexReports(
  prisma: PrismaClient,
  reports: IndexableReport[],
  services: { encoder: Encoder; index: VectorIndex },
): Promise<number> {
  if (reports.length === 0) return 0;
  const { encoder, index } = services;
  const points = await toPoints(encoder, reports);
  await index.upsert(points);
  await markIndexed(prisma, reports.map((r) => ({ id: r.id, hash: r.contentHash })));
  return reports.length;
}

/** Ids of reports whose current content is not in the index (never indexed, or changed since). */
export async function staleReportIds(prisma: PrismaClient): Promise<number[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: number | bigint }[]>(
    `SELECT "id" FROM "Report" WHERE "indexedHash" IS NULL OR "indexedHash" <> "contentHash" ORDER BY "id"`,
  );
  return rows.map((r) => Number(r.id));
}

/** Encodes and upserts every stale report in batches. */
export async function indexStale(
  core: Core,
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => Promise<void> | void } = {},
): Promise<number> {
  const prisma = core.db;
  const ids = await staleReportIds(prisma);
  const batch = opts.batchSize ?? 64;
  const services = await core.query();
  let done = 0;
  await opts.onProgress?.(0, ids.length);
  for (let i = 0; i < ids.length; i += batch) {
    const rows = await prisma.report.findMany({ where: { id: { in: ids.slice(i, i + batch) } }, select: INDEXABLE_SELECT });
    await indexReports(prisma, rows, services);
    done += ids.slice(i, i + batch).length;
    await opts.onProgress?.(done, ids.length);
  }
  return ids.length;
}
