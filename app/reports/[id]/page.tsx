import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReportRef, Verdict } from "@/lib/http/schemas";
import { serverCore } from "@/lib/runtime/server";
import { getReport } from "@/lib/reports/service";
import { findDuplicates } from "@/lib/dedup/find";
import { toRef } from "@/lib/corpus/rows";
import { attempt, reportIdParam } from "@/app/_data/attempt";
import { NOT_FOUND_TITLE } from "@/app/_data/titles";
import { can, requireReader } from "@/app/_data/viewer";
import { DescriptionText } from "@/components/DescriptionText";
import { DuplicateLinks } from "@/components/DuplicateLinks";
import { DecisionHistory } from "@/components/DecisionHistory";
import { TriagePanel } from "@/components/TriagePanel";
import { StatusBadge } from "@/components/StatusBadge";
import { ErrorNote } from "@/components/ErrorNote";
import { fmtDateTime, reportKey } from "@/components/format";

type Params = Promise<{ id: string }>;

// Metadata is resolved even when the layout answers notFound(), and streamed into the not-found page: an unknown
// id gets the not-found page's title.
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = reportIdParam((await params).id);
  const r = id === null ? null : await attempt(() => getReport(serverCore(), id));
  if (r?.ok) return { title: `${reportKey(r.value)}: ${r.value.title.slice(0, 80)}` };
  return { title: r === null || r.status === 404 ? NOT_FOUND_TITLE : "Report" };
}

export default async function ReportPage({ params }: { params: Params }) {
  const raw = (await params).id;
  const actor = await requireReader(`/reports/${encodeURIComponent(raw)}`);
  const id = reportIdParam(raw);
  if (id === null) notFound();
  const loaded = await attempt(() => getReport(serverCore(), id));
  if (!loaded.ok && loaded.status === 404) notFound();
  if (!loaded.ok) {
    return <ErrorNote title="Could not load the report" message={loaded.message} />;
  }
  const report = loaded.value;
  const similar = await attempt(() => findDuplicates(serverCore(), report, { reportId: id, k: 10, product: report.product }));

  // Titles for reports named in the decision history.
  const otherIds = [...new Set([...report.decisions.map((d) => (d.reportId === id ? d.otherId : d.reportId)), report.cluster.masterId])];
  const refRows = otherIds.length
    ? await serverCore().db.report.findMany({ where: { id: { in: otherIds } }, select: { id: true, externalId: true, title: true, status: true } })
    : [];
  const refs: Record<number, ReportRef> = Object.fromEntries(refRows.map((r) => [r.id, toRef(r)]));
  const current: Record<number, Verdict> = {};
  for (const d of report.decisions) if (d.current) current[d.reportId === id ? d.otherId : d.reportId] = d.verdict;

  const fields: [string, string | null][] = [
    ["Product", report.product],
    ["Component", report.component],
    ["Version", report.version],
    ["Platform", report.platform],
    ["Reporter", report.reporter],
    ["Source", report.source],
  ];

  return (
    <article aria-labelledby="report-title" className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link href="/" className="hover:text-indigo-700 hover:underline">Search</Link>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="font-mono">{reportKey(report)}</li>
        </ol>
      </nav>

      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-mono text-sm text-slate-600">{reportKey(report)}</span>
          <StatusBadge status={report.status} resolution={report.resolution} />
          {!report.indexed && (
            <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30">
              not yet indexed
            </span>
          )}
          {report.cluster.memberIds.length > 1 && (
            <span className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-inset ring-indigo-600/20">
              cluster of {report.cluster.memberIds.length}
              {report.cluster.masterId !== report.id ? (
                <>
                  {" "}· master{" "}
                  <Link href={`/reports/${report.cluster.masterId}`} className="font-mono underline">
                    {refs[report.cluster.masterId] ? reportKey(refs[report.cluster.masterId]!) : `#${report.cluster.masterId}`}
                  </Link>
                </>
              ) : (
                " · master"
              )}
            </span>
          )}
        </div>
        <h1 id="report-title" className="wrap-anywhere text-xl font-semibold leading-snug tracking-tight sm:text-2xl">
          {report.title}
        </h1>
        <p className="text-xs text-slate-600">
          Opened <time dateTime={report.createdAt}>{fmtDateTime(report.createdAt)}</time> · updated{" "}
          <time dateTime={report.updatedAt}>{fmtDateTime(report.updatedAt)}</time>
          {report.url && (
            <>
              {" "}·{" "}
              <a href={report.url} rel="noopener noreferrer nofollow" target="_blank" className="font-medium text-indigo-700 hover:underline">
                view in tracker ↗
              </a>
            </>
          )}
        </p>
      </header>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {/* Desktop: the report stays in view (own scroll) while the triager works down the candidates. */}
        <div className="min-w-0 space-y-6 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto lg:pb-1 lg:pr-1">
          <section aria-labelledby="fields-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h2 id="fields-title" className="sr-only">Fields</h2>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
              {fields.filter(([k, v]) => v || k === "Product" || k === "Component").map(([k, v]) => (
                <div key={k} className="min-w-0">
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{k}</dt>
                  <dd className="mt-0.5 wrap-anywhere text-sm text-slate-900">{v || "—"}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section aria-labelledby="desc-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h2 id="desc-title" className="mb-3 text-sm font-semibold">Description</h2>
            <DescriptionText text={report.description} />
          </section>
          <DuplicateLinks duplicateOf={report.duplicateOf} duplicates={report.duplicates} />
          <DecisionHistory
            reportId={report.id}
            decisions={report.decisions}
            refs={refs}
            viewer={actor && can(actor, "triager") ? { userId: actor.userId, admin: can(actor, "admin") } : null}
          />
        </div>
        <div className="min-w-0">
          {similar.ok ? (
            <TriagePanel
              reportId={report.id}
              reportLabel={reportKey(report)}
              candidates={similar.value.candidates}
              current={current}
              triager={can(actor, "triager") ? actor!.login : null}
            />
          ) : (
            <ErrorNote title="Similar reports unavailable" message={similar.message} />
          )}
        </div>
      </div>
    </article>
  );
}
