import type { StatsResponse } from "@/lib/http/schemas";
import { fmtInt } from "@/components/format";

function Card({ title, value, children }: { title: string; value: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{title}</dt>
      <dd className="mt-1">
        <span className="block truncate text-2xl font-semibold tabular-nums text-slate-900">{value}</span>
        {children && <span className="mt-1 block text-xs text-slate-600">{children}</span>}
      </dd>
    </div>
  );
}

export function StatsCards({ s }: { s: StatsResponse }) {
  const verdicts = s.decisions.byVerdict.map((v) => `${v.count} ${v.value.replace("_", " ")}`).join(" · ");
  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title" className="sr-only">Corpus statistics</h2>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Card title="Reports" value={fmtInt(s.reports.total)}>
          {fmtInt(s.reports.indexed)} indexed
          {s.reports.stale > 0 ? <span className="font-medium text-amber-800"> · {fmtInt(s.reports.stale)} stale</span> : null}
          {s.reports.bySource.length > 0 && <> · {s.reports.bySource.length} source{s.reports.bySource.length === 1 ? "" : "s"}</>}
        </Card>
        <Card title="Duplicate links" value={fmtInt(s.duplicates.links)}>
          {fmtInt(s.duplicates.groups)} clusters · largest {fmtInt(s.duplicates.largestGroup)}
        </Card>
        <Card title="Triage decisions" value={fmtInt(s.decisions.total)}>
          {verdicts || "none yet"}
        </Card>
        <Card title="Index" value={s.index.count !== null ? fmtInt(s.index.count) : "—"}>
          {s.index.backend ?? "unavailable"}
          {s.index.dims ? ` · ${s.index.dims} dims` : ""}
          {s.index.generation ? <> · gen <span className="font-mono">{s.index.generation}</span></> : null}
          <br />
          model <span className="font-mono">{s.model.name ?? "—"}</span>
        </Card>
      </dl>
    </section>
  );
}
