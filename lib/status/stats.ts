// Corpus statistics for the admin page: reports, duplicate links, decisions, index, model, thresholds, jobs.
import type { PrismaClient } from "@/lib/db/client";
import type { Core } from "@/lib/core";
import { generationOf } from "@/lib/vector/generation";
import { byCount } from "@/lib/reports/facets";
import type { FacetValue, StatsResponse } from "@/lib/domain/views";
import { allClusters } from "@/lib/dedup/clusters";
import { listThresholds } from "@/lib/dedup/thresholds";
import { toJobDto, recoverStaleJobs } from "@/lib/jobs/store";
import { staleReportIds } from "@/lib/corpus/index-sync";

async function groupCount(prisma: PrismaClient, by: "source" | "product"): Promise<FacetValue[]> {
  const rows = await prisma.report.groupBy({ by: [by], _count: { _all: true } });
  return rows.map((r) => ({ value: (r[by] as string | null) ?? "(none)", count: r._count._all })).sort(byCount);
}

export async function stats(core: Core): Promise<StatsResponse> {
  const prisma = core.db;
  await recoverStaleJobs(prisma, core.config.staleJobMs);
  const [total, stale, bySource, byProduct, links, byOrigin, decisions, byVerdict, thresholds, running, last] = await Promise.all([
    prisma.report.count(),
    staleReportIds(prisma),
    groupCount(prisma, "source"),
    groupCount(prisma, "product"),
    prisma.duplicateLink.count(),
    prisma.duplicateLink.groupBy({ by: ["origin"], _count: { _all: true } }),
    prisma.triageDecision.count(),
    prisma.triageDecision.groupBy({ by: ["verdict"], _count: { _all: true } }),
    core.servingModel().then((m) => listThresholds(prisma, m.name)),
    prisma.indexJob.findMany({ where: { state: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } }),
    prisma.indexJob.findFirst({ where: { state: { in: ["succeeded", "failed"] } }, orderBy: { createdAt: "desc" } }),
  ]);
  const { groups } = await allClusters(core);
  let indexInfo: StatsResponse["index"] = { backend: null, count: null, dims: null, generation: null };
  try {
    const ix = await core.index();
    indexInfo = { backend: ix.backend, count: await ix.count(), dims: ix.dims, generation: generationOf(ix) };
  } catch {
    // index unavailable (e.g. no model yet): reported as nulls
  }
  const serving = await core.servingModel();
  let dims: number | null = null;
  try {
    dims = (await core.servingEncoder()).encoder.dims;
  } catch {
    dims = null;
  }
  return {
    reports: { total, indexed: total - stale.length, stale: stale.length, bySource, byProduct },
    duplicates: {
      links,
      groups: groups.length,
      largestGroup: groups.reduce((m, g) => Math.max(m, g.members.length), 0),
      byOrigin: byOrigin.map((o) => ({ value: o.origin, count: o._count._all })).sort(byCount),
    },
    decisions: { total: decisions, byVerdict: byVerdict.map((v) => ({ value: v.verdict, count: v._count._all })).sort(byCount) },
    index: indexInfo,
    model: { name: serving.name, dir: serving.dir, dims },
    thresholds,
    jobs: { running: running.map(toJobDto), last: last ? toJobDto(last) : null },
  };
}
