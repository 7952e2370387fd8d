// Request filters -> index SearchFilter and Prisma where clauses (same semantics on both sides).
import type { SearchFilter } from "@/lib/vector/types";
import { InvalidInputError } from "@/lib/domain/errors";
import type { ReportFilters } from "@/lib/domain/types";

export type { ReportFilters };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Inclusive [from, to] as epoch ms bounds; a date-only `to` covers that whole day (UTC). */
export function dateRange(f: ReportFilters): { fromMs?: number; toMs?: number } {
  const out: { fromMs?: number; toMs?: number } = {};
  if (f.from) {
    out.fromMs = Date.parse(DATE_ONLY.test(f.from) ? `${f.from}T00:00:00Z` : f.from);
    if (Number.isNaN(out.fromMs)) throw new InvalidInputError(`from: invalid date "${f.from}"`);
  }
  if (f.to) {
    const t = Date.parse(DATE_ONLY.test(f.to) ? `${f.to}T00:00:00Z` : f.to);
    if (Number.isNaN(t)) throw new InvalidInputError(`to: invalid date "${f.to}"`);
    out.toMs = DATE_ONLY.test(f.to) ? t + DAY_MS - 1 : t;
  }
  if (out.fromMs !== undefined && out.toMs !== undefined && out.fromMs > out.toMs) {
    throw new InvalidInputError("from must not be after to");
  }
  return out;
}

export function indexFilter(f: ReportFilters, excludeIds?: number[]): SearchFilter {
  const { fromMs, toMs } = dateRange(f);
  const out: SearchFilter = {};
  if (f.product) out.product = f.product;
  if (f.component) out.component = f.component;
  if (f.status) out.status = f.status;
  // The index bounds are exclusive.
  if (fromMs !== undefined) out.createdAfter = fromMs - 1;
  if (toMs !== undefined) out.createdBefore = toMs + 1;
  if (excludeIds?.length) out.excludeIds = excludeIds;
  return out;
}

export function prismaWhere(f: ReportFilters) {
  const { fromMs, toMs } = dateRange(f);
  return {
    ...(f.product ? { product: f.product } : {}),
    ...(f.component ? { component: f.component } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(fromMs !== undefined || toMs !== undefined
      ? {
          createdAt: {
            ...(fromMs !== undefined ? { gte: new Date(fromMs) } : {}),
            ...(toMs !== undefined ? { lte: new Date(toMs) } : {}),
          },
        }
      : {}),
  };
}

export function hasFilter(f: ReportFilters): boolean {
  return Boolean(f.product || f.component || f.status || f.from || f.to);
}
