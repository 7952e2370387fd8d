import type { JobDto } from "@/lib/http/schemas";
import { fmtDateTime, fmtInt } from "@/components/format";
import { JobStateBadge } from "@/components/admin/JobProgress";

function duration(j: JobDto): string {
  if (!j.startedAt || !j.finishedAt) return "—";
  const ms = Date.parse(j.finishedAt) - Date.parse(j.startedAt);
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export function JobsTable({ jobs }: { jobs: JobDto[] }) {
  const th = "px-3 py-2 first:pl-4 last:pr-4 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
  return (
    <section aria-labelledby="jobs-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="jobs-title" className="px-4 pt-4 text-base font-semibold">Recent jobs</h2>
      <div className="relative mt-2 overflow-x-auto">
        <table className="min-w-full text-sm [&_td:first-child]:pl-4 [&_td:last-child]:pr-4">
          <caption className="sr-only">Recent import, re-index and evaluation jobs</caption>
          <thead className="border-y border-slate-100 bg-slate-50">
            <tr>
              <th scope="col" className={th}>Kind</th>
              <th scope="col" className={th}>State</th>
              <th scope="col" className={`${th} text-right`}>Progress</th>
              <th scope="col" className={th}>Created</th>
              <th scope="col" className={`${th} text-right`}>Took</th>
              <th scope="col" className={th}>Error</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {jobs.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-slate-600">No jobs yet.</td>
              </tr>
            )}
            {jobs.map((j) => (
              <tr key={j.id}>
                <td className="px-3 py-2">
                  <span className="font-medium">{j.kind}</span> <span className="font-mono text-xs text-slate-600">{j.id.slice(0, 8)}</span>
                </td>
                <td className="px-3 py-2"><JobStateBadge state={j.state} /></td>
                <td className="px-3 py-2 text-right font-mono tabular-nums">
                  {Math.round(j.progress * 100)}% <span className="text-xs text-slate-600">({fmtInt(j.processed)}{j.total ? `/${fmtInt(j.total)}` : ""})</span>
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-700">{fmtDateTime(j.createdAt)}</td>
                <td className="px-3 py-2 text-right text-xs text-slate-700">{duration(j)}</td>
                <td className="max-w-xs px-3 py-2 text-xs text-rose-800"><span className="line-clamp-2 wrap-anywhere">{j.error ?? ""}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="h-3" />
    </section>
  );
}
