"use client";
import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import type { ImportFormat, JobDto, JobStartedResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtInt } from "@/components/format";
import { JobProgress } from "@/components/admin/JobProgress";
import { isFinished, useJob } from "@/components/admin/useJob";

/** A label for every import format the server accepts (the list itself is lib/domain/types IMPORT_FORMATS). */
const FORMAT_LABELS = {
  jsonl: "JSON Lines (generic)",
  csv: "CSV (generic)",
  jira: "Jira CSV export",
  bugzilla: "Bugzilla JSON (REST)",
  github: "GitHub issues JSON",
} satisfies Record<ImportFormat, string>;
const FORMATS = Object.entries(FORMAT_LABELS).map(([value, label]) => ({ value, label }));

interface Issue {
  line: number;
  file?: string;
  message: string;
}

function issues(v: unknown): Issue[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === "object" && "message" in x) as Issue[]) : [];
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function ImportSummary({ job }: { job: JobDto }) {
  const c = job.counts ?? {};
  const links = (c.links ?? {}) as Record<string, unknown>;
  const rows: [string, number | null][] = [
    ["New", num(c.imported)],
    ["Updated", num(c.updated)],
    ["Unchanged", num(c.unchanged)],
    ["Rejected", num(c.rejected)],
    ["Skipped", num(c.skipped)],
    ["Indexed", num(c.indexed)],
    ["Links created", num(links.created)],
    ["Links unresolved", num(links.unresolved)],
  ];
  const errors = issues(c.errors);
  const warnings = issues(c.warnings);
  return (
    <div className="space-y-3" data-testid="import-summary">
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        {rows
          .filter(([, v]) => v !== null)
          .map(([k, v]) => (
            <div key={k} className="rounded-md bg-slate-50 px-3 py-2">
              <dt className="text-xs text-slate-600">{k}</dt>
              <dd className="font-mono text-base font-semibold tabular-nums text-slate-900">{fmtInt(v)}</dd>
            </div>
          ))}
      </dl>
      {errors.length > 0 && (
        <div>
          <h3 className="text-sm font-semibold text-rose-900">Rejected lines{num(c.rejected) !== null && num(c.rejected)! > errors.length ? ` (first ${errors.length})` : ""}</h3>
          <ul className="mt-1 max-h-48 overflow-auto rounded-md border border-rose-200 bg-rose-50 font-mono text-xs text-rose-950">
            {errors.map((e, i) => (
              <li key={i} className="border-b border-rose-100 px-2 py-1 last:border-0">
                {e.file ? `${e.file}:` : "line "}
                {e.line}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {warnings.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium text-amber-900">{warnings.length} warning{warnings.length === 1 ? "" : "s"}</summary>
          <ul className="mt-1 max-h-40 overflow-auto rounded-md bg-amber-50 font-mono text-xs text-amber-950">
            {warnings.map((w, i) => (
              <li key={i} className="px-2 py-1">
                line {w.line}: {w.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Upload a tracker export (≤ 2 MB); the import runs as a job and shows its summary and rejected lines. */
export function ImportPanel() {
  const router = useRouter();
  const id = useId();
  const [format, setFormat] = useState<string>("jsonl");
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const { job, setJob, pollError } = useJob(null, () => router.refresh());
  const busy = sending || (job !== null && !isFinished(job));

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setError("Choose a non-empty file to import.");
      return;
    }
    if (!String(form.get("source") ?? "").trim()) form.delete("source");
    form.set("index", form.get("index") ? "true" : "false");
    setSending(true);
    setJob(null);
    try {
      const res = await apiFetch<JobStartedResponse>("/api/admin/import", { method: "POST", body: form });
      setJob(res.job);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSending(false);
    }
  }

  const field =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30";
  return (
    <section aria-labelledby="import-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="import-title" className="text-base font-semibold">Import reports</h2>
      <p className="mt-0.5 text-sm text-slate-600">Existing reports (same source and id) are updated; unchanged ones are not re-embedded.</p>
      <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2" aria-label="Import a file">
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-file`} className="text-sm font-medium text-slate-800">File</label>
          <input
            id={`${id}-file`}
            name="file"
            type="file"
            required
            accept=".jsonl,.json,.ndjson,.csv,.txt"
            className="mt-1 block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-200"
          />
        </div>
        <div>
          <label htmlFor={`${id}-format`} className="text-sm font-medium text-slate-800">Format</label>
          <select id={`${id}-format`} name="format" value={format} onChange={(e) => setFormat(e.target.value)} className={field}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-source`} className="text-sm font-medium text-slate-800">
            Source key <span className="font-normal text-slate-600">(optional)</span>
          </label>
          <input id={`${id}-source`} name="source" placeholder={format === "jira" ? "jira:HADOOP" : "e.g. github:org/repo"} className={field} />
        </div>
        <div className="flex flex-wrap items-center justify-between gap-3 sm:col-span-2">
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" name="index" defaultChecked className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
            Index new and changed reports afterwards
          </label>
          <button
            type="submit"
            disabled={busy}
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-indigo-300"
          >
            {busy ? "Importing…" : "Import"}
          </button>
        </div>
      </form>
      <div className="mt-4 space-y-3" aria-live="polite">
        {error && (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900">
            {error}
          </p>
        )}
        {job && <JobProgress job={job} label="Import progress" />}
        {job && isFinished(job) && <ImportSummary job={job} />}
        {pollError && <p className="text-xs text-amber-800">Lost contact with the server ({pollError}); retrying…</p>}
      </div>
    </section>
  );
}
