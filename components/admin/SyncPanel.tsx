"use client";
// Live sync per tracker: status and progress of the current or last run, a "Sync now" button, and the
// duplicate bot's settings. Polls while a run is in progress.
import { useEffect, useId, useState } from "react";
import type { SyncSourceDto } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtDateTime, fmtInt } from "@/components/format";

const TRACKER_LABEL: Record<SyncSourceDto["name"], string> = { github: "GitHub", bugzilla: "Bugzilla", jira: "Jira" };
const STATE_STYLE: Record<SyncSourceDto["state"], string> = {
  idle: "bg-slate-100 text-slate-700",
  running: "bg-indigo-100 text-indigo-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  failed: "bg-rose-100 text-rose-800",
};
const field = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm";

function BotSettingsForm({ s, onSaved }: { s: SyncSourceDto; onSaved: (next: SyncSourceDto) => void }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const threshold = String(f.get("threshold") ?? "").trim();
    const label = String(f.get("label") ?? "").trim();
    setError(null);
    setSaved(false);
    try {
      const r = await apiFetch<{ source: SyncSourceDto }>(`/api/admin/sync/${s.name}/settings`, {
        method: "PUT",
        json: {
          enabled: f.get("enabled") === "on",
          dryRun: f.get("dryRun") === "on",
          threshold: threshold === "" ? null : Number(threshold),
          label: label === "" ? null : label,
          maxCandidates: Number(f.get("maxCandidates")),
        },
      });
      onSaved(r.source);
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form onSubmit={submit} className="mt-3 grid gap-2 sm:grid-cols-5" aria-label={`${TRACKER_LABEL[s.name]} bot settings`}>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={s.settings.enabled} className="h-4 w-4" /> Bot on
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="dryRun" defaultChecked={s.settings.dryRun} className="h-4 w-4" /> Dry run
      </label>
      <div>
        <label htmlFor={`${id}-t`} className="text-xs text-slate-600">Threshold (blank = calibrated)</label>
        <input id={`${id}-t`} name="threshold" type="number" step="0.01" min="-1" max="1" defaultValue={s.settings.threshold ?? ""} className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-l`} className="text-xs text-slate-600">Label (optional)</label>
        <input id={`${id}-l`} name="label" maxLength={50} defaultValue={s.settings.label ?? ""} className={field} />
      </div>
      <div>
        <label htmlFor={`${id}-k`} className="text-xs text-slate-600">Candidates</label>
        <input id={`${id}-k`} name="maxCandidates" type="number" min={1} max={10} defaultValue={s.settings.maxCandidates} className={field} />
      </div>
      <div className="flex items-center gap-3 sm:col-span-5">
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-900">
          Save bot settings
        </button>
        {saved && <span className="text-xs text-emerald-700">Saved</span>}
        {error && <span role="alert" className="text-xs text-rose-800">{error}</span>}
      </div>
    </form>
  );
}

function SourceCard({ s, onChange }: { s: SyncSourceDto; onChange: (next: SyncSourceDto) => void }) {
  const [error, setError] = useState<string | null>(null);
  async function start() {
    setError(null);
    try {
      const r = await apiFetch<{ source: SyncSourceDto }>(`/api/admin/sync/${s.name}`, { method: "POST", json: {} });
      onChange(r.source);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const c = s.counts;
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid={`sync-${s.name}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <span className="font-medium">{TRACKER_LABEL[s.name]}</span>{" "}
          <span className="font-mono text-xs text-slate-600">{s.source ?? "not configured"}</span>{" "}
          <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATE_STYLE[s.state]}`}>{s.state}</span>
        </div>
        <button
          type="button"
          onClick={start}
          disabled={!s.configured || s.state === "running"}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-indigo-300"
        >
          Sync now
        </button>
      </div>
      {s.configured ? (
        <>
          {c && (
            <p className="mt-2 text-sm text-slate-700" aria-live="polite">
              {s.state === "running" ? "This run: " : "Last run: "}
              {fmtInt(c.fetched)} fetched in {fmtInt(c.pages)} page(s), {fmtInt(c.imported)} new, {fmtInt(c.updated)} changed,{" "}
              {fmtInt(c.unchanged)} unchanged, {fmtInt(c.skipped)} skipped, {fmtInt(c.links)} links ({fmtInt(c.pendingLinks)} pending),{" "}
              {fmtInt(c.indexed)} indexed
            </p>
          )}
          <dl className="mt-1 grid grid-cols-2 gap-x-4 text-xs text-slate-600 sm:grid-cols-4">
            <div><dt className="inline">Cursor: </dt><dd className="inline font-mono">{s.cursor ?? "—"}</dd></div>
            <div><dt className="inline">Last run: </dt><dd className="inline">{fmtDateTime(s.lastRunAt)}</dd></div>
            <div><dt className="inline">Last success: </dt><dd className="inline">{fmtDateTime(s.lastSuccessAt)}</dd></div>
            <div><dt className="inline">Webhook: </dt><dd className="inline">{s.webhook ? `/api/webhooks/${s.name}` : "no secret set"}</dd></div>
          </dl>
          {s.lastError && <p role="alert" className="mt-2 rounded bg-rose-50 px-2 py-1 text-xs text-rose-900">{s.lastError}</p>}
          {error && <p role="alert" className="mt-2 text-xs text-rose-800">{error}</p>}
          <BotSettingsForm s={s} onSaved={onChange} />
        </>
      ) : (
        <p className="mt-1 text-xs text-slate-600">Set it up with environment variables (docs/sync.md).</p>
      )}
    </li>
  );
}

export function SyncPanel({ initial }: { initial: SyncSourceDto[] }) {
  const [sources, setSources] = useState(initial);
  const running = sources.some((s) => s.state === "running");
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      apiFetch<{ sources: SyncSourceDto[] }>("/api/admin/sync").then((r) => setSources(r.sources), () => undefined);
    }, 2000);
    return () => clearInterval(t);
  }, [running]);
  const replace = (next: SyncSourceDto) => setSources((all) => all.map((s) => (s.name === next.name ? next : s)));
  return (
    <section aria-labelledby="sync-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="sync-title" className="text-base font-semibold">Live sync and duplicate bot</h2>
      <p className="mt-0.5 text-sm text-slate-600">Pulls new and changed reports from each tracker; the bot comments likely duplicates on new reports.</p>
      <ul className="mt-3 space-y-3">
        {sources.map((s) => (
          <SourceCard key={s.name} s={s} onChange={replace} />
        ))}
      </ul>
    </section>
  );
}
