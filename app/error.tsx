"use client";
import { useEffect } from "react";

export default function ErrorBoundary({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <section role="alert" aria-labelledby="err-title" className="mx-auto max-w-lg py-16 text-center">
      <h1 id="err-title" className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-3 text-slate-600">The page could not be loaded. Trying again often helps if the server was busy.</p>
      {digest && <p className="mt-2 font-mono text-xs text-slate-500">Error id: {digest}</p>}
      <button
        type="button"
        onClick={() => retry()}
        className="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
      >
        Try again
      </button>
    </section>
  );
}
