import type { JobDto } from "@/lib/http/schemas";
import { fmtDateTime, fmtInt } from "@/components/format";

const STATE_TONE: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-500/20",
  running: "bg-sky-50 text-sky-800 ring-sky-600/20",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  failed: "bg-rose-50 text-rose-800 ring-rose-600/20",
};

export function JobStateBadge({ state }: { state: string }) {
  return (
    <span data-testid="job-state" className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_TONE[state] ?? STATE_TONE.queued}`}>
      {state}
    </span>
  );
}

/** Live progress bar for a job: role=progressbar with aria-valuenow, processed/total, state, error. */
export function JobProgress({ job, label }: { job: JobDto; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  const bar = job.state === "failed" ? "bg-rose-500" : job.state === "succeeded" ? "bg-emerald-500" : "bg-indigo-600";
  return (
    <div className="space-y-1.5" data-testid="job-progress" data-job-id={job.id} data-job-state={job.state}>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="flex items-center gap-2">
          <JobStateBadge state={job.state} />
          <span className="text-slate-700">
            {fmtInt(job.processed)}
            {job.total ? ` / ${fmtInt(job.total)}` : ""} processed
          </span>
        </span>
        <span className="font-mono tabular-nums text-slate-800" data-testid="job-percent">{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% (${job.state})`}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full transition-[width] duration-300 ${bar}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="text-xs text-slate-600">
        job <span className="font-mono">{job.id.slice(0, 8)}</span>
        {job.generation ? <> · generation <span className="font-mono">{job.generation}</span></> : null}
        {job.finishedAt ? <> · finished {fmtDateTime(job.finishedAt)}</> : job.startedAt ? <> · started {fmtDateTime(job.startedAt)}</> : null}
      </p>
      {job.error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">
          {job.error}
        </p>
      )}
    </div>
  );
}
