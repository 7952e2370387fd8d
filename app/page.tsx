import type { Metadata } from "next";
import Link from "next/link";
import { SearchQuerySchema } from "@/lib/http/schemas";
import { serverCore } from "@/lib/runtime/server";
import { searchReports } from "@/lib/search/search";
import { listReports } from "@/lib/reports/service";
import { exampleSearches } from "@/lib/reports/examples";
import { attempt, param } from "@/app/_data/attempt";
import { requireReader } from "@/app/_data/viewer";
import { facets as loadFacetsFrom } from "@/lib/reports/facets";
import { SearchForm } from "@/components/SearchForm";
import { searchHref, type SearchParamsState } from "@/components/search-url";
import { ResultItem } from "@/components/ResultItem";
import { Pagination } from "@/components/Pagination";
import { ErrorNote } from "@/components/ErrorNote";
import { ReportListItem } from "@/components/ReportListItem";

type SP = Record<string, string | string[] | undefined>;

const PAGE_SIZE = 20;

export async function generateMetadata({ searchParams }: { searchParams: Promise<SP> }): Promise<Metadata> {
  const q = param((await searchParams).q);
  return { title: { absolute: q ? `“${q.slice(0, 60)}” — bugsift search` : "bugsift — Search" } };
}

export default async function SearchPage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  await requireReader("/");
  const state: SearchParamsState = {
    q: param(sp.q),
    product: param(sp.product),
    component: param(sp.component),
    status: param(sp.status),
    from: param(sp.from),
    to: param(sp.to),
    exact: param(sp.exact) === "1" ? "1" : "",
  };
  const page = Math.max(1, Math.min(50, Number.parseInt(param(sp.page) || "1", 10) || 1));
  const hasFilter = Boolean(state.product || state.component || state.status || state.from || state.to);
  const active = Boolean(state.q) || hasFilter;

  const facets = await attempt(() => loadFacetsFrom(serverCore().db));
  // Empty fields are absent, not "" (the schema validates dates when present).
  const given = Object.fromEntries(Object.entries(state).filter(([k, v]) => v !== "" && k !== "exact"));
  const parsed = SearchQuerySchema.safeParse({ ...given, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const search = !active
    ? null
    : parsed.success
      ? await attempt(() => {
          const { q, limit, offset, exact: _exact, ...filters } = parsed.data;
          return searchReports(serverCore(), q, filters, { limit, offset }, { exact: state.exact === "1" && Boolean(q) });
        })
      : ({ ok: false, status: 400, message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } as const);
  const recent = active ? null : await attempt(() => listReports(serverCore().db, { limit: 10, offset: 0 }));
  const examples = active ? null : await attempt(() => exampleSearches(serverCore().db));

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">Search reports</h1>
        <p className="mt-1 text-sm text-slate-600">
          Plain-language search across {facets.ok ? facets.value.total.toLocaleString("en-US") : "all"} reports — matches by meaning and by keywords.
        </p>
      </div>

      <SearchForm initial={state} facets={facets.ok ? facets.value : null} />
      {!facets.ok && <ErrorNote title="Filters unavailable" message={facets.message} />}

      {search && (
        <section aria-labelledby="results-title">
          <h2 id="results-title" className="sr-only">Results</h2>
          <p role="status" aria-live="polite" className="mb-3 text-sm text-slate-700" data-testid="result-summary">
            {search.ok
              ? search.value.results.length === 0
                ? page > 1
                  ? "No more results."
                  : "No reports match. Try fewer filters or different words."
                : search.value.exact
                  ? `${search.value.total} report${search.value.total === 1 ? "" : "s"} contain${search.value.total === 1 ? "s" : ""} “${state.q}”${search.value.hasMore ? ` · showing ${(page - 1) * PAGE_SIZE + 1}–${(page - 1) * PAGE_SIZE + search.value.results.length}` : ""} · ${search.value.tookMs} ms`
                  : `${search.value.hasMore ? `Results ${(page - 1) * PAGE_SIZE + 1}–${(page - 1) * PAGE_SIZE + search.value.results.length}` : `${(page - 1) * PAGE_SIZE + search.value.results.length} result${(page - 1) * PAGE_SIZE + search.value.results.length === 1 ? "" : "s"}`}${state.q ? ` for “${state.q}”` : ", newest first"} · ${search.value.tookMs} ms`
              : ""}
          </p>
          {search.ok && !search.value.exact && state.q && search.value.results.length > 0 && (
            <p className="-mt-2 mb-3 text-xs text-slate-600" data-testid="match-summary">
              {(() => {
                const words = search.value.results.filter((r) => r.matchesWords).length;
                return `${words} of these contain your words; the rest are similar in meaning only.`;
              })()}{" "}
              <Link href={searchHref({ ...state, exact: "1" })} className="font-medium text-indigo-700 hover:underline">
                Exact matches only
              </Link>
            </p>
          )}
          {!search.ok ? (
            <ErrorNote title={search.status === 503 ? "Search is unavailable" : "Search failed"} message={search.message} />
          ) : (
            <>
              <ol className="space-y-3" aria-labelledby="results-title" data-testid="results">
                {search.value.results.map((r) => (
                  <li key={r.report.id}>
                    <ResultItem r={r} />
                  </li>
                ))}
              </ol>
              <Pagination page={page} hasMore={search.value.hasMore} href={(p) => searchHref(state, p)} />
            </>
          )}
        </section>
      )}

      {!active && (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <section aria-labelledby="recent-title" className="min-w-0">
            <h2 id="recent-title" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-600">
              Recently opened
            </h2>
            {recent && !recent.ok && <ErrorNote title="Could not list reports" message={recent.message} />}
            {recent?.ok && recent.value.reports.length === 0 && (
              <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">
                No reports yet. An admin can import a corpus on the <Link href="/admin" className="font-medium text-indigo-700 hover:underline">Admin</Link> page.
              </p>
            )}
            {recent?.ok && recent.value.reports.length > 0 && (
              <ol className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
                {recent.value.reports.map((r) => (
                  <li key={r.id}>
                    <ReportListItem report={r} />
                  </li>
                ))}
              </ol>
            )}
          </section>
          <aside aria-labelledby="tips-title" className="space-y-4">
            {examples?.ok && examples.value.length > 0 && (
            <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <h2 id="tips-title" className="text-sm font-semibold text-slate-800">Try a search</h2>
              <ul className="mt-2 flex flex-wrap gap-2">
                {examples.value.map((q) => (
                  <li key={q}>
                    <Link href={searchHref({ q })} data-testid="example-search" className="inline-block rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-800 hover:bg-indigo-50 hover:text-indigo-800">
                      {q}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
            )}
            <div className="rounded-lg border border-indigo-100 bg-indigo-50 p-4 text-sm text-indigo-950">
              <p className="font-semibold">Triaging a new report?</p>
              <p className="mt-1">Paste it into <Link href="/check" className="font-medium underline">Check report</Link> to see likely duplicates while you type.</p>
            </div>
          </aside>
        </div>
      )}
    </div>
  );
}
