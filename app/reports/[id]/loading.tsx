// Shown at once while a report loads (and what list links prefetch), so navigation feels instant.
export default function LoadingReport() {
  return (
    <div aria-busy="true" aria-live="polite" className="animate-pulse space-y-6">
      <span className="sr-only">Loading report…</span>
      <div className="h-4 w-40 rounded bg-slate-200" />
      <div className="space-y-2">
        <div className="h-4 w-32 rounded bg-slate-200" />
        <div className="h-7 w-3/4 rounded bg-slate-200" />
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-4">
          <div className="h-28 rounded-lg bg-slate-200" />
          <div className="h-64 rounded-lg bg-slate-200" />
        </div>
        <div className="space-y-3">
          <div className="h-6 w-40 rounded bg-slate-200" />
          <div className="h-40 rounded-lg bg-slate-200" />
          <div className="h-40 rounded-lg bg-slate-200" />
        </div>
      </div>
    </div>
  );
}
