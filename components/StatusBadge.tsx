const TONES: Record<string, string> = {
  open: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  new: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  unconfirmed: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  assigned: "bg-sky-50 text-sky-800 ring-sky-600/20",
  "in progress": "bg-sky-50 text-sky-800 ring-sky-600/20",
  "patch available": "bg-sky-50 text-sky-800 ring-sky-600/20",
  reopened: "bg-amber-50 text-amber-900 ring-amber-600/20",
  resolved: "bg-slate-100 text-slate-700 ring-slate-500/20",
  closed: "bg-slate-100 text-slate-700 ring-slate-500/20",
  verified: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

/** Tracker status as a pill; unknown statuses get a neutral tone. */
export function StatusBadge({ status, resolution }: { status?: string | null; resolution?: string | null }) {
  if (!status) return null;
  const tone = TONES[status.toLowerCase()] ?? "bg-slate-100 text-slate-700 ring-slate-500/20";
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}>
      {status}
      {resolution ? <span className="ml-1 font-normal opacity-80">· {resolution}</span> : null}
    </span>
  );
}
