/** Horizontal bar for a 0..1 similarity score, with the number as text (colour is never the only cue). */
export function ScoreBar({ score, label = "Similarity" }: { score: number; label?: string }) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(score) ? score : 0));
  const pct = Math.round(clamped * 100);
  const tone = clamped >= 0.75 ? "bg-rose-500" : clamped >= 0.5 ? "bg-amber-500" : "bg-slate-400";
  return (
    <div className="flex items-center gap-2" title={`${label} ${score.toFixed(3)}`}>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}%`}
        className="h-1.5 w-20 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full ${tone}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="w-9 text-right font-mono text-xs tabular-nums text-slate-700">{score.toFixed(2)}</span>
    </div>
  );
}
