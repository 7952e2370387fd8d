import Link from "next/link";
import type { DecisionDto, ReportRef } from "@/lib/http/schemas";
import { VERDICT_LABEL, fmtDateTime, reportKey } from "@/components/format";
import { RevertButton } from "@/components/RevertButton";

const TONE: Record<string, string> = {
  duplicate: "bg-rose-50 text-rose-800 ring-rose-600/20",
  not_duplicate: "bg-slate-100 text-slate-700 ring-slate-500/20",
  related: "bg-amber-50 text-amber-900 ring-amber-600/20",
};

/**
 * Every triage decision touching the report, newest first; superseded and reverted ones are struck through.
 * `viewer` (a signed-in triager) gets a Revert button on the decisions they recorded, an admin on all.
 */
export function DecisionHistory({
  reportId,
  decisions,
  refs,
  viewer,
}: {
  reportId: number;
  decisions: DecisionDto[];
  refs: Record<number, ReportRef>;
  viewer: { userId: number; admin: boolean } | null;
}) {
  return (
    <section aria-labelledby="history-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="history-title" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">
        Decision history <span className="font-normal text-slate-600">({decisions.length})</span>
      </h2>
      {decisions.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">No triage decisions yet.</p>
      ) : (
        <ol className="divide-y divide-slate-100" data-testid="decision-history">
          {decisions.map((d) => {
            const otherId = d.reportId === reportId ? d.otherId : d.reportId;
            const other = refs[otherId];
            return (
              <li key={d.id} className={`px-4 py-2.5 text-sm ${d.current ? "" : "text-slate-600"}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[d.verdict] ?? TONE.not_duplicate} ${d.current ? "" : "line-through"}`}>
                    {VERDICT_LABEL[d.verdict] ?? d.verdict}
                  </span>
                  <Link href={`/reports/${otherId}`} className="min-w-0 wrap-anywhere font-medium text-slate-900 hover:text-indigo-700 hover:underline">
                    {other ? (
                      <>
                        <span className="mr-1 font-mono text-xs text-slate-600">{reportKey(other)}</span>
                        {other.title}
                      </>
                    ) : (
                      `#${otherId}`
                    )}
                  </Link>
                  {d.revert ? <span className="text-xs">(reverted)</span> : !d.current && <span className="text-xs">(superseded)</span>}
                </div>
                <p className="mt-0.5 text-xs text-slate-600">
                  by <span className="font-medium text-slate-800">{d.actor}</span> · <time dateTime={d.createdAt}>{fmtDateTime(d.createdAt)}</time>
                  {d.revert && (
                    <>
                      {" "}· reverted by <span className="font-medium text-slate-800">{d.revert.by}</span> ·{" "}
                      <time dateTime={d.revert.at}>{fmtDateTime(d.revert.at)}</time>
                    </>
                  )}
                </p>
                {!d.revert && viewer && (viewer.admin || viewer.userId === d.authorId) && (
                  <div className="mt-1 flex flex-wrap items-center gap-2">
                    <RevertButton decisionId={d.id} />
                  </div>
                )}
                {d.note && <p className="mt-1 whitespace-pre-wrap wrap-anywhere text-sm">{d.note}</p>}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
