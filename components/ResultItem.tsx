import Link from "next/link";
import type { SearchResult } from "@/lib/http/schemas";
import { ReportMeta } from "@/components/ReportMeta";
import { SnippetText } from "@/components/SnippetText";
import { StatusBadge } from "@/components/StatusBadge";
import { Highlight } from "@/components/Highlight";
import { reportKey } from "@/components/format";

/** One search hit: key + highlighted title (the keyboard-navigable link), status, meta, snippet, score. */
export function ResultItem({ r }: { r: SearchResult }) {
  const t = r.titleSnippet;
  const ranks = [r.denseRank ? `meaning #${r.denseRank}` : null, r.keywordRank ? `keywords #${r.keywordRank}` : null]
    .filter(Boolean)
    .join(" · ");
  return (
    <article className="group rounded-lg border border-slate-200 bg-white p-3 shadow-sm transition-colors focus-within:border-indigo-300 hover:border-slate-300 sm:p-4">
      <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
        <h3 className="min-w-0 flex-1 text-base font-medium leading-6">
          <Link
            href={`/reports/${r.report.id}`}
            data-nav-item
            className="wrap-anywhere text-slate-900 underline-offset-2 hover:text-indigo-700 hover:underline focus-visible:text-indigo-700"
          >
            <span className="mr-2 font-mono text-sm text-slate-600">{reportKey(r.report)}</span>
            {t.truncatedStart ? "… " : null}
            <Highlight text={t.text} ranges={t.highlights} />
            {t.truncatedEnd ? " …" : null}
          </Link>
        </h3>
        <span className="hidden sm:block">
          <StatusBadge status={r.report.status} resolution={r.report.resolution} />
        </span>
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="sm:hidden">
          <StatusBadge status={r.report.status} resolution={r.report.resolution} />
        </span>
        <ReportMeta report={r.report} />
        {r.matchesWords ? (
          <span data-match="words" className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
            matches your words
          </span>
        ) : (
          <span data-match="meaning" className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
            similar in meaning only
          </span>
        )}
        {(r.similarity !== null || ranks) && (
          <p className="text-xs text-slate-600" title={`fused score ${r.score.toFixed(4)}`}>
            {r.similarity !== null && (
              <span className="font-mono tabular-nums">similarity {r.similarity.toFixed(2)}</span>
            )}
            {r.similarity !== null && ranks && " · "}
            {ranks}
          </p>
        )}
      </div>
      <SnippetText snippet={r.bodySnippet} className="mt-2" />
    </article>
  );
}
