// Nearest neighbours of a stored report by its stored vector (no re-encoding unless the report was
// never indexed).
import type { PrismaClient } from "@/lib/db/client";
import type { SimilarResponse } from "@/lib/domain/views";
import { NotFoundError } from "@/lib/domain/errors";
import { queryServices } from "@/lib/core";
import { toSummary } from "@/lib/corpus/rows";
import { embeddingText, hasDirection } from "@/lib/corpus/vectors";
import { thresholdsFor, tierOf } from "@/lib/dedup/thresholds";

export async function similarTo(prisma: PrismaClient, reportId: number, k = 10): Promise<SimilarResponse> {
  const report = await prisma.report.findUnique({ where: { id: reportId } });
  if (!report) throw new NotFoundError(`report ${reportId} not found`);
  const { encoder, index } = await queryServices();
  let vector = (await index.get(reportId))?.vector;
  if (!vector || report.indexedHash !== report.contentHash) {
    [vector] = await encoder.encode([embeddingText(report)]);
  }
  // Not indexed yet and the model maps its text to the zero vector: it has no neighbours.
  const hits = hasDirection(vector) ? await index.search(vector, k, { excludeIds: [reportId] }) : [];
  const rows = await prisma.report.findMany({ where: { id: { in: hits.map((h) => h.id) } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const t = await thresholdsFor(prisma, report.product);
  return {
    reportId,
    similar: hits
      .filter((h) => byId.has(h.id))
      .map((h) => ({ report: toSummary(byId.get(h.id)!), score: h.score, tier: tierOf(h.score, t) })),
  };
}
