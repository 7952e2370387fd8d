import type { Metadata } from "next";
import Link from "next/link";
import { NOT_FOUND_TITLE } from "@/app/_data/titles";

export const metadata: Metadata = { title: NOT_FOUND_TITLE };

export default function NotFound() {
  return (
    <section aria-labelledby="nf-title" className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 id="nf-title" className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-3 text-slate-600">That report or page does not exist. It may have been removed or the link is wrong.</p>
      <div className="mt-6 flex justify-center gap-3">
        <Link href="/" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700">
          Search reports
        </Link>
        <Link href="/check" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
          Check a new report
        </Link>
      </div>
    </section>
  );
}
