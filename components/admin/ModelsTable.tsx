"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { JobStartedResponse, ModelsResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtDate, fmtNum } from "@/components/format";
import { JobProgress } from "@/components/admin/JobProgress";
import { readMetrics } from "@/components/admin/metrics";
import { isFinished, useJob } from "@/components/admin/useJob";

/** Model versions with their held-out evaluation figures; activating one re-indexes with it. */
export function ModelsTable({ data }: { data: ModelsResponse }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const { job, setJob } = useJob(null, () => router.refresh());
  const busy = job !== null && !isFinished(job);

  async function activate(id: number, name: string) {
    setError(null);
    setTarget(name);
    setJob(null);
    try {
      const res = await apiFetch<JobStartedResponse>(`/api/admin/models/${id}/activate`, { method: "POST", json: {} });
      setJob(res.job);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const th = "px-3 py-2 first:pl-4 last:pr-4 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
  const td = "px-3 py-2 align-top";
  return (
    <section aria-labelledby="models-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2 px-4 pt-4">
        <h2 id="models-title" className="text-base font-semibold">Model versions</h2>
        <p className="text-xs text-slate-600">
          Serving: <span className="font-mono">{data.serving.name ?? "—"}</span>
          {data.serving.dims ? ` (${data.serving.dims} dims)` : ""}
        </p>
      </div>
      <p className="px-4 pt-1 text-xs text-slate-600">
        Recall-rate@k, MRR and MAP on the held-out duplicate queries, per ranker (hybrid is what search serves). Higher is better.
      </p>
      {data.models.length === 0 ? (
        <p className="px-4 py-4 text-sm text-slate-600 wrap-anywhere">
          No registered model versions; the server encodes with <span className="font-mono">{data.serving.dir}</span>.
        </p>
      ) : (
      <div className="relative mt-2 overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Model versions with evaluation figures</caption>
          <thead className="border-y border-slate-100 bg-slate-50">
            <tr>
              <th scope="col" className={th}>Model</th>
              <th scope="col" className={th}>Ranker</th>
              <th scope="col" className={`${th} text-right`}>R@1</th>
              <th scope="col" className={`${th} text-right`}>R@5</th>
              <th scope="col" className={`${th} text-right`}>R@10</th>
              <th scope="col" className={`${th} text-right`}>MRR</th>
              <th scope="col" className={`${th} text-right`}>MAP</th>
              <th scope="col" className={th}><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          {data.models.map((m) => {
            const metrics = readMetrics(m.metrics);
            const rows = metrics?.rows ?? [];
            const span = Math.max(1, rows.length);
            const modelCell = (
              <th scope="rowgroup" rowSpan={span} className={`${td} min-w-[14rem] pl-4 text-left font-normal`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono font-medium text-slate-900">{m.name}</span>
                  {m.active && (
                    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-800 ring-1 ring-inset ring-emerald-600/30">
                      active
                    </span>
                  )}
                  {!m.available && (
                    <span className="rounded-full bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-800 ring-1 ring-inset ring-rose-600/30">
                      files missing
                    </span>
                  )}
                </div>
                <p className="mt-0.5 text-xs text-slate-600">
                  {m.kind} · {m.dims} dims · {m.pooling} pooling{m.baseModel ? ` · from ${m.baseModel}` : ""} · added {fmtDate(m.createdAt)}
                  {metrics?.queries ? ` · ${metrics.queries} queries` : ""}
                  {metrics?.split ? ` · split ${metrics.split}` : ""}
                </p>
              </th>
            );
            const actionCell = (
              <td rowSpan={span} className={`${td} pr-4 text-right`}>
                {!m.active && (
                  <button
                    type="button"
                    disabled={busy || !m.available}
                    onClick={() => activate(m.id, m.name)}
                    aria-label={`Activate ${m.name}`}
                    className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
                  >
                    Activate
                  </button>
                )}
              </td>
            );
            return (
              <tbody key={m.id} data-testid={`model-${m.id}`} className="border-b border-slate-100 last:border-0">
                {rows.length === 0 ? (
                  <tr>
                    {modelCell}
                    <td colSpan={6} className={`${td} text-xs text-slate-600`}>not evaluated</td>
                    {actionCell}
                  </tr>
                ) : (
                  rows.map((r, i) => (
                    <tr key={r.ranker} className={i === 0 ? "" : "text-slate-600"}>
                      {i === 0 && modelCell}
                      <td className={`${td} ${i === 0 ? "font-medium text-slate-900" : "text-xs"}`}>{r.ranker}</td>
                      {(["r1", "r5", "r10", "mrr", "map"] as const).map((k) => (
                        <td key={k} className={`${td} text-right font-mono tabular-nums ${i === 0 ? "text-slate-900" : "text-xs"}`}>
                          {fmtNum(r[k], 3)}
                        </td>
                      ))}
                      {i === 0 && actionCell}
                    </tr>
                  ))
                )}
              </tbody>
            );
          })}
        </table>
      </div>
      )}
      <div className="px-4 pb-4" aria-live="polite">
        {job && (
          <div className="mt-3">
            <p className="mb-1 text-sm text-slate-700">Activating <span className="font-mono">{target}</span>: re-indexing with it; it goes live when the job succeeds.</p>
            <JobProgress job={job} label={`Activation of ${target ?? "model"}`} />
          </div>
        )}
        {error && (
          <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
