// Reports like a stored one (/api/reports/[id]/similar): exactly the report page's "possible duplicates",
// i.e. the duplicate check of the report's own text with the ranking policy of lib/ranking/policy.ts
// (weighted dense + BM25 fusion, one candidate per duplicate cluster, the report's own cluster and the
// reports a triager ruled out left out, tiers from the product's thresholds).
import type { SimilarResponse } from "@/lib/domain/views";
import { NotFoundError } from "@/lib/domain/errors";
import type { Core } from "@/lib/core";
import { findDuplicates } from "@/lib/dedup/find";

export async function similarTo(core: Core, reportId: number, k = 10): Promise<SimilarResponse> {
  const report = await core.db.report.findUnique({ where: { id: reportId } });
  if (!report) throw new NotFoundError(`report ${reportId} not found`);
  const { candidates } = await findDuplicates(core, report, { reportId, k, product: report.product });
  return { reportId, similar: candidates.map((c) => ({ report: c.report, score: c.score, tier: c.tier })) };
}
