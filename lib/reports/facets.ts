// Filter dropdown values: products, components and statuses with their report counts.
import type { PrismaClient } from "@/lib/db/client";
import type { FacetsResponse, FacetValue } from "@/lib/domain/views";

/** Most frequent first, then alphabetical. */
export const byCount = (a: FacetValue, b: FacetValue) => b.count - a.count || a.value.localeCompare(b.value);

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
