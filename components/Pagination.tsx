import Link from "next/link";

/** Previous / next page links (the API reports hasMore, not a total). */
export function Pagination({ page, hasMore, href }: { page: number; hasMore: boolean; href: (page: number) => string }) {
  if (page <= 1 && !hasMore) return null;
  const btn = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50";
  const off = "rounded-md border border-slate-200 bg-slate-50 px-3 py-1.5 text-sm font-medium text-slate-500";
  return (
    <nav aria-label="Pagination" className="mt-6 flex items-center justify-between gap-2">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" className={btn}>
          ← Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>← Previous</span>
      )}
      <span className="text-sm text-slate-700">Page {page}</span>
      {hasMore ? (
        <Link href={href(page + 1)} rel="next" className={btn}>
          Next →
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>Next →</span>
      )}
    </nav>
  );
}
