"use client";
import { useId, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { FacetsResponse } from "@/lib/http/schemas";
import { LIMITS } from "@/lib/http/schemas";
import { FILTER_KEYS, searchHref, type SearchParamsState } from "@/components/search-url";

/**
 * Query box + filters. Works without JavaScript (plain GET form); with it, submits via client
 * navigation, drops empty parameters and applies a filter as soon as it changes.
 */
export function SearchForm({ initial, facets }: { initial: SearchParamsState; facets: FacetsResponse | null }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  const id = useId();
  const activeFilters = FILTER_KEYS.filter((k) => initial[k]).length;
  // Small screens: filters fold away behind a toggle unless one is in use.
  const [showFilters, setShowFilters] = useState(activeFilters > 0);

  function submit() {
    const f = formRef.current;
    if (!f) return;
    const data = new FormData(f);
    const s: Partial<SearchParamsState> = {};
    for (const k of ["q", ...FILTER_KEYS] as const) s[k] = String(data.get(k) ?? "");
    s.exact = data.get("exact") ? "1" : "";
    startTransition(() => router.push(searchHref(s)));
  }

  const selectedProduct = initial.product;
  const components = (facets?.components ?? []).filter(
    (c) => !selectedProduct || c.product === null || c.product === selectedProduct,
  );
  const componentValues = [...new Map(components.map((c) => [c.value, c])).values()];
  const field =
    "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30";
  const hasFilters = activeFilters > 0;

  return (
    <form
      ref={formRef}
      role="search"
      action="/"
      method="get"
      aria-label="Search reports"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4"
    >
      <div className="flex gap-2">
        <label htmlFor={`${id}-q`} className="sr-only">
          Search reports in plain language
        </label>
        <div className="relative min-w-0 flex-1">
          <svg aria-hidden="true" viewBox="0 0 20 20" className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 fill-slate-500">
            <path d="M8.5 3a5.5 5.5 0 1 0 3.4 9.83l3.63 3.64a.75.75 0 1 0 1.06-1.06l-3.63-3.64A5.5 5.5 0 0 0 8.5 3Zm-4 5.5a4 4 0 1 1 8 0 4 4 0 0 1-8 0Z" />
          </svg>
          <input
            id={`${id}-q`}
            name="q"
            type="search"
            data-search-input
            defaultValue={initial.q}
            key={initial.q}
            maxLength={LIMITS.query}
            autoComplete="off"
            placeholder="Describe the problem in your own words"
            className="block w-full rounded-md border border-slate-300 bg-white py-2 pl-9 pr-10 text-base text-slate-900 shadow-sm placeholder:text-slate-500 focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30 sm:text-sm"
          />
          <kbd aria-hidden="true" className="pointer-events-none absolute right-2.5 top-1/2 hidden -translate-y-1/2 rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs text-slate-600 sm:block">
            /
          </kbd>
        </div>
        <button
          type="submit"
          className="shrink-0 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700"
        >
          {pending ? "Searching…" : "Search"}
        </button>
      </div>

      <label className="mt-2 flex flex-wrap items-center gap-x-2 text-sm text-slate-800">
        <input
          type="checkbox"
          name="exact"
          value="1"
          defaultChecked={initial.exact === "1"}
          key={`x-${initial.exact ?? ""}`}
          onChange={() => formRef.current?.querySelector<HTMLInputElement>("input[name=q]")?.value.trim() && submit()}
          className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
        />
        Exact matches only
        <span className="text-xs text-slate-600">(reports containing these words as written)</span>
      </label>
      <button
        type="button"
        aria-expanded={showFilters}
        aria-controls={`${id}-filters`}
        onClick={() => setShowFilters((v) => !v)}
        className="mt-2 text-sm font-medium text-indigo-700 hover:underline sm:hidden"
      >
        {showFilters ? "Hide filters" : `Filters${activeFilters ? ` (${activeFilters} active)` : ""}`}
      </button>
      <fieldset id={`${id}-filters`} className={`mt-3 grid-cols-2 gap-3 sm:grid sm:grid-cols-3 lg:grid-cols-5 ${showFilters ? "grid" : "hidden"}`}>
        <legend className="sr-only">Filters</legend>
        <div>
          <label htmlFor={`${id}-product`} className="text-xs font-medium text-slate-700">Product</label>
          <select id={`${id}-product`} name="product" defaultValue={initial.product} key={`p-${initial.product}`} onChange={submit} className={field}>
            <option value="">All products</option>
            {facets?.products.map((p) => (
              <option key={p.value} value={p.value}>
                {p.value} ({p.count})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-component`} className="text-xs font-medium text-slate-700">Component</label>
          <select id={`${id}-component`} name="component" defaultValue={initial.component} key={`c-${initial.component}-${initial.product}`} onChange={submit} className={field}>
            <option value="">All components</option>
            {componentValues.map((c) => (
              <option key={c.value} value={c.value}>
                {c.value}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-status`} className="text-xs font-medium text-slate-700">Status</label>
          <select id={`${id}-status`} name="status" defaultValue={initial.status} key={`s-${initial.status}`} onChange={submit} className={field}>
            <option value="">Any status</option>
            {facets?.statuses.map((s) => (
              <option key={s.value} value={s.value}>
                {s.value} ({s.count})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="text-xs font-medium text-slate-700">Opened from</label>
          <input id={`${id}-from`} name="from" type="date" defaultValue={initial.from} key={`f-${initial.from}`} onBlur={(e) => e.currentTarget.value !== initial.from && e.currentTarget.validity.valid && submit()} className={field} />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="text-xs font-medium text-slate-700">Opened to</label>
          <input id={`${id}-to`} name="to" type="date" defaultValue={initial.to} key={`t-${initial.to}`} onBlur={(e) => e.currentTarget.value !== initial.to && e.currentTarget.validity.valid && submit()} className={field} />
        </div>
      </fieldset>
      <p aria-live="polite" className="sr-only">{pending ? "Searching…" : ""}</p>
      {hasFilters && (
        <div className="mt-2 flex justify-end text-xs">
          <a
            href={searchHref({ q: initial.q })}
            onClick={(e) => {
              e.preventDefault();
              startTransition(() => router.push(searchHref({ q: initial.q })));
            }}
            className="font-medium text-indigo-700 hover:underline"
          >
            Clear filters
          </a>
        </div>
      )}
    </form>
  );
}
