export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-xs text-slate-600 sm:px-6">
        <p>bugsift — self-hosted duplicate detection for bug reports</p>
        <p data-keyboard-hint className="hidden sm:block">
          Shortcuts: <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono">/</kbd> search,{" "}
          <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono">j</kbd>/
          <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono">k</kbd> move,{" "}
          <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono">Enter</kbd> open
        </p>
      </div>
    </footer>
  );
}
