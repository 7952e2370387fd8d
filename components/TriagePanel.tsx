"use client";
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { DuplicateCandidate, TriageResponse, Verdict } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import Link from "next/link";
import { CandidateCard } from "@/components/CandidateCard";
import { reportKey, VERDICT_LABEL } from "@/components/format";

interface Props {
  reportId: number;
  reportLabel: string;
  candidates: DuplicateCandidate[];
  /** Verdict in force per other report id (to show "marked related"). */
  current: Record<number, Verdict>;
  /** Login of the signed-in triager (or admin); null = no verdict buttons (a viewer or anonymous). */
  triager: string | null;
}

const KEYS: Record<string, Verdict> = { d: "duplicate", n: "not_duplicate", r: "related" };

/**
 * Similar reports with one-click triage. A decision is POSTed to /api/triage, the list updates at
 * once (duplicate → moves to the links above, not a duplicate → disappears), and the server parts
 * of the page (links, history) are refreshed without a reload.
 */
export function TriagePanel({ reportId, reportLabel, candidates, current, triager }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState<number | null>(null);
  const [recorded, setRecorded] = useState<Record<number, Verdict>>({});
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [, startTransition] = useTransition();
  const listRef = useRef<HTMLOListElement>(null);

  const verdictOf = (id: number): Verdict | undefined => recorded[id] ?? current[id];
  const visible = candidates.filter((c) => {
    const v = recorded[c.report.id];
    return v !== "duplicate" && v !== "not_duplicate";
  });

  async function decide(c: DuplicateCandidate, verdict: Verdict) {
    if (!triager) return;
    setBusy(c.report.id);
    setMessage(null);
    const idx = visible.findIndex((v) => v.report.id === c.report.id);
    try {
      await apiFetch<TriageResponse>("/api/triage", {
        method: "POST",
        json: { reportId, otherId: c.report.id, verdict },
      });
      setRecorded((r) => ({ ...r, [c.report.id]: verdict }));
      const other = reportKey(c.report);
      setMessage({
        tone: "ok",
        text:
          verdict === "duplicate"
            ? `Recorded: ${reportLabel} is a duplicate of ${other}.`
            : verdict === "not_duplicate"
              ? `Recorded: ${other} is not a duplicate; it will no longer be suggested.`
              : `Recorded: ${other} is related.`,
      });
      if (verdict !== "related") {
        // Keep keyboard users in the list: focus the next remaining candidate.
        requestAnimationFrame(() => {
          const links = listRef.current?.querySelectorAll<HTMLElement>("[data-nav-item]");
          if (links && links.length) links[Math.min(idx, links.length - 1)]?.focus();
        });
      }
      startTransition(() => router.refresh());
    } catch (e) {
      setMessage({ tone: "error", text: `Could not record the decision: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(null);
    }
  }

  const btn =
    "rounded-md px-2.5 py-1.5 text-xs font-medium shadow-sm ring-1 ring-inset disabled:cursor-wait disabled:opacity-60";

  return (
    <section aria-labelledby="similar-title" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="similar-title" className="text-lg font-semibold">
          Similar reports
        </h2>
        {triager && (
          <p data-keyboard-hint className="text-xs text-slate-600">
            Keys on a focused card: <kbd className="font-mono">d</kbd> duplicate, <kbd className="font-mono">r</kbd> related,{" "}
            <kbd className="font-mono">n</kbd> not a duplicate
          </p>
        )}
      </div>
      <p className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-700 shadow-sm" data-testid="triage-identity">
        {triager ? (
          <>
            Verdicts are recorded as <span className="font-medium text-slate-900">{triager}</span>.
          </>
        ) : (
          <>
            <Link href={`/signin?returnTo=/reports/${reportId}`} className="font-medium text-indigo-700 hover:underline">
              Sign in
            </Link>{" "}
            with a triager account to record verdicts.
          </>
        )}
      </p>
      <p
        role="status"
        aria-live="polite"
        data-testid="triage-status"
        className={
          message
            ? `rounded-md px-3 py-2 text-sm ${message.tone === "ok" ? "bg-emerald-50 text-emerald-900" : "bg-rose-50 text-rose-900"}`
            : "sr-only"
        }
      >
        {message?.text ?? ""}
      </p>
      {visible.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
          No similar reports left to triage.
        </p>
      ) : (
        <ol ref={listRef} className="space-y-3" data-testid="similar-list">
          {visible.map((c) => {
            const v = verdictOf(c.report.id);
            return (
              <li
                key={c.report.id}
                onKeyDown={(e) => {
                  const t = e.target as HTMLElement;
                  if (e.ctrlKey || e.metaKey || e.altKey || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName)) return;
                  const verdict = KEYS[e.key];
                  if (verdict && busy === null && triager) {
                    e.preventDefault();
                    void decide(c, verdict);
                  }
                }}
              >
                <CandidateCard
                  c={c}
                  compact
                  actions={
                    triager && (
                    <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Decide on ${reportKey(c.report)}`}>
                      <button
                        type="button"
                        disabled={busy !== null}
                        onClick={() => decide(c, "duplicate")}
                        className={`${btn} bg-white text-rose-800 ring-rose-300 hover:bg-rose-50`}
                      >
                        Duplicate of {reportKey(c.report)}
                      </button>
                      <button
                        type="button"
                        disabled={busy !== null}
                        aria-pressed={v === "related"}
                        onClick={() => decide(c, "related")}
                        className={`${btn} bg-white text-slate-800 ring-slate-300 hover:bg-slate-50 aria-pressed:bg-amber-50 aria-pressed:text-amber-900 aria-pressed:ring-amber-500`}
                      >
                        {v === "related" ? "Related ✓" : "Related"}
                      </button>
                      <button
                        type="button"
                        disabled={busy !== null}
                        onClick={() => decide(c, "not_duplicate")}
                        className={`${btn} bg-white text-slate-800 ring-slate-300 hover:bg-slate-50`}
                      >
                        Not a duplicate
                      </button>
                      {busy === c.report.id && <span className="text-xs text-slate-600">Saving…</span>}
                      {v && busy !== c.report.id && (
                        <span className="text-xs text-slate-600">Current verdict: {VERDICT_LABEL[v]}</span>
                      )}
                    </div>
                    )
                  }
                />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
