"use client";
import { useEffect, useId, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import Link from "next/link";
import type { DuplicateCandidate, DuplicatesResponse, ReportResponse, TriageResponse, Verdict } from "@/lib/http/schemas";
import { LIMITS } from "@/lib/http/schemas";
import { apiFetch, isAbort } from "@/components/api-client";
import { CandidateCard } from "@/components/CandidateCard";
import { reportKey } from "@/components/format";

const DEBOUNCE_MS = 300;
const STORAGE_KEY = "bugsift.checkDraft";

interface Draft {
  title: string;
  description: string;
  product: string;
  component: string;
}

const EMPTY: Draft = { title: "", description: "", product: "", component: "" };

/** The stored report a draft became. */
interface Filed {
  id: number;
  key: string;
  title: string;
}

type Status =
  | { kind: "idle" }
  | { kind: "loading" }
  | { kind: "done"; res: DuplicatesResponse }
  | { kind: "error"; message: string };

const GROUPS: { tier: DuplicateCandidate["tier"]; title: string }[] = [
  { tier: "likely", title: "Likely duplicates" },
  { tier: "related", title: "Related reports" },
  { tier: "below", title: "Less similar" },
];

/**
 * "Check a new report": duplicate candidates appear as the user types. Requests are debounced and
 * a newer keystroke aborts the request in flight, so results never arrive out of order.
 * Each candidate has verdict buttons: the first click files the draft as a new report (once: later clicks
 * reuse it) and records the verdict against it through /api/triage, so a triager never files by hand first.
 * Verdicts and filing are recorded as the signed-in account; without a triager account the page only checks.
 */
export function CheckForm({
  products,
  components,
  triager,
}: {
  products: string[];
  components: { value: string; product: string | null }[];
  /** Login of the signed-in triager (or admin); null = no filing or verdict buttons (a viewer or anonymous). */
  triager: string | null;
}) {
  const router = useRouter();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [filing, setFiling] = useState<string | null>(null);
  const [filed, setFiled] = useState<Filed | null>(null);
  const filedOnce = useRef<Promise<Filed> | null>(null);
  const [verdicts, setVerdicts] = useState<Record<number, Verdict>>({});
  const [deciding, setDeciding] = useState<number | null>(null);
  const [triageNote, setTriageNote] = useState<{ ok: boolean; text: string } | null>(null);
  const restored = useRef(false);
  const ids = { title: useId(), desc: useId(), product: useId(), component: useId(), pl: useId(), cl: useId() };

  // Keep the draft across navigation to a candidate and back (per tab only).
  useEffect(() => {
    try {
      const saved = sessionStorage.getItem(STORAGE_KEY);
      if (saved) setDraft({ ...EMPTY, ...(JSON.parse(saved) as Partial<Draft>) });
    } catch {
      /* storage unavailable or corrupt: start empty */
    }
    restored.current = true;
  }, []);
  useEffect(() => {
    if (!restored.current) return;
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
    } catch {
      /* ignore quota / privacy mode */
    }
  }, [draft]);

  useEffect(() => {
    const title = draft.title.trim();
    if (!title) {
      setStatus({ kind: "idle" });
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(async () => {
      setStatus({ kind: "loading" });
      try {
        const res = await apiFetch<DuplicatesResponse>("/api/duplicates", {
          method: "POST",
          signal: ctrl.signal,
          json: {
            title,
            description: draft.description,
            product: draft.product.trim() || undefined,
            component: draft.component.trim() || undefined,
            k: 10,
          },
        });
        if (!ctrl.signal.aborted) setStatus({ kind: "done", res });
      } catch (e) {
        if (isAbort(e) || ctrl.signal.aborted) return;
        setStatus({ kind: "error", message: e instanceof Error ? e.message : String(e) });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [draft.title, draft.description, draft.product, draft.component]);

  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));

  /** Files the draft once; every later call (a second verdict, a double click) gets the same report. */
  function fileDraftOnce(): Promise<Filed> {
    if (!filedOnce.current) {
      const pending = apiFetch<ReportResponse>("/api/reports", {
        method: "POST",
        json: {
          title: draft.title.trim(),
          description: draft.description,
          product: draft.product.trim() || undefined,
          component: draft.component.trim() || undefined,
        },
      }).then((res) => {
        const f = { id: res.report.id, key: reportKey(res.report), title: res.report.title };
        setFiled(f);
        try {
          sessionStorage.removeItem(STORAGE_KEY);
        } catch {
          /* storage unavailable */
        }
        return f;
      });
      pending.catch(() => {
        if (filedOnce.current === pending) filedOnce.current = null; // filing failed: a retry may file
      });
      filedOnce.current = pending;
    }
    return filedOnce.current;
  }

  async function fileReport() {
    setFiling("Filing…");
    try {
      const f = await fileDraftOnce();
      router.push(`/reports/${f.id}`);
    } catch (e) {
      setFiling(`Could not file the report: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function decide(c: DuplicateCandidate, verdict: Verdict) {
    if (!triager) return;
    setDeciding(c.report.id);
    setTriageNote(null);
    try {
      const f = await fileDraftOnce();
      await apiFetch<TriageResponse>("/api/triage", {
        method: "POST",
        json: { reportId: f.id, otherId: c.report.id, verdict },
      });
      setVerdicts((v) => ({ ...v, [c.report.id]: verdict }));
      const other = reportKey(c.report);
      setTriageNote({
        ok: true,
        text: verdict === "duplicate" ? `Recorded: ${f.key} is a duplicate of ${other}.` : `Recorded: ${f.key} is not a duplicate of ${other}.`,
      });
    } catch (e) {
      setTriageNote({ ok: false, text: `Could not record the decision: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setDeciding(null);
    }
  }

  function clearDraft() {
    setDraft(EMPTY);
    setFiling(null);
    setFiled(null);
    filedOnce.current = null;
    setVerdicts({});
    setTriageNote(null);
  }

  const candidates = status.kind === "done" ? status.res.candidates : [];
  const likely = candidates.filter((c) => c.tier === "likely").length;
  const related = candidates.filter((c) => c.tier === "related").length;
  const componentOptions = components.filter((c) => !draft.product || !c.product || c.product === draft.product);

  const liveText =
    status.kind === "loading"
      ? "Checking for duplicates…"
      : status.kind === "error"
        ? `Duplicate check failed: ${status.message}`
        : status.kind === "done"
          ? candidates.length === 0
            ? "No similar reports found."
            : `${likely} likely duplicate${likely === 1 ? "" : "s"}, ${related} related, ${candidates.length} clusters in total.`
          : "";

  const verdictBtn =
    "rounded-md bg-white px-2.5 py-1.5 text-xs font-medium shadow-sm ring-1 ring-inset disabled:cursor-wait disabled:opacity-60";
  const input =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-500 focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30";

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      <form
        aria-label="New report"
        className="space-y-4 self-start rounded-lg border border-slate-200 bg-white p-4 shadow-sm lg:sticky lg:top-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <div>
          <label htmlFor={ids.title} className="block text-sm font-medium text-slate-800">
            Title <span className="text-rose-700" aria-hidden="true">*</span>
          </label>
          <input
            id={ids.title}
            name="title"
            data-search-input
            required
            autoComplete="off"
            maxLength={LIMITS.title}
            value={draft.title}
            onChange={set("title")} readOnly={filed !== null}
            placeholder="One line: what goes wrong, and where"
            className={input}
          />
        </div>
        <div>
          <label htmlFor={ids.desc} className="block text-sm font-medium text-slate-800">
            Description
          </label>
          <textarea
            id={ids.desc}
            name="description"
            rows={9}
            maxLength={LIMITS.description}
            value={draft.description}
            onChange={set("description")} readOnly={filed !== null}
            placeholder="Steps to reproduce, expected vs actual, stack trace…"
            className={`${input} font-mono text-[13px] leading-5`}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.product} className="block text-sm font-medium text-slate-800">
              Product
            </label>
            <input id={ids.product} name="product" list={ids.pl} value={draft.product} onChange={set("product")} readOnly={filed !== null} maxLength={LIMITS.field} className={input} autoComplete="off" />
            <datalist id={ids.pl}>
              {products.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </div>
          <div>
            <label htmlFor={ids.component} className="block text-sm font-medium text-slate-800">
              Component
            </label>
            <input id={ids.component} name="component" list={ids.cl} value={draft.component} onChange={set("component")} readOnly={filed !== null} maxLength={LIMITS.field} className={input} autoComplete="off" />
            <datalist id={ids.cl}>
              {[...new Set(componentOptions.map((c) => c.value))].map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
          {filed ? (
            <Link
              href={`/reports/${filed.id}`}
              data-testid="filed-report"
              className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-900"
            >
              Open {filed.key}
            </Link>
          ) : triager ? (
            <button
              type="button"
              onClick={fileReport}
              disabled={!draft.title.trim() || filing === "Filing…"}
              className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-900 disabled:cursor-not-allowed disabled:bg-slate-400"
            >
              File as new report
            </button>
          ) : null}
          <button
            type="button"
            onClick={clearDraft}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
          >
            {filed ? "New report" : "Clear"}
          </button>
          {filing && <p role="status" className="text-sm text-slate-700">{filing}</p>}
          {candidates.length > 0 && (
            <a href="#cands-title" className="ml-auto text-sm font-medium text-indigo-700 hover:underline lg:hidden">
              {likely > 0 ? `${likely} likely duplicate${likely === 1 ? "" : "s"}` : `${candidates.length} similar`} ↓
            </a>
          )}
        </div>
      </form>

      <section className="min-w-0" aria-labelledby="cands-title" aria-busy={status.kind === "loading"}>
        <h2 id="cands-title" className="scroll-mt-4 text-lg font-semibold">Possible duplicates</h2>
        <p role="status" aria-live="polite" className="mt-1 min-h-5 text-sm text-slate-700" data-testid="check-status">
          {status.kind === "idle" ? "Start typing a title — similar reports appear here as you type." : liveText}
        </p>
        {status.kind === "done" && (
          <p className="text-xs text-slate-600">
            model <span className="font-mono">{status.res.model}</span> · likely ≥ {status.res.thresholds.likely.toFixed(2)}, related ≥{" "}
            {status.res.thresholds.related.toFixed(2)} (
            {status.res.thresholds.calibrated
              ? `calibrated for this model, ${status.res.thresholds.scope === "*" ? "all products" : status.res.thresholds.scope}`
              : "built-in defaults: this model is not calibrated yet"}
            ) · ordered by score · {status.res.tookMs} ms
          </p>
        )}
        {status.kind === "error" && (
          <p className="mt-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{status.message}</p>
        )}
        {candidates.length > 0 && (
          <div className="mt-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
            <p className="text-xs text-slate-600" data-testid="verdict-account">
              {!triager ? (
                <>
                  <Link href="/signin?returnTo=%2Fcheck" className="font-medium text-indigo-700 hover:underline">
                    Sign in
                  </Link>{" "}
                  with a triager account to file this report and record verdicts.
                </>
              ) : filed ? (
                <>
                  Filed as{" "}
                  <Link href={`/reports/${filed.id}`} className="font-medium text-indigo-700 hover:underline" data-testid="filed-link">
                    {filed.key}
                  </Link>
                  ; further decisions are recorded against it.
                </>
              ) : (
                <>
                  A verdict files this draft as a new report and records the decision against it, as{" "}
                  <span className="font-medium text-slate-900">{triager}</span>.
                </>
              )}
            </p>
          </div>
        )}
        <p
          role="status"
          aria-live="polite"
          data-testid="check-triage-status"
          className={triageNote ? `mt-3 rounded-md px-3 py-2 text-sm ${triageNote.ok ? "bg-emerald-50 text-emerald-900" : "bg-rose-50 text-rose-900"}` : "sr-only"}
        >
          {triageNote?.text ?? ""}
        </p>
        <div className={`mt-3 space-y-6 transition-opacity ${status.kind === "loading" ? "opacity-60" : ""}`}>
          {GROUPS.map((g) => {
            const list = candidates.filter((c) => c.tier === g.tier);
            if (list.length === 0) return null;
            return (
              <section key={g.tier} aria-label={g.title}>
                <h3 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">
                  {g.title} <span className="font-normal">({list.length})</span>
                </h3>
                <ol className="space-y-3" data-testid={`group-${g.tier}`}>
                  {list.map((c) => (
                    <li key={c.clusterId}>
                      <CandidateCard
                        c={c}
                        headingLevel={4}
                        actions={
                          triager && (
                          <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Decide on ${reportKey(c.report)}`}>
                            <button
                              type="button"
                              disabled={deciding !== null}
                              aria-pressed={verdicts[c.report.id] === "duplicate"}
                              onClick={() => decide(c, "duplicate")}
                              className={`${verdictBtn} text-rose-800 ring-rose-300 hover:bg-rose-50 aria-pressed:bg-rose-50`}
                            >
                              Duplicate of {reportKey(c.report)}
                            </button>
                            <button
                              type="button"
                              disabled={deciding !== null}
                              aria-pressed={verdicts[c.report.id] === "not_duplicate"}
                              onClick={() => decide(c, "not_duplicate")}
                              className={`${verdictBtn} text-slate-800 ring-slate-300 hover:bg-slate-50 aria-pressed:bg-slate-100`}
                            >
                              Not a duplicate
                            </button>
                            {deciding === c.report.id && <span className="text-xs text-slate-600">Saving…</span>}
                            {verdicts[c.report.id] && deciding !== c.report.id && (
                              <span className="text-xs font-medium text-emerald-800" data-testid="recorded-verdict">
                                {verdicts[c.report.id] === "duplicate" ? `✓ ${filed?.key ?? "draft"} marked as duplicate` : "✓ marked not a duplicate"}
                              </span>
                            )}
                          </div>
                          )
                        }
                      />
                    </li>
                  ))}
                </ol>
              </section>
            );
          })}
        </div>
      </section>
    </div>
  );
}
