import Link from "next/link";
import type { DuplicateCandidate } from "@/lib/http/schemas";
import { Highlight } from "@/components/Highlight";
import { ReportMeta } from "@/components/ReportMeta";
import { ScoreBar } from "@/components/ScoreBar";
import { SnippetText } from "@/components/SnippetText";
import { StatusBadge } from "@/components/StatusBadge";
import { TierBadge } from "@/components/TierBadge";
import { WhyMatch } from "@/components/WhyMatch";
import { reportKey } from "@/components/format";

/**
 * One duplicate cluster: its best-matching member with score, tier and the reasons it matched.
 * `actions` renders below (triage buttons on the report page, nothing extra on /check).
 */
export function CandidateCard({
  c,
  actions,
  headingLevel = 3,
  compact = false,
}: {
  c: DuplicateCandidate;
  actions?: React.ReactNode;
  headingLevel?: 3 | 4;
  /** Clamp the snippet to three lines (long lists next to other content). */
  compact?: boolean;
}) {
  const titleRanges = c.why.terms.flatMap((t) => t.right.title);
  const H = headingLevel === 3 ? "h3" : "h4";
  return (
    <article
      aria-label={`${reportKey(c.report)}: ${c.report.title}`}
      data-candidate-id={c.report.id}
      data-external-id={c.report.externalId}
      data-master-external-id={c.master?.externalId ?? c.report.externalId}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <TierBadge tier={c.tier} />
          <ScoreBar score={c.score} label="Cosine similarity" />
        </div>
        {c.clusterSize > 1 && (
          <span className="text-xs text-slate-600">cluster of {c.clusterSize} reports</span>
        )}
      </div>
      <H className="mt-2 text-base font-medium leading-6">
        <Link
          href={`/reports/${c.report.id}`}
          data-nav-item
          className="text-slate-900 underline-offset-2 hover:text-indigo-700 hover:underline"
        >
          <span className="mr-2 font-mono text-sm text-slate-600">{reportKey(c.report)}</span>
          <Highlight text={c.report.title} ranges={titleRanges} />
        </Link>
      </H>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <StatusBadge status={c.report.status} resolution={c.report.resolution} />
        <ReportMeta report={c.report} />
      </div>
      <SnippetText snippet={c.snippet} className={compact ? "mt-2 line-clamp-3" : "mt-2"} />
      <div className="mt-3">
        <WhyMatch why={c.why} />
      </div>
      {c.master && (
        <p className="mt-3 text-xs text-slate-700">
          Cluster master:{" "}
          <Link href={`/reports/${c.master.id}`} className="font-medium text-indigo-700 hover:underline">
            {reportKey(c.master)} — {c.master.title}
          </Link>
        </p>
      )}
      {actions && <div className="mt-3 border-t border-slate-100 pt-3">{actions}</div>}
    </article>
  );
}
