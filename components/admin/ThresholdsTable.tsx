"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { CalibrateResponse, ThresholdDto } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";
import { fmtDate, fmtNum, fmtPct } from "@/components/format";

/**
 * Likely/related cut-offs per model and scope, with the precision/recall each tier gives on the labelled pairs
 * (likely: score >= likely; related: score >= related, i.e. both tiers together). The serving model comes first.
 */
export function ThresholdsTable({ thresholds }: { thresholds: ThresholdDto[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  async function calibrate() {
    setBusy(true);
    setNote(null);
    try {
      const res = await apiFetch<CalibrateResponse>("/api/admin/thresholds/calibrate", { method: "POST", json: {} });
      const d = res.details.map((x) => `${x.scope}: ${x.positives} pos / ${x.negatives} neg${x.f1 !== null ? `, F1 ${x.f1.toFixed(2)}` : ""}${x.note ? ` (${x.note})` : ""}`);
      setNote({ ok: true, text: `Calibrated ${res.model}. ${d.join("; ")}` });
      router.refresh();
    } catch (e) {
      setNote({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  const th = "px-3 py-2 first:pl-4 last:pr-4 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
  return (
    <section aria-labelledby="thr-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2 px-4 pt-4">
        <h2 id="thr-title" className="text-base font-semibold">Duplicate thresholds</h2>
        <button
          type="button"
          onClick={calibrate}
          disabled={busy}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-xs font-medium text-slate-800 hover:bg-slate-50 disabled:cursor-wait disabled:opacity-60"
        >
          {busy ? "Calibrating…" : "Recalibrate from decisions"}
        </button>
      </div>
      <div className="mt-2 overflow-x-auto">
        <table className="min-w-full text-sm [&_td:first-child]:pl-4 [&_td:last-child]:pr-4">
          <caption className="sr-only">Thresholds per model and scope, with the precision and recall of each tier</caption>
          <thead className="border-y border-slate-100 bg-slate-50">
            <tr>
              <th scope="col" className={th}>Model</th>
              <th scope="col" className={th}>Scope</th>
              <th scope="col" className={`${th} text-right`}>Likely ≥</th>
              <th scope="col" className={`${th} text-right`}>Likely P / R</th>
              <th scope="col" className={`${th} text-right`}>Related ≥</th>
              <th scope="col" className={`${th} text-right`}>Related P / R</th>
              <th scope="col" className={`${th} text-right`}>Pairs (dup / not)</th>
              <th scope="col" className={th}>Calibrated</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {thresholds.map((t) => (
              <tr key={`${t.model}|${t.scope}`} data-threshold-model={t.model} data-threshold-scope={t.scope}>
                <td className="px-3 py-2 font-mono text-xs">
                  {t.model}
                  {t.serving && <span className="ml-1 rounded bg-emerald-50 px-1 text-emerald-800">serving</span>}
                </td>
                <td className="px-3 py-2 font-mono">{t.scope === "*" ? "all products" : t.scope}</td>
                <td className="px-3 py-2 text-right font-mono tabular-nums">{fmtNum(t.likely, 2)}</td>
                <td className="px-3 py-2 text-right font-mono tabular-nums" data-testid="likely-pr">
                  {fmtPct(t.likelyPrecision)} / {fmtPct(t.likelyRecall)}
                </td>
                <td className="px-3 py-2 text-right font-mono tabular-nums">{fmtNum(t.related, 2)}</td>
                <td className="px-3 py-2 text-right font-mono tabular-nums">
                  {fmtPct(t.relatedPrecision)} / {fmtPct(t.relatedRecall)}
                </td>
                <td className="px-3 py-2 text-right font-mono tabular-nums">
                  {t.positives} / {t.negatives}
                </td>
                <td className="px-3 py-2 text-xs text-slate-600">{t.isDefault ? "built-in default (not calibrated)" : fmtDate(t.calibratedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p aria-live="polite" className={note ? `m-4 rounded-md px-3 py-2 text-sm ${note.ok ? "bg-emerald-50 text-emerald-900" : "bg-rose-50 text-rose-900"}` : "sr-only"}>
        {note?.text ?? ""}
      </p>
      {!note && <div className="h-3" />}
    </section>
  );
}
