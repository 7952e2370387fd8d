import type { ReportSummary } from "@/lib/http/schemas";
import { fmtDate } from "@/components/format";

/** One muted line: product / component · source · created date. */
export function ReportMeta({ report }: { report: ReportSummary }) {
  const parts = [report.product, report.component].filter(Boolean).join(" / ");
  return (
    <p className="flex flex-wrap gap-x-2 text-xs text-slate-600">
      {parts && <span>{parts}</span>}
      {parts && <span aria-hidden="true">·</span>}
      <span>
        opened <time dateTime={report.createdAt}>{fmtDate(report.createdAt)}</time>
      </span>
    </p>
  );
}
