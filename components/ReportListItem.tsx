import Link from "next/link";
import type { ReportSummary } from "@/lib/http/schemas";
import { ReportMeta } from "@/components/ReportMeta";
import { StatusBadge } from "@/components/StatusBadge";
import { reportKey } from "@/components/format";

/** Compact row: key + title link (keyboard-navigable), status, meta. */
export function ReportListItem({ report }: { report: ReportSummary }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1 px-4 py-3 hover:bg-slate-50">
      <div className="min-w-0 flex-1">
        <Link href={`/reports/${report.id}`} data-nav-item className="wrap-anywhere text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline">
          <span className="mr-2 font-mono text-xs text-slate-600">{reportKey(report)}</span>
          {report.title}
        </Link>
        <div className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="sm:hidden">
            <StatusBadge status={report.status} resolution={report.resolution} />
          </span>
          <ReportMeta report={report} />
        </div>
      </div>
      <span className="hidden sm:block">
        <StatusBadge status={report.status} resolution={report.resolution} />
      </span>
    </div>
  );
}
