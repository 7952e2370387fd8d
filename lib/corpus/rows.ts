// Row -> response shapes (dates as ISO strings). One place, so every route returns the same fields.
import type { DuplicateLink, Report, TriageDecision } from "@/lib/db/client";
import type { DecisionDto, DuplicateLinkDto, ReportRef, ReportSummary } from "@/lib/domain/views";
import type { Verdict } from "@/lib/domain/types";

export const SUMMARY_SELECT = {
  id: true,
  source: true,
  externalId: true,
  url: true,
  title: true,
  product: true,
  component: true,
  status: true,
  resolution: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type SummaryRow = Pick<Report, keyof typeof SUMMARY_SELECT>;

export function toSummary(r: SummaryRow): ReportSummary {
  return {
    id: r.id,
    source: r.source,
    externalId: r.externalId,
    url: r.url,
    title: r.title,
    product: r.product,
    component: r.component,
    status: r.status,
    resolution: r.resolution,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toRef(r: Pick<Report, "id" | "externalId" | "title" | "status">): ReportRef {
  return { id: r.id, externalId: r.externalId, title: r.title, status: r.status };
}

export function toLink(l: DuplicateLink, other?: Pick<Report, "id" | "externalId" | "title" | "status">): DuplicateLinkDto {
  const base = {
    id: l.id,
    duplicateId: l.duplicateId,
    masterId: l.masterId,
    origin: l.origin,
    actor: l.actor,
    createdAt: l.createdAt.toISOString(),
  };
  return other ? { ...base, other: toRef(other) } : (base as DuplicateLinkDto);
}

/** A decision row with, when loaded, its author and its revert (with the reverting account's login). */
export type DecisionRow = TriageDecision & {
  author?: { userId: number } | null;
  revert?: { userId: number; createdAt: Date; user: { login: string } } | null;
};

export function toDecision(d: DecisionRow, current: boolean): DecisionDto {
  return {
    id: d.id,
    reportId: d.reportId,
    otherId: d.otherId,
    verdict: d.verdict as Verdict,
    actor: d.actor,
    note: d.note,
    createdAt: d.createdAt.toISOString(),
    current,
    authorId: d.author?.userId ?? null,
    revert: d.revert ? { by: d.revert.user.login, byId: d.revert.userId, at: d.revert.createdAt.toISOString() } : null,
  };
}

/** Unordered pair key "small:large". */
export function pairKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
