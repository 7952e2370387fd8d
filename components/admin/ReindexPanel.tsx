"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { JobDto, JobStartedResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { JobProgress } from "@/components/admin/JobProgress";
import { isFinished, useJob } from "@/components/admin/useJob";

/**
 * Re-index without downtime: the server builds a new index generation while the old one keeps
 * serving. Shows live progress; attaches to a reindex that is already running on page load.
 */
export function ReindexPanel({ running, last }: { running: JobDto | null; last: JobDto | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { job, setJob, pollError } = useJob(running ?? last, () => router.refresh());
  const busy = starting || (job !== null && !isFinished(job));

  async function start() {
    setError(null);
    setStarting(true);
    setJob(null); // never show the previous run's 100 % as if it were this one
    try {
      const res = await apiFetch<JobStartedResponse>("/api/admin/reindex", { method: "POST", json: {} });
      setJob(res.job);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  }

  return (
    <section aria-labelledby="reindex-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="reindex-title" className="text-base font-semibold">Re-index</h2>
          <p className="mt-0.5 max-w-prose text-sm text-slate-600">
            Re-encodes every report with the serving model into a new index generation; search keeps using the current one
            until the switch.
          </p>
        </div>
        <button
          type="button"
          onClick={start}
          disabled={busy}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-indigo-300"
        >
          {busy ? "Re-indexing…" : job?.resumable ? "Resume re-index" : "Start re-index"}
        </button>
      </div>
      <div className="mt-4" aria-live="polite">
        {starting && !job ? (
          <p className="text-sm text-slate-700">Starting re-index…</p>
        ) : job ? (
          <>
            {job.kind !== "reindex" ? null : <JobProgress job={job} label="Re-index progress" />}
            {job.state === "succeeded" && job.kind === "reindex" && (
              <p className="mt-2 text-sm text-emerald-800">Re-index complete; the new generation is live.</p>
            )}
          </>
        ) : (
          <p className="text-sm text-slate-600">No re-index has run yet.</p>
        )}
        {pollError && <p className="mt-2 text-xs text-amber-800">Lost contact with the server ({pollError}); retrying…</p>}
        {error && (
          <p role="alert" className="mt-2 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
