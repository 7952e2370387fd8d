// Filter dropdown values and corpus statistics.
import type { PrismaClient } from "@/lib/db/client";
import type { FacetsResponse, FacetValue, StatsResponse } from "@/lib/domain/views";
import { allClusters } from "@/lib/dedup/clusters";
import { listThresholds } from "@/lib/dedup/thresholds";
import { toJobDto, recoverStaleJobs } from "@/lib/jobs/store";
import { generationOf, index, servingEncoder, servingModel } from "@/lib/core";
import { staleReportIds } from "@/lib/corpus/index-sync";

const byCount = (a: FacetValue, b: FacetValue) => b.count - a.count || a.value.localeCompare(b.value);

export async function facets(prisma: PrismaClient): Promise<FacetsResponse> {
  const [products, components, statuses, total] = await Promise.all([
    prisma.report.groupBy({ by: ["product"], _count: { _all: true } }),
    prisma.report.groupBy({ by: ["product", "component"], _count: { _all: true } }),
    prisma.report.groupBy({ by: ["status"], _count: { _all: true } }),
    prisma.report.count(),
  ]);
  return {
    products: products.filter((p) => p.product).map((p) => ({ value: p.product!, count: p._count._all })).sort(byCount),
    components: components
      .filter((c) => c.component)
      .map((c) => ({ value: c.component!, product: c.product, count: c._count._all }))
      .sort(byCount),
    statuses: statuses.filter((s) => s.status).map((s) => ({ value: s.status!, count: s._count._all })).sort(byCount),
    total,
  };
}

async function groupCount(prisma: PrismaClient, by: "source" | "product"): Promise<FacetValue[]> {
  const rows = await prisma.report.groupBy({ by: [by], _count: { _all: true } });
  return rows.map((r) => ({ value: (r[by] as string | null) ?? "(none)", count: r._count._all })).sort(byCount);
}

export async function stats(prisma: PrismaClient): Promise<StatsResponse> {
  await recoverStaleJobs(prisma);
  const [total, stale, bySource, byProduct, links, byOrigin, decisions, byVerdict, thresholds, running, last] = await Promise.all([
    prisma.report.count(),
    staleReportIds(prisma),
    groupCount(prisma, "source"),
    groupCount(prisma, "product"),
    prisma.duplicateLink.count(),
    prisma.duplicateLink.groupBy({ by: ["origin"], _count: { _all: true } }),
    prisma.triageDecision.count(),
    prisma.triageDecision.groupBy({ by: ["verdict"], _count: { _all: true } }),
    listThresholds(prisma),
    prisma.indexJob.findMany({ where: { state: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } }),
    prisma.indexJob.findFirst({ where: { state: { in: ["succeeded", "failed"] } }, orderBy: { createdAt: "desc" } }),
  ]);
  const { groups } = await allClusters(prisma);
  let indexInfo: StatsResponse["index"] = { backend: null, count: null, dims: null, generation: null };
  try {
    const ix = await index();
    indexInfo = { backend: ix.backend, count: await ix.count(), dims: ix.dims, generation: generationOf(ix) };
  } catch {
    // index unavailable (e.g. no model yet): reported as nulls
  }
  const serving = await servingModel();
  let dims: number | null = null;
  try {
    dims = (await servingEncoder()).encoder.dims;
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
