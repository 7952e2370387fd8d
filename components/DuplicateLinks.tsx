import Link from "next/link";
import type { DuplicateLinkDto } from "@/lib/http/schemas";
import { StatusBadge } from "@/components/StatusBadge";
import { fmtDateTime, reportKey } from "@/components/format";

function LinkRow({ l }: { l: DuplicateLinkDto }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
      <Link href={`/reports/${l.other.id}`} className="min-w-0 basis-full wrap-anywhere sm:basis-auto sm:flex-1 text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline">
        <span className="mr-2 font-mono text-xs text-slate-600">{reportKey(l.other)}</span>
        {l.other.title}
      </Link>
      <span className="flex items-center gap-2 text-xs text-slate-600">
        <StatusBadge status={l.other.status} />
        <span>
          {l.origin === "triager" ? `by ${l.actor ?? "a triager"}` : "imported"} · <time dateTime={l.createdAt}>{fmtDateTime(l.createdAt)}</time>
        </span>
      </span>
    </li>
  );
}

/** Duplicate links in both directions: this report's masters and the reports that duplicate it. */
export function DuplicateLinks({ duplicateOf, duplicates }: { duplicateOf: DuplicateLinkDto[]; duplicates: DuplicateLinkDto[] }) {
  return (
    <section aria-labelledby="links-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="links-title" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold">Duplicate links</h2>
      <div className="divide-y divide-slate-100">
        <div className="px-1 py-2" data-testid="duplicate-of">
          <h3 className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-600">Duplicate of</h3>
          {duplicateOf.length === 0 ? (
            <p className="px-3 py-1 text-sm text-slate-600">Not marked as a duplicate.</p>
          ) : (
            <ul>{duplicateOf.map((l) => <LinkRow key={l.id} l={l} />)}</ul>
          )}
        </div>
        <div className="px-1 py-2" data-testid="duplicated-by">
          <h3 className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-600">Duplicated by</h3>
          {duplicates.length === 0 ? (
            <p className="px-3 py-1 text-sm text-slate-600">No reports are marked as duplicates of this one.</p>
          ) : (
            <ul>{duplicates.map((l) => <LinkRow key={l.id} l={l} />)}</ul>
          )}
        </div>
      </div>
    </section>
  );
}
